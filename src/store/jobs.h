/*
 * jobs.h - the jobs table: enqueue, claim with a lease, finish, retry.
 *
 * A job's key is unique over all accounts and its row is never deleted,
 * so a key names one effect forever: enqueueing it again is a no-op. A
 * claim sets lease_owner and lease_until_ms; every later write of the job
 * is fenced on `lease_owner = owner AND status = 'pending'`, so a worker
 * whose lease was taken over commits nothing.
 *
 * Claiming and the account scan work across accounts (a worker serves
 * them all); they take an optional account to narrow them. Every other
 * statement filters on the job's account.
 */
#ifndef POISE_STORE_JOBS_H
#define POISE_STORE_JOBS_H

#include "store/store.h"

#define JOB_STATUS_PENDING "pending"
#define JOB_STATUS_DONE "done"
#define JOB_STATUS_FAILED "failed"

/* A row of jobs; text fields arena-owned (or borrowed on insert). */
struct job {
    const char *id;
    const char *account_id;
    const char *key;
    const char *kind;
    const char *subject;
    const char *status;
    int64_t run_at_ms;
    int attempts; /* claims so far, this one included */
    const char *lease_owner;
    int64_t lease_until_ms; /* 0: no lease */
    const char *last_error;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/*
 * Insert j (id, account_id, key, kind, subject, run_at_ms, created_at_ms;
 * status pending, no lease) unless a job with j->key exists. *created
 * says which. ERR_STORE on failure.
 */
MUST_CHECK enum err store_jobs_insert(struct db *db, struct arena *a,
                                      const char *account_id,
                                      const struct job *j, bool *created,
                                      struct errinfo *ei);

/*
 * Lease up to limit due jobs to owner until lease_until_ms: pending, with
 * run_at_ms <= now_ms and no live lease (none, or one that ended before
 * now_ms); only account_id's when it is not NULL. Each claim adds one to
 * attempts. On PostgreSQL rows another transaction holds are skipped
 * (FOR UPDATE SKIP LOCKED); on SQLite the write transaction is exclusive.
 * Run in a write transaction. *out is arena-owned, *n may be 0.
 */
MUST_CHECK enum err store_jobs_claim(struct db *db, struct arena *a,
                                     const char *account_id, const char *owner,
                                     int64_t now_ms, int64_t lease_until_ms,
                                     size_t limit, struct job **out, size_t *n,
                                     struct errinfo *ei);

/*
 * *any says whether store_jobs_claim at now_ms would find a job (it may
 * still not: another worker can be faster). A plain read, so an idle
 * worker takes no write lock.
 */
MUST_CHECK enum err store_jobs_any_due(struct db *db, struct arena *a,
                                       const char *account_id, int64_t now_ms,
                                       bool *any, struct errinfo *ei);

/*
 * Check that owner still holds job id's lease and lock the row for this
 * transaction (on PostgreSQL a claim then skips it). ERR_CONFLICT when the
 * lease was taken over or the job is no longer pending.
 */
MUST_CHECK enum err store_jobs_fence(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     const char *owner, int64_t now_ms,
                                     struct errinfo *ei);

/*
 * Mark job id done and drop its lease, fenced as store_jobs_fence:
 * ERR_CONFLICT when owner no longer holds it.
 */
MUST_CHECK enum err store_jobs_done(struct db *db, struct arena *a,
                                    const char *account_id, const char *id,
                                    const char *owner, int64_t now_ms,
                                    struct errinfo *ei);

/*
 * Record a failed attempt, fenced as store_jobs_fence: keep the job
 * pending until run_at_ms (or mark it failed when give_up), store
 * last_error and drop the lease. ERR_CONFLICT when owner lost it.
 */
MUST_CHECK enum err store_jobs_retry(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     const char *owner, int64_t run_at_ms,
                                     bool give_up, const char *last_error,
                                     int64_t now_ms, struct errinfo *ei);

/* The job with this key. ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_jobs_get_by_key(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *key, struct job *out,
                                          struct errinfo *ei);

/*
 * Up to limit accounts (account_id's only, when not NULL) after
 * `after` (NULL: from the start), in id order, that have no job with key
 * key_prefix || account || key_suffix. For per-account recurring jobs.
 * *ids is arena-owned.
 */
MUST_CHECK enum err store_jobs_accounts_without(
    struct db *db, struct arena *a, const char *account_id, const char *after,
    const char *key_prefix, const char *key_suffix, size_t limit,
    const char ***ids, size_t *n, struct errinfo *ei);

#endif
