/*
 * scheduler_test.c - background jobs on a real store: one job per key,
 * one effect per job across racing workers, a worker killed with SIGKILL
 * mid-job, lease take-over and fencing of the zombie, backoff and giving
 * up, future run times, the per-account filter and the idempotency purge.
 * Each scenario runs on SQLite (a temporary file, so that several
 * connections share it) and, when POISE_TEST_PG_URL is set, on PostgreSQL.
 *
 * Effects of the test kinds are audit events on the job's id, counted
 * after the fact: a job run twice would leave two.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/account.h"
#include "app/idempotency.h"
#include "app/job.h"
#include "base/json.h"
#include "base/log.h"
#include "harness.h"
#include "jobs/scheduler.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */
#define DAY_MS (24LL * 60 * 60 * 1000)

struct fixture {
    struct store *store;
    struct app_ctx ctx;
    const char *account;
    char path[64]; /* SQLite file, "" on PostgreSQL */
};

static pid_t crash_parent; /* test_crash kills every other process */

static enum err
effect(struct app_ctx *ctx, const struct job *job, struct errinfo *ei)
{
    if (ctx->account_id == NULL ||
        strcmp(ctx->account_id, job->account_id) != 0)
        return errinfo_set(ei, ERR_INTERNAL, "test", NULL, "wrong account");
    return app_audit(ctx, "job.effect", "job", job->id, NULL, ei);
}

/* The effect, then a failure: the effect must be rolled back. */
static enum err
effect_then_fail(struct app_ctx *ctx, const struct job *job, struct errinfo *ei)
{
    enum err rc = effect(ctx, job, ei);

    if (rc)
        return rc;
    return errinfo_set(ei, ERR_GATEWAY, "test", NULL, "test failure");
}

/* The effect, then SIGKILL before the commit (outside the test process). */
static enum err
effect_then_crash(struct app_ctx *ctx, const struct job *job,
                  struct errinfo *ei)
{
    enum err rc = effect(ctx, job, ei);

    if (rc == ERR_OK && getpid() != crash_parent)
        kill(getpid(), SIGKILL);
    return rc;
}

static const struct job_kind kind_effect = {"test_effect", effect, 3};
static const struct job_kind kind_fail = {"test_fail", effect_then_fail, 3};
static const struct job_kind kind_crash = {"test_crash", effect_then_crash, 3};

static int64_t
count_sql(struct fixture *f, const char *sql, const char *arg)
{
    struct db_param p[2] = {P_TEXT(f->account), P_TEXT(arg)};
    struct db_rows r;

    if (db_one(f->ctx.db, f->ctx.a, sql, p, 2, &r, NULL) != ERR_OK)
        return -1;
    return db_i64(&r, 0, 0);
}

static int64_t
effects(struct fixture *f, const char *job_id)
{
    return count_sql(f,
                     "SELECT COUNT(*) FROM audit_events WHERE account_id = $1 "
                     "AND action = 'job.effect' AND object_id = $2",
                     job_id);
}

static struct job
get_job(struct fixture *f, const char *key)
{
    struct job j;

    memset(&j, 0, sizeof(j));
    if (store_jobs_get_by_key(f->ctx.db, f->ctx.a, f->account, key, &j, NULL) !=
        ERR_OK)
        j.status = "missing";
    return j;
}

/* Enqueue key (of kind) in a transaction of its own. */
static enum err
enqueue(struct fixture *f, const char *key, const char *kind, int64_t at_ms,
        bool *created)
{
    enum err rc = app_tx_begin(&f->ctx, true);

    f->ctx.account_id = f->account;
    if (rc == ERR_OK)
        rc = app_job_enqueue(&f->ctx, key, kind, "subject", at_ms, created,
                             NULL);
    if (rc == ERR_OK)
        return app_tx_commit(&f->ctx);
    db_rollback(f->ctx.db);
    return rc;
}

/* A key unique to this fixture's account. */
static const char *
key_of(struct fixture *f, const char *name)
{
    return arena_printf(f->ctx.a, "%s:%s", name, f->account);
}

