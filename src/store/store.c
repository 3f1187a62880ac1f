/*
 * store.c - the connection pool, engine dispatch, statement cache and
 * migrations. Engine specifics live in sqlite.c and pg.c.
 *
 * Invariant: a struct db is either in the free list or borrowed by exactly
 * one thread; a borrowed db never carries an open transaction back.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/assert.h"
#include "base/log.h"
#include "base/str.h"
#include "base/time.h"
#include "store/store_int.h"

struct db {
    const struct store_ops *ops;
    struct conn *conn;
    struct store *store;
    bool in_tx;
    bool engine_tx;    /* the engine has a transaction open */
    bool holds_writer; /* holds the store's writer turn (SQLite) */
    bool borrowed;
};

/*
 * SQLite admits one writer at a time. Left to its busy handler, waiting
 * writers poll with sleeps and some wait seconds; so writers of this
 * process take turns first, in arrival order (a ticket lock), and the
 * busy timeout only arbitrates with other processes.
 */
struct writer_turns {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t next;
    uint64_t serving;
};

/*
 * Group commit (SQLite on a file): connections commit with
 * synchronous=NORMAL, which writes a transaction's WAL frames without
 * fsync; db_commit then waits until one fdatasync of the WAL file covers
 * its commit. Commits are numbered in the order they were made (under the
 * writer turn); the first waiter whose commit is not yet durable syncs the
 * file for everything committed so far while the others wait, so
 * concurrent commits share one fsync and each caller answers only once
 * its own commit is on disk.
 */
struct group_sync {
    bool on;
    char *wal_path;
    int wal_fd; /* -1 until first needed */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t committed; /* write commits made */
    uint64_t durable;   /* of those, covered by a sync */
    bool syncing;
    uint64_t syncs; /* fdatasync calls made */
};

struct store {
    const struct store_ops *ops;
    struct db *dbs;
    int count;
    int *free_stack;
    int free_count;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct writer_turns writers;
    struct group_sync sync;
};

static atomic_uint_fast64_t store_errors;

void
store_count_error(void)
{
    atomic_fetch_add(&store_errors, 1);
}

uint64_t
store_error_count(void)
{
    return atomic_load(&store_errors);
}

/* SQLite on a plain file path (not :memory:, not a URI) commits by group. */
static void
group_sync_init(struct group_sync *g, const struct store_ops *ops,
                const char *target)
{
    g->wal_fd = -1;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->on = ops->engine == STORE_SQLITE && sqlite_group_commit(target);
    if (g->on) {
        size_t n = strlen(target);

        g->wal_path = xcalloc(n + 5, 1);
        memcpy(g->wal_path, target, n);
        memcpy(g->wal_path + n, "-wal", 5);
    }
}

/* fsync the directory holding path. */
static int
dir_sync(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    int fd, r;

    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) + 1, path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    r = fsync(fd);
    close(fd);
    return r;
}

