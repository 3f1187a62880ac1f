/*
 * store_int.h - what the engines (sqlite.c, pg.c) provide to store.c.
 */
#ifndef POISE_STORE_STORE_INT_H
#define POISE_STORE_STORE_INT_H

#include "store/store.h"

struct conn; /* an engine's connection */

struct store_ops {
    const char *name;
    enum store_engine engine;
    enum err (*connect)(const char *target, struct conn **out,
                        struct errinfo *ei);
    void (*disconnect)(struct conn *c);
    enum err (*begin)(struct conn *c, bool write);
    enum err (*commit)(struct conn *c);
    void (*rollback)(struct conn *c);
    enum err (*exec)(struct conn *c, struct arena *a, const char *sql,
                     const struct db_param *params, size_t nparams,
                     struct db_rows *rows, struct errinfo *ei);
    enum err (*exec_script)(struct conn *c, const char *sql,
                            struct errinfo *ei);
};

extern const struct store_ops sqlite_ops;
/*
 * Whether a SQLite target commits by group (synchronous=NORMAL and an
 * fdatasync of the WAL file shared by concurrent commits; store.c): a
 * plain file path, not :memory: or a URI.
 */
bool sqlite_group_commit(const char *target);
extern const struct store_ops pg_ops;

/* Statement cache keyed by SQL text address; one per connection. */
struct stmt_cache {
    const char **keys;
    void **vals;
    size_t cap;
    size_t count;
};

void stmt_cache_init(struct stmt_cache *c);
void *stmt_cache_get(const struct stmt_cache *c, const char *sql);
void stmt_cache_put(struct stmt_cache *c, const char *sql, void *stmt);
void stmt_cache_release(struct stmt_cache *c, void (*fin)(void *));

/* Count one failed statement for /metrics. */
void store_count_error(void);

/* Compiled-in migrations (build/gen/migrations.c). */
struct migration {
    int version;
    const char *name;
    int engine; /* 0: both; else the one enum store_engine it runs on */
    const char *sql;
};
extern const struct migration store_migrations[];
extern const size_t store_migration_count;

#endif