/* Jobs run by one jobs_run_due of this account; -1 on failure. */
static int
due(struct fixture *f, int64_t now_ms, struct jobs_stats *st)
{
    struct jobs_stats local;

    enum err rc;

    if (st == NULL)
        st = &local;
    rc = jobs_run_due(f->account, now_ms, 1000, st, NULL);
    /* jobs_run_due leaves jansson on malloc: back to the fixture's arena. */
    json_use_arena(f->ctx.a);
    return rc == ERR_OK ? st->ran : -1;
}

static bool
setup(struct fixture *f, const char *url)
{
    struct account_new in = {.name = "Jobs Test", .email = NULL};
    struct account_created out;
    char email[64];
    int fd;

    memset(f, 0, sizeof(*f));
    log_set_quiet(1); /* one line per job is noise here */
    if (url == NULL) {
        snprintf(f->path, sizeof(f->path), "/tmp/poise-jobs-XXXXXX");
        fd = mkstemp(f->path);
        if (fd < 0)
            return false;
        close(fd);
        url = f->path;
    }
    snprintf(email, sizeof(email), "jobs-%d-%d@test.example", getpid(), rand());
    in.email = email;
    if (store_open(url, 3, &f->store, NULL) != ERR_OK ||
        store_migrate(f->store, NULL, NULL) != ERR_OK)
        return false;
    app_set_store(f->store);
    f->ctx.a = arena_new(16u << 20);
    f->ctx.now_ms = T0;
    json_use_arena(f->ctx.a);
    if (app_db_acquire(&f->ctx) != ERR_OK ||
        app_tx_begin(&f->ctx, true) != ERR_OK ||
        app_account_create(&f->ctx, &in, &out, NULL) != ERR_OK ||
        app_tx_commit(&f->ctx) != ERR_OK)
        return false;
    f->account = out.account.id;
    jobs_register_test_kind(&kind_effect);
    jobs_register_test_kind(&kind_fail);
    jobs_register_test_kind(&kind_crash);
    /* The day's recurring purge job runs first: clear it out of the way. */
    return due(f, T0, NULL) == 1;
}

static void
teardown(struct fixture *f)
{
    char p[80];

    app_db_release(&f->ctx);
    json_use_arena(NULL);
    arena_free(f->ctx.a);
    store_close(f->store);
    if (f->path[0] == '\0')
        return;
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
}

/* Run scenario on SQLite, then on PostgreSQL when it is configured. */
static void
on_each_engine(void (*scenario)(struct fixture *), const char *name)
{
    const char *pg = getenv("POISE_TEST_PG_URL");
    struct fixture f;

    for (int i = 0; i < 2; i++) {
        const char *url = i == 0 ? NULL : pg;

        if (i == 1 && (pg == NULL || pg[0] == '\0')) {
            printf("%s: postgres skipped, no POISE_TEST_PG_URL\n", name);
            return;
        }
        if (!setup(&f, url)) {
            harness_fail(__FILE__, __LINE__, "%s: cannot set up %s", name,
                         i == 0 ? "sqlite" : "postgres");
            teardown(&f);
            return;
        }
        scenario(&f);
        teardown(&f);
    }
}

static void
same_key_once(struct fixture *f)
{
    const char *key = key_of(f, "once");
    bool created = false;
    struct job j;

    CHECK_RC(enqueue(f, key, "test_effect", T0, &created), ERR_OK);
    CHECK(created);
    CHECK_RC(enqueue(f, key, "test_effect", T0 + 5, &created), ERR_OK);
    CHECK(!created);
    CHECK_I64(count_sql(f,
                        "SELECT COUNT(*) FROM jobs WHERE account_id = $1 "
                        "AND job_key = $2",
                        key),
              1);
    CHECK_I64(due(f, T0, NULL), 1);
    j = get_job(f, key);
    CHECK(strcmp(j.status, "done") == 0);
    CHECK_I64(j.attempts, 1);
    CHECK_I64(j.lease_until_ms, 0);
    CHECK_I64(effects(f, j.id), 1);
    /* Done keeps the key taken: enqueueing again runs nothing. */
    CHECK_RC(enqueue(f, key, "test_effect", T0 + 10, &created), ERR_OK);
    CHECK(!created);
    CHECK_I64(due(f, T0 + 20, NULL), 0);
    CHECK_I64(effects(f, j.id), 1);
    CHECK_RC(enqueue(f, "", "test_effect", T0, NULL), ERR_INVALID);
}