/* fdatasync the WAL file, (re)opening it when SQLite made a new one. */
static int
wal_sync(struct group_sync *g)
{
    struct stat a, b;

    if (g->wal_fd >= 0 &&
        (fstat(g->wal_fd, &a) != 0 || stat(g->wal_path, &b) != 0 ||
         a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
        close(g->wal_fd);
        g->wal_fd = -1;
    }
    if (g->wal_fd < 0) {
        g->wal_fd = open(g->wal_path, O_RDONLY | O_CLOEXEC);
        /* A new WAL file: its directory entry must be durable too. */
        if (g->wal_fd >= 0 && dir_sync(g->wal_path) != 0) {
            close(g->wal_fd);
            g->wal_fd = -1;
        }
    }
    if (g->wal_fd < 0)
        return -1;
    return fdatasync(g->wal_fd);
}

/* Wait until commit number ticket is durable; sync when no one is. */
static enum err
group_sync_wait(struct group_sync *g, uint64_t ticket)
{
    enum err rc = ERR_OK;

    pthread_mutex_lock(&g->mu);
    while (g->durable < ticket && rc == ERR_OK) {
        uint64_t target;
        int r;

        if (g->syncing) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        g->syncing = true;
        target = g->committed;
        pthread_mutex_unlock(&g->mu);
        r = wal_sync(g); /* one thread at a time: syncing guards wal_fd */
        pthread_mutex_lock(&g->mu);
        g->syncing = false;
        g->syncs++;
        if (r == 0 && target > g->durable)
            g->durable = target;
        if (r != 0) {
            log_error("sqlite: fdatasync of %s failed: %s", g->wal_path,
                      strerror(errno));
            rc = ERR_STORE;
        }
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    return rc;
}

static void
group_sync_close(struct group_sync *g)
{
    if (g->wal_fd >= 0)
        close(g->wal_fd);
    free(g->wal_path);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
}

void
store_sync_stats(struct store *s, uint64_t *commits, uint64_t *syncs)
{
    pthread_mutex_lock(&s->sync.mu);
    *commits = s->sync.committed;
    *syncs = s->sync.syncs;
    pthread_mutex_unlock(&s->sync.mu);
}

/* The engine for url and the engine's own target string. */
static const struct store_ops *
pick_engine(const char *url, const char **target)
{
    struct str u = str_c(url);

    if (str_has_prefix(u, STR("postgres://")) ||
        str_has_prefix(u, STR("postgresql://"))) {
        *target = url;
        return &pg_ops;
    }
    *target = str_has_prefix(u, STR("sqlite:")) ? url + 7 : url;
    return &sqlite_ops;
}

enum err
store_open(const char *url, int pool_size, struct store **out,
           struct errinfo *ei)
{
    const char *target;
    struct store *s;
    enum err rc = ERR_OK;

    ASSERT(pool_size > 0);
    s = xcalloc(1, sizeof(*s));
    s->ops = pick_engine(url, &target);
    group_sync_init(&s->sync, s->ops, target);
    s->dbs = xcalloc((size_t)pool_size, sizeof(*s->dbs));
    s->free_stack = xcalloc((size_t)pool_size, sizeof(int));
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->writers.mu, NULL);
    pthread_cond_init(&s->writers.cv, NULL);
    for (int i = 0; i < pool_size; i++) {
        struct db *db = &s->dbs[i];

        db->ops = s->ops;
        db->store = s;
        rc = s->ops->connect(target, &db->conn, ei);
        if (rc)
            break;
        s->count++;
        s->free_stack[s->free_count++] = i;
    }
    if (rc) {
        store_close(s);
        return rc;
    }
    *out = s;
    return ERR_OK;
}

void
store_close(struct store *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->count; i++) {
        ASSERT(!s->dbs[i].borrowed);
        s->ops->disconnect(s->dbs[i].conn);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->writers.mu);
    pthread_cond_destroy(&s->writers.cv);
    group_sync_close(&s->sync);
    free(s->free_stack);
    free(s->dbs);
    free(s);
}

enum store_engine
store_engine_of(const struct store *s)
{
    return s->ops->engine;
}

const char *
store_engine_name(const struct store *s)
{
    return s->ops->name;
}

enum err
store_acquire(struct store *s, int wait_ms, struct db **out)
{
    struct timespec deadline;
    int64_t ns;
    struct db *db;

    clock_gettime(CLOCK_REALTIME, &deadline);
    ns = deadline.tv_nsec + (int64_t)wait_ms * 1000000;
    deadline.tv_sec += ns / 1000000000;
    deadline.tv_nsec = ns % 1000000000;
    pthread_mutex_lock(&s->mu);
    while (s->free_count == 0) {
        if (pthread_cond_timedwait(&s->cv, &s->mu, &deadline) != 0 &&
            s->free_count == 0) {
            pthread_mutex_unlock(&s->mu);
            return ERR_BUSY;
        }
    }
    db = &s->dbs[s->free_stack[--s->free_count]];
    ASSERT(!db->borrowed);
    db->borrowed = true;
    pthread_mutex_unlock(&s->mu);
    *out = db;
    return ERR_OK;
}

