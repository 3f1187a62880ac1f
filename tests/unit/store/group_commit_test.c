/*
 * group_commit_test.c - SQLite on a file commits by group: threads commit
 * at once, each db_commit returns only after a WAL fdatasync covering it,
 * every commit is counted and on disk, and concurrent commits may share a
 * sync but never need more than one each.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "harness.h"
#include "store/store.h"

#define THREADS 8
#define COMMITS 40

struct worker {
    struct store *s;
    int id;
    int failures;
};

static void *
work(void *arg)
{
    struct worker *w = arg;
    struct arena *a = arena_new(1u << 16);

    for (int i = 0; i < COMMITS; i++) {
        struct db *db = NULL;
        struct db_param p[2] = {P_I64(w->id), P_I64(i)};

        if (store_acquire(w->s, 10000, &db) != ERR_OK) {
            w->failures++;
            continue;
        }
        if (db_begin(db, true) != ERR_OK ||
            db_exec(db, a, "INSERT INTO gc (t, n) VALUES ($1, $2)", p, 2, NULL,
                    NULL) != ERR_OK ||
            db_commit(db) != ERR_OK) {
            db_rollback(db);
            w->failures++;
        }
        store_release(w->s, db);
        arena_reset(a);
    }
    arena_free(a);
    return NULL;
}

static int64_t
rows(struct store *s)
{
    struct arena *a = arena_new(1u << 16);
    struct db *db = NULL;
    struct db_rows r;
    int64_t n = -1;

    if (store_acquire(s, 10000, &db) == ERR_OK &&
        db_begin(db, false) == ERR_OK &&
        db_one(db, a, "SELECT COUNT(*) FROM gc", NULL, 0, &r, NULL) == ERR_OK)
        n = db_i64(&r, 0, 0);
    if (db != NULL) {
        db_rollback(db);
        store_release(s, db);
    }
    arena_free(a);
    return n;
}

TEST(store_group_commit_sqlite_file)
{
    char dir[] = "/tmp/poise-gc-XXXXXX";
    char path[128];
    struct store *s = NULL;
    struct db *db = NULL;
    pthread_t t[THREADS];
    struct worker w[THREADS];
    uint64_t commits, syncs;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/gc.db", dir);
    CHECK_RC(store_open(path, THREADS, &s, NULL), ERR_OK);
    CHECK_RC(store_acquire(s, 10000, &db), ERR_OK);
    CHECK_RC(db_exec_script(db, "CREATE TABLE gc (t INTEGER, n INTEGER)", NULL),
             ERR_OK);
    store_release(s, db);
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.s = s, .id = i};
        CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK_I64(w[i].failures, 0);
    }
    store_sync_stats(s, &commits, &syncs);
    CHECK_I64((int64_t)commits, THREADS * COMMITS);
    CHECK(syncs >= 1 && syncs <= commits);
    printf("  group commit: %llu commits, %llu WAL syncs\n",
           (unsigned long long)commits, (unsigned long long)syncs);
    CHECK_I64(rows(s), THREADS * COMMITS);
    store_close(s);
    /* What was committed is in the file. */
    CHECK_RC(store_open(path, 1, &s, NULL), ERR_OK);
    CHECK_I64(rows(s), THREADS * COMMITS);
    store_close(s);
    for (size_t i = 0; i < 3; i++) {
        static const char *const ends[] = {"", "-wal", "-shm"};
        char f[160];

        snprintf(f, sizeof(f), "%s%s", path, ends[i]);
        (void)unlink(f);
    }
    CHECK(rmdir(dir) == 0);
}

TEST(store_group_commit_not_in_memory)
{
    struct store *s = NULL;
    struct db *db = NULL;
    uint64_t commits, syncs;

    CHECK_RC(store_open(":memory:", 1, &s, NULL), ERR_OK);
    CHECK_RC(store_acquire(s, 10000, &db), ERR_OK);
    CHECK_RC(db_begin(db, true), ERR_OK);
    CHECK_RC(db_commit(db), ERR_OK);
    store_release(s, db);
    store_sync_stats(s, &commits, &syncs);
    CHECK(commits == 0 && syncs == 0);
    store_close(s);
}