TEST(jobs_same_key_runs_once)
{
    on_each_engine(same_key_once, "jobs_same_key_runs_once");
}

static void
future_and_account(struct fixture *f)
{
    const char *key = key_of(f, "later");
    struct job j;

    CHECK_RC(enqueue(f, key, "test_effect", T0 + 3600000, NULL), ERR_OK);
    CHECK_I64(due(f, T0, NULL), 0);
    CHECK_I64(due(f, T0 + 3599999, NULL), 0);
    j = get_job(f, key);
    CHECK(strcmp(j.status, "pending") == 0);
    CHECK_I64(j.attempts, 0);
    /* Another account's run does not take it, even when due. */
    {
        struct jobs_stats st;

        CHECK_RC(jobs_run_due("acct_none", T0 + 3600000, 10, &st, NULL),
                 ERR_OK);
        CHECK_I64(st.ran, 0);
    }
    CHECK_I64(due(f, T0 + 3600000, NULL), 1);
    CHECK(strcmp(get_job(f, key).status, "done") == 0);
}

TEST(jobs_future_run_at_waits_for_the_clock)
{
    on_each_engine(future_and_account,
                   "jobs_future_run_at_waits_for_the_clock");
}

struct racer {
    const char *account;
    struct jobs_stats st;
    enum err rc;
};

static void *
race(void *arg)
{
    struct racer *r = arg;

    r->rc = jobs_run_due(r->account, T0, 1000, &r->st, NULL);
    return NULL;
}

#define RACE_JOBS 24

static void
two_workers_race(struct fixture *f)
{
    struct racer r[2] = {{f->account, {0}, ERR_OK}, {f->account, {0}, 0}};
    pthread_t t[2];
    char name[16];

    for (int i = 0; i < RACE_JOBS; i++) {
        snprintf(name, sizeof(name), "race%d", i);
        CHECK_RC(enqueue(f, key_of(f, name), "test_effect", T0, NULL), ERR_OK);
    }
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&t[i], NULL, race, &r[i]) == 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK_RC(r[0].rc, ERR_OK);
    CHECK_RC(r[1].rc, ERR_OK);
    CHECK_I64(r[0].st.done + r[1].st.done, RACE_JOBS);
    CHECK_I64(r[0].st.failed + r[1].st.failed, 0);
    for (int i = 0; i < RACE_JOBS; i++) {
        struct job j;

        snprintf(name, sizeof(name), "race%d", i);
        j = get_job(f, key_of(f, name));
        CHECK(strcmp(j.status, "done") == 0);
        CHECK_I64(effects(f, j.id), 1);
    }
    CHECK_I64(due(f, T0 + DAY_MS - 1, NULL), 0);
}

TEST(jobs_two_workers_run_each_effect_once)
{
    on_each_engine(two_workers_race, "jobs_two_workers_run_each_effect_once");
}

/* Claim key's job as owner at now_ms; NULL when none was claimed. */
static struct job *
claim(struct fixture *f, const char *owner, int64_t now_ms)
{
    struct job *claimed = NULL;
    size_t n = 0;

    f->ctx.account_id = f->account;
    f->ctx.now_ms = now_ms;
    if (app_job_claim(&f->ctx, owner, JOB_LEASE_MS_DEFAULT, 10, &claimed, &n,
                      NULL) != ERR_OK ||
        n != 1)
        return NULL;
    return claimed;
}