void
store_release(struct store *s, struct db *db)
{
    ASSERT(db->borrowed);
    db_rollback(db);
    pthread_mutex_lock(&s->mu);
    db->borrowed = false;
    s->free_stack[s->free_count++] = (int)(db - s->dbs);
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static void
writer_wait_turn(struct writer_turns *w)
{
    uint64_t ticket;

    pthread_mutex_lock(&w->mu);
    ticket = w->next++;
    while (w->serving != ticket)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

static void
writer_end_turn(struct writer_turns *w)
{
    pthread_mutex_lock(&w->mu);
    w->serving++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

/* Close the logical transaction: give up the writer turn if held. */
static void
tx_closed(struct db *db)
{
    if (db->holds_writer)
        writer_end_turn(&db->store->writers);
    db->holds_writer = false;
    db->engine_tx = false;
    db->in_tx = false;
}

enum err
db_begin(struct db *db, bool write)
{
    enum err rc;

    ASSERT(!db->in_tx);
    db->in_tx = true;
    /*
     * PostgreSQL reads run each statement in its own snapshot: a read-only
     * request then costs no BEGIN and COMMIT round trips (measured in
     * docs/benchmarks.md). Writes always get a real transaction.
     */
    if (!write && db->ops->engine == STORE_PG)
        return ERR_OK;
    if (write && db->ops->engine == STORE_SQLITE) {
        writer_wait_turn(&db->store->writers);
        db->holds_writer = true;
    }
    rc = db->ops->begin(db->conn, write);
    if (rc) {
        store_count_error();
        tx_closed(db);
        return rc;
    }
    db->engine_tx = true;
    return ERR_OK;
}

enum err
db_commit(struct db *db)
{
    struct group_sync *g = &db->store->sync;
    uint64_t ticket = 0;
    enum err rc = ERR_OK;

    ASSERT(db->in_tx);
    if (db->engine_tx)
        rc = db->ops->commit(db->conn);
    if (rc) {
        store_count_error();
        db->ops->rollback(db->conn);
    } else if (db->holds_writer && g->on) {
        /* Numbered under the writer turn: in the order of the WAL. */
        pthread_mutex_lock(&g->mu);
        ticket = ++g->committed;
        pthread_mutex_unlock(&g->mu);
    }
    tx_closed(db); /* the next writer goes on while this one syncs */
    if (ticket != 0 && (rc = group_sync_wait(g, ticket)) != ERR_OK)
        store_count_error();
    return rc;
}

void
db_rollback(struct db *db)
{
    if (!db->in_tx)
        return;
    if (db->engine_tx)
        db->ops->rollback(db->conn);
    tx_closed(db);
}

bool
db_in_tx(const struct db *db)
{
    return db->in_tx;
}

enum store_engine
db_engine(const struct db *db)
{
    return db->ops->engine;
}

enum err
db_exec(struct db *db, struct arena *a, const char *sql,
        const struct db_param *params, size_t nparams, struct db_rows *rows,
        struct errinfo *ei)
{
    enum err rc;

    ASSERT(nparams <= DB_PARAMS_MAX);
    if (rows != NULL)
        memset(rows, 0, sizeof(*rows));
    rc = db->ops->exec(db->conn, a, sql, params, nparams, rows, ei);
    if (rc && rc != ERR_CONFLICT)
        store_count_error();
    return rc;
}

enum err
db_one(struct db *db, struct arena *a, const char *sql,
       const struct db_param *params, size_t nparams, struct db_rows *rows,
       struct errinfo *ei)
{
    enum err rc = db_exec(db, a, sql, params, nparams, rows, ei);

    if (rc)
        return rc;
    ASSERT(rows->nrows <= 1);
    return rows->nrows == 1 ? ERR_OK : ERR_NOT_FOUND;
}

enum err
db_one_as(struct db *db, struct arena *a, const char *sql,
          const struct db_param *params, size_t nparams, db_row_fn fn,
          void *out, struct errinfo *ei)
{
    struct db_rows rows;
    enum err rc = db_one(db, a, sql, params, nparams, &rows, ei);

    ASSERT(fn != NULL && out != NULL);
    if (rc == ERR_OK)
        fn(&rows, 0, out);
    return rc;
}

enum err
db_list_as(struct db *db, struct arena *a, const char *sql,
           const struct db_param *params, size_t nparams, db_row_fn fn,
           size_t elem, int64_t page, void **out, size_t *count, bool *has_more,
           struct errinfo *ei)
{
    struct db_rows rows;
    bool more = false;
    size_t n;
    char *xs;
    enum err rc = db_exec(db, a, sql, params, nparams, &rows, ei);

    ASSERT(fn != NULL && elem > 0);
    if (rc)
        return rc;
    n = page > 0 ? db_page(&rows, page, &more) : rows.nrows;
    xs = arena_array(a, n + 1, elem);
    if (xs == NULL)
        return ERR_LIMIT;
    for (size_t i = 0; i < n; i++)
        fn(&rows, i, xs + i * elem);
    *out = xs;
    *count = n;
    if (has_more != NULL)
        *has_more = more;
    return ERR_OK;
}

size_t
db_page(const struct db_rows *rows, int64_t limit, bool *has_more)
{
    ASSERT(limit > 0);
    *has_more = rows->nrows > (size_t)limit;
    return *has_more ? (size_t)limit : rows->nrows;
}

enum err
db_exec_script(struct db *db, const char *sql, struct errinfo *ei)
{
    return db->ops->exec_script(db->conn, sql, ei);
}

const char *
db_text(const struct db_rows *rows, size_t row, size_t col)
{
    ASSERT(row < rows->nrows);
    ASSERT(col < rows->ncols);
    return rows->cells[row * rows->ncols + col];
}

int64_t
db_i64(const struct db_rows *rows, size_t row, size_t col)
{
    const char *t = db_text(rows, row, col);
    int64_t v = 0;

    if (t == NULL)
        return 0;
    ASSERT(str_to_i64(str_c(t), INT64_MIN, INT64_MAX, &v) == ERR_OK);
    return v;
}

bool
db_bool(const struct db_rows *rows, size_t row, size_t col)
{
    return db_i64(rows, row, col) != 0;
}

/* ---- statement cache: open addressing on the SQL text's address ---- */

void
stmt_cache_init(struct stmt_cache *c)
{
    c->cap = 64;
    c->count = 0;
    c->keys = xcalloc(c->cap, sizeof(*c->keys));
    c->vals = xcalloc(c->cap, sizeof(*c->vals));
}

static size_t
slot_of(const struct stmt_cache *c, const char *sql)
{
    uintptr_t h = (uintptr_t)sql;

    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 7) & (c->cap - 1);
}

void *
stmt_cache_get(const struct stmt_cache *c, const char *sql)
{
    for (size_t i = slot_of(c, sql);; i = (i + 1) & (c->cap - 1)) {
        if (c->keys[i] == NULL)
            return NULL;
        if (c->keys[i] == sql)
            return c->vals[i];
    }
}

static void
put_raw(struct stmt_cache *c, const char *sql, void *stmt)
{
    size_t i = slot_of(c, sql);

    while (c->keys[i] != NULL)
        i = (i + 1) & (c->cap - 1);
    c->keys[i] = sql;
    c->vals[i] = stmt;
    c->count++;
}

void
stmt_cache_put(struct stmt_cache *c, const char *sql, void *stmt)
{
    if ((c->count + 1) * 2 > c->cap) {
        struct stmt_cache old = *c;

        c->cap *= 2;
        c->count = 0;
        c->keys = xcalloc(c->cap, sizeof(*c->keys));
        c->vals = xcalloc(c->cap, sizeof(*c->vals));
        for (size_t i = 0; i < old.cap; i++) {
            if (old.keys[i] != NULL)
                put_raw(c, old.keys[i], old.vals[i]);
        }
        free(old.keys);
        free(old.vals);
    }
    put_raw(c, sql, stmt);
}

void
stmt_cache_release(struct stmt_cache *c, void (*fin)(void *))
{
    for (size_t i = 0; i < c->cap; i++) {
        if (c->keys[i] != NULL && fin != NULL)
            fin(c->vals[i]);
    }
    free(c->keys);
    free(c->vals);
    memset(c, 0, sizeof(*c));
}

/* ---- migrations ---- */

static const char sql_migrations_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL)";
static const char sql_migration_applied[] =
    "SELECT version FROM schema_migrations WHERE version = $1";
static const char sql_migration_record[] =
    "INSERT INTO schema_migrations (version, name, applied_at_ms) "
    "VALUES ($1, $2, $3)";

int
store_schema_version_latest(void)
{
    ASSERT(store_migration_count > 0);
    return store_migrations[store_migration_count - 1].version;
}

static enum err
apply_one(struct db *db, struct arena *a, const struct migration *m,
          int *applied, struct errinfo *ei)
{
    struct db_param p[3] = {P_I64(m->version), P_TEXT(m->name),
                            P_I64(time_now_ms())};
    struct db_rows rows;
    enum err rc;

    rc = db_begin(db, true);
    if (rc)
        return errinfo_set(ei, rc, "store_error", NULL,
                           "cannot begin migration %d", m->version);
    rc = db_exec(db, a, sql_migration_applied, p, 1, &rows, ei);
    if (rc == ERR_OK && rows.nrows == 0) {
        if (m->engine == 0 || m->engine == (int)db_engine(db))
            rc = db_exec_script(db, m->sql, ei);
        if (rc == ERR_OK)
            rc = db_exec(db, a, sql_migration_record, p, 3, NULL, ei);
        if (rc == ERR_OK)
            (*applied)++;
    }
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db);
}

enum err
store_migrate(struct store *s, int *applied_out, struct errinfo *ei)
{
    struct arena *a = arena_new(1 << 20);
    struct db *db;
    int applied = 0;
    enum err rc;

    rc = store_acquire(s, 10000, &db);
    if (rc) {
        arena_free(a);
        return errinfo_set(ei, rc, "store_busy", NULL, "no connection");
    }
    rc = db_exec_script(db, sql_migrations_table, ei);
    for (size_t i = 0; rc == ERR_OK && i < store_migration_count; i++) {
        ASSERT(i == 0 ||
               store_migrations[i].version > store_migrations[i - 1].version);
        rc = apply_one(db, a, &store_migrations[i], &applied, ei);
        arena_reset(a);
    }
    store_release(s, db);
    arena_free(a);
    if (rc == ERR_OK && applied_out != NULL)
        *applied_out = applied;
    return rc;
}
