/*
 * store.h - one interface over SQLite and PostgreSQL.
 *
 * A struct store is a pool of connections to one database; a struct db is
 * one connection borrowed from it for the length of a request. Every
 * statement is written once, in SQL that runs on both engines with $1-style
 * parameters, and is prepared once per connection (the cache is keyed by
 * the address of the SQL text, so pass string literals or other text that
 * lives for the whole process).
 *
 * Values travel as text both ways: parameters are NULL, text or int64;
 * result cells are NUL-terminated text in the caller's arena, NULL for SQL
 * NULL. Errors: ERR_CONFLICT for a unique or check violation (on
 * PostgreSQL the constraint name is in errinfo.param), ERR_BUSY for a lock
 * timeout or a serialization failure, ERR_STORE for anything else. The
 * database's own message goes to the log, never into errinfo: errinfo can
 * reach a client.
 */
#ifndef POISE_STORE_STORE_H
#define POISE_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

enum store_engine {
    STORE_SQLITE = 1,
    STORE_PG = 2,
};

struct store;
struct db;

enum db_param_kind {
    DBP_NULL = 0,
    DBP_TEXT,
    DBP_I64,
};

struct db_param {
    enum db_param_kind kind;
    const char *text; /* DBP_TEXT; NULL text binds SQL NULL */
    int64_t i64;      /* DBP_I64 */
};

#define P_TEXT(s) ((struct db_param){.kind = DBP_TEXT, .text = (s)})
#define P_I64(v) ((struct db_param){.kind = DBP_I64, .i64 = (v)})
#define P_BOOL(v) ((struct db_param){.kind = DBP_I64, .i64 = (v) ? 1 : 0})
#define P_NULL ((struct db_param){.kind = DBP_NULL})
#define DB_PARAMS_MAX 40

/* Rows of a result: cells[row * ncols + col], NULL for SQL NULL. */
struct db_rows {
    size_t nrows;
    size_t ncols;
    const char **cells; /* arena-owned */
};

/*
 * Open a pool of pool_size connections to url: "postgres://..." or
 * "postgresql://..." for PostgreSQL; "sqlite:PATH" or a plain path for
 * SQLite (created if absent, WAL, synchronous=FULL, foreign keys on).
 * *out is caller-frees with store_close. ERR_STORE with a message in ei.
 */
MUST_CHECK enum err store_open(const char *url, int pool_size,
                               struct store **out, struct errinfo *ei);

/* Close every connection and free the pool. NULL is a no-op. */
void store_close(struct store *s);

enum store_engine store_engine_of(const struct store *s);
const char *store_engine_name(const struct store *s);

/*
 * Borrow a connection, waiting up to wait_ms for one to be free.
 * ERR_BUSY when none frees up in time.
 */
MUST_CHECK enum err store_acquire(struct store *s, int wait_ms,
                                  struct db **out);

/* Give db back; an open transaction is rolled back first. */
void store_release(struct store *s, struct db *db);

/*
 * Begin a transaction. write=true takes the write lock up front on SQLite
 * (BEGIN IMMEDIATE) so a request never fails half-way to upgrade.
 */
MUST_CHECK enum err db_begin(struct db *db, bool write);
MUST_CHECK enum err db_commit(struct db *db);
/* Roll back if a transaction is open; safe to call twice. */
void db_rollback(struct db *db);
bool db_in_tx(const struct db *db);
enum store_engine db_engine(const struct db *db);

/*
 * Run one statement. rows (may be NULL) receives the result in arena a.
 * ei (may be NULL) gets details on failure.
 */
MUST_CHECK enum err db_exec(struct db *db, struct arena *a, const char *sql,
                            const struct db_param *params, size_t nparams,
                            struct db_rows *rows, struct errinfo *ei);

/*
 * db_exec for a statement that returns at most one row: ERR_NOT_FOUND when
 * it returns none.
 */
MUST_CHECK enum err db_one(struct db *db, struct arena *a, const char *sql,
                           const struct db_param *params, size_t nparams,
                           struct db_rows *rows, struct errinfo *ei);

/*
 * For a page fetched with LIMIT limit + 1: the number of rows to show,
 * with *has_more saying whether the extra row came back.
 */
size_t db_page(const struct db_rows *rows, int64_t limit, bool *has_more);

/* Fill the struct at out from row i of rows (a table's row mapper). */
typedef void (*db_row_fn)(const struct db_rows *rows, size_t i, void *out);

/*
 * db_one, then fn on the row into out. ERR_NOT_FOUND when there is none.
 */
MUST_CHECK enum err db_one_as(struct db *db, struct arena *a, const char *sql,
                              const struct db_param *params, size_t nparams,
                              db_row_fn fn, void *out, struct errinfo *ei);

/*
 * db_exec, then fn on each row into an arena array of elem-byte structs
 * (*out, arena-owned, with one zeroed spare element). With page > 0 the
 * statement fetched LIMIT page + 1 rows: at most page are kept and
 * *has_more (may be NULL otherwise) says whether the extra one came.
 */
MUST_CHECK enum err db_list_as(struct db *db, struct arena *a, const char *sql,
                               const struct db_param *params, size_t nparams,
                               db_row_fn fn, size_t elem, int64_t page,
                               void **out, size_t *count, bool *has_more,
                               struct errinfo *ei);

/*
 * Write commits made and WAL syncs done by a SQLite store committing by
 * group (both 0 otherwise): syncs < commits when commits shared a sync.
 */
void store_sync_stats(struct store *s, uint64_t *commits, uint64_t *syncs);

/* Run a script of several statements without parameters (migrations). */
MUST_CHECK enum err db_exec_script(struct db *db, const char *sql,
                                   struct errinfo *ei);

/* Cell text, or NULL for SQL NULL; borrowed from rows. */
const char *db_text(const struct db_rows *rows, size_t row, size_t col);
/* Cell as int64 (0 for NULL); asserts the cell is an integer. */
int64_t db_i64(const struct db_rows *rows, size_t row, size_t col);
/* Cell as bool (non-zero integer). */
bool db_bool(const struct db_rows *rows, size_t row, size_t col);

/* Count of failed statements since start (for /metrics). */
uint64_t store_error_count(void);

/* Apply every migration not yet recorded; idempotent. */
MUST_CHECK enum err store_migrate(struct store *s, int *applied_out,
                                  struct errinfo *ei);

/* Highest migration compiled into this binary. */
int store_schema_version_latest(void);

#endif