/* Worker A claims and stalls; B takes over after the lease; A is fenced. */
static void
lease_takeover(struct fixture *f)
{
    const char *key = key_of(f, "lease");
    struct job *a;
    struct job *b;
    struct job_outcome o;

    CHECK_RC(enqueue(f, key, "test_effect", T0, NULL), ERR_OK);
    a = claim(f, "worker-a", T0);
    CHECK(a != NULL);
    CHECK(strcmp(a->lease_owner, "worker-a") == 0);
    CHECK_I64(a->lease_until_ms, T0 + JOB_LEASE_MS_DEFAULT);
    /* While A's lease lives nobody else takes the job. */
    CHECK_I64(due(f, T0 + JOB_LEASE_MS_DEFAULT - 1, NULL), 0);
    CHECK_I64(due(f, T0 + JOB_LEASE_MS_DEFAULT, NULL), 0);
    b = claim(f, "worker-b", T0 + JOB_LEASE_MS_DEFAULT + 1);
    CHECK(b != NULL);
    CHECK_I64(b->attempts, 2);
    /* The zombie wakes up and runs the job: nothing is committed. */
    f->ctx.now_ms = T0 + JOB_LEASE_MS_DEFAULT + 2;
    CHECK_RC(app_job_run(&f->ctx, a, "worker-a", &kind_effect, &o, NULL),
             ERR_OK);
    CHECK_I64(o.result, JOB_RESULT_LOST);
    CHECK_I64(effects(f, a->id), 0);
    CHECK(strcmp(get_job(f, key).lease_owner, "worker-b") == 0);
    CHECK_RC(app_job_run(&f->ctx, b, "worker-b", &kind_effect, &o, NULL),
             ERR_OK);
    CHECK_I64(o.result, JOB_RESULT_DONE);
    CHECK_I64(effects(f, a->id), 1);
    /* Nor can the zombie finish it again once it is done. */
    CHECK_RC(app_job_run(&f->ctx, a, "worker-a", &kind_effect, &o, NULL),
             ERR_OK);
    CHECK_I64(o.result, JOB_RESULT_LOST);
    CHECK_I64(effects(f, a->id), 1);
    CHECK(strcmp(get_job(f, key).status, "done") == 0);
}

TEST(jobs_lease_expiry_hands_over_and_fences_the_zombie)
{
    on_each_engine(lease_takeover,
                   "jobs_lease_expiry_hands_over_and_fences_the_zombie");
}

/* A live lease holder still finishes its own job. */
static void
own_lease_finishes(struct fixture *f)
{
    const char *key = key_of(f, "own");
    struct job *a;
    struct job_outcome o;

    CHECK_RC(enqueue(f, key, "test_effect", T0, NULL), ERR_OK);
    a = claim(f, "worker-a", T0);
    CHECK(a != NULL);
    f->ctx.now_ms = T0 + 1000;
    CHECK_RC(app_job_run(&f->ctx, a, "worker-a", &kind_effect, &o, NULL),
             ERR_OK);
    CHECK_I64(o.result, JOB_RESULT_DONE);
    CHECK(strcmp(get_job(f, key).status, "done") == 0);
    CHECK_I64(effects(f, a->id), 1);
}

TEST(jobs_lease_holder_finishes)
{
    on_each_engine(own_lease_finishes, "jobs_lease_holder_finishes");
}

/* A child process runs the job and is killed (-9) before its commit. */
static void
killed_mid_job(struct fixture *f)
{
    const char *key = key_of(f, "crash");
    int status = 0;
    int ran = 0;
    int pid;
    struct job j;

    CHECK_RC(enqueue(f, key, "test_crash", T0, NULL), ERR_OK);
    crash_parent = getpid();
    pid = harness_fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct store *s = NULL;
        struct jobs_stats st;

        /* Never touch the parent's connections: open new ones. */
        if (store_open(f->path[0] != '\0' ? f->path
                                          : getenv("POISE_TEST_PG_URL"),
                       1, &s, NULL) == ERR_OK) {
            app_set_store(s);
            if (jobs_run_due(f->account, T0, 10, &st, NULL) != ERR_OK)
                _exit(4);
        }
        _exit(3); /* not reached when the handler ran */
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    j = get_job(f, key);
    CHECK(strcmp(j.status, "pending") == 0);
    CHECK_I64(j.attempts, 1);
    CHECK_I64(effects(f, j.id), 0);
    /* Restarted: the job waits out the dead worker's lease, then runs. */
    CHECK_I64(due(f, T0 + 1000, NULL), 0);
    /*
     * PostgreSQL rolls the dead connection back once it notices the
     * socket closed; until then SKIP LOCKED passes the row by.
     */
    for (int i = 0; i < 200 && ran == 0; i++) {
        ran = due(f, T0 + JOB_LEASE_MS_DEFAULT + 1, NULL);
        if (ran == 0)
            usleep(10000);
    }
    CHECK_I64(ran, 1);
    j = get_job(f, key);
    CHECK(strcmp(j.status, "done") == 0);
    CHECK_I64(j.attempts, 2);
    CHECK_I64(effects(f, j.id), 1);
}

TEST(jobs_worker_killed_mid_job_leaves_no_effect)
{
    on_each_engine(killed_mid_job,
                   "jobs_worker_killed_mid_job_leaves_no_effect");
}

/* One failed run at now; the job row after it. */
static bool
fail_once(struct fixture *f, const char *key, int64_t now, struct job *j)
{
    struct jobs_stats st;

    if (due(f, now, &st) != 1 || st.failed != 1)
        return false;
    *j = get_job(f, key);
    return true;
}

static void
backoff_then_fail(struct fixture *f)
{
    const char *key = key_of(f, "flaky");
    int64_t retry;
    struct job j;

    CHECK_RC(enqueue(f, key, "test_fail", T0, NULL), ERR_OK);
    CHECK(fail_once(f, key, T0, &j));
    CHECK(strcmp(j.status, "pending") == 0);
    CHECK_I64(j.attempts, 1);
    CHECK(strcmp(j.last_error, "test failure") == 0);
    CHECK(j.lease_owner == NULL);
    CHECK_I64(effects(f, j.id), 0); /* rolled back with the attempt */
    retry = j.run_at_ms;
    CHECK(retry >= T0 + 30000 && retry <= T0 + 33000);
    CHECK_I64(retry, T0 + app_job_backoff_ms(key, 1));
    CHECK_I64(due(f, retry - 1, NULL), 0);
    /* Second attempt at its time; the delay doubles. */
    CHECK(fail_once(f, key, retry, &j));
    CHECK_I64(j.attempts, 2);
    CHECK(j.run_at_ms >= retry + 60000 && j.run_at_ms <= retry + 66000);
    CHECK_I64(due(f, j.run_at_ms - 1, NULL), 0);
    /* The third is the kind's last: the job is failed for good. */
    CHECK(fail_once(f, key, j.run_at_ms, &j));
    CHECK(strcmp(j.status, "failed") == 0);
    CHECK_I64(j.attempts, 3);
    CHECK_I64(due(f, T0 + DAY_MS - 1, NULL), 0);
    CHECK_I64(effects(f, j.id), 0);
}

TEST(jobs_failure_backs_off_then_gives_up)
{
    on_each_engine(backoff_then_fail, "jobs_failure_backs_off_then_gives_up");
}

static void
unknown_kind(struct fixture *f)
{
    const char *key = key_of(f, "unknown");
    struct job j;

    CHECK_RC(enqueue(f, key, "no_such_kind", T0, NULL), ERR_OK);
    CHECK(fail_once(f, key, T0, &j));
    CHECK(strcmp(j.status, "pending") == 0);
    CHECK(strcmp(j.last_error, "unknown job kind 'no_such_kind'") == 0);
}

TEST(jobs_unknown_kind_is_a_failed_attempt)
{
    on_each_engine(unknown_kind, "jobs_unknown_kind_is_a_failed_attempt");
}

/* Save an idempotency key created at at_ms. */
static enum err
idem_key_at(struct fixture *f, const char *key, int64_t at_ms)
{
    enum err rc = app_tx_begin(&f->ctx, true);

    f->ctx.account_id = f->account;
    f->ctx.now_ms = at_ms;
    if (rc == ERR_OK)
        rc = app_idem_save(&f->ctx, key, "hash", 200, "{}", NULL);
    if (rc == ERR_OK)
        return app_tx_commit(&f->ctx);
    db_rollback(f->ctx.db);
    return rc;
}

static void
idempotency_purge(struct fixture *f)
{
    const char *count =
        "SELECT COUNT(*) FROM idempotency_keys WHERE account_id = $1 "
        "AND idem_key LIKE $2";
    const char *day2 = arena_printf(f->ctx.a, "idempotency_purge:%s:2026-01-02",
                                    f->account);
    int64_t now = T0 + DAY_MS;

    CHECK_RC(idem_key_at(f, "old-1", now - IDEMPOTENCY_TTL_MS), ERR_OK);
    CHECK_RC(idem_key_at(f, "old-2", now - IDEMPOTENCY_TTL_MS - 5), ERR_OK);
    CHECK_RC(idem_key_at(f, "fresh", now - IDEMPOTENCY_TTL_MS + 1), ERR_OK);
    /* The first run of the new day enqueues and runs its purge. */
    CHECK_I64(due(f, now, NULL), 1);
    CHECK(strcmp(get_job(f, day2).status, "done") == 0);
    CHECK_I64(count_sql(f, count, "old-%"), 0);
    CHECK_I64(count_sql(f, count, "fresh"), 1);
    /* Later the same day: no second purge job. */
    CHECK_RC(idem_key_at(f, "old-3", T0 - DAY_MS), ERR_OK);
    CHECK_I64(due(f, now + 3600000, NULL), 0);
    CHECK_I64(count_sql(f, count, "old-%"), 1);
}

TEST(jobs_idempotency_purge_runs_daily)
{
    on_each_engine(idempotency_purge, "jobs_idempotency_purge_runs_daily");
}

/* Per-account recurring enqueue for every account, once per period. */
static void
enqueue_accounts(struct fixture *f)
{
    int n = -1;

    CHECK_RC(app_tx_begin(&f->ctx, true), ERR_OK);
    f->ctx.account_id = NULL;
    f->ctx.now_ms = T0;
    CHECK_RC(app_job_enqueue_accounts(&f->ctx, "test_effect", "p1", T0 + 1, &n,
                                      NULL),
             ERR_OK);
    CHECK(n >= 1);
    CHECK_RC(app_job_enqueue_accounts(&f->ctx, "test_effect", "p1", T0 + 1, &n,
                                      NULL),
             ERR_OK);
    CHECK_I64(n, 0);
    CHECK_RC(app_tx_commit(&f->ctx), ERR_OK);
    f->ctx.account_id = f->account;
    CHECK(strcmp(get_job(
                     f, arena_printf(f->ctx.a, "test_effect:%s:p1", f->account))
                     .status,
                 "pending") == 0);
    CHECK_I64(due(f, T0 + 1, NULL), 1);
}

TEST(jobs_enqueue_accounts_once_per_period)
{
    on_each_engine(enqueue_accounts, "jobs_enqueue_accounts_once_per_period");
}

TEST(jobs_backoff_doubles_and_caps)
{
    int64_t prev = 0;

    for (int i = 1; i <= 12; i++) {
        int64_t d = app_job_backoff_ms("k", i);
        int64_t base = 30000LL << (i - 1 < 7 ? i - 1 : 7);

        if (base > JOB_BACKOFF_MS_MAX)
            base = JOB_BACKOFF_MS_MAX;
        CHECK(d >= base && d <= base + base / 10);
        CHECK(d >= prev || base == JOB_BACKOFF_MS_MAX);
        CHECK_I64(app_job_backoff_ms("k", i), d);
        prev = d;
    }
    CHECK(app_job_backoff_ms("k", 40) <= JOB_BACKOFF_MS_MAX * 11 / 10);
}
