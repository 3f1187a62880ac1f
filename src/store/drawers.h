/*
 * drawers.h - cash drawer sessions and their movements (the money is in
 * the ledger; these rows say what each transfer was).
 */
#ifndef POISE_STORE_DRAWERS_H
#define POISE_STORE_DRAWERS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct cash_drawer {
    const char *id;
    const char *clinic_id;
    const char *register_name; /* column "register" */
    const char *status;        /* open, closed */
    int64_t opening_float_minor;
    const char *currency;
    bool closed;              /* status is closed: the three below are set */
    int64_t counted_minor;    /* at close */
    int64_t expected_minor;   /* at close */
    int64_t over_short_minor; /* counted - expected, at close */
    const char *opened_by;
    const char *closed_by;
    int64_t opened_at_ms;
    int64_t closed_at_ms;
};

struct cash_drawer_movement {
    const char *id;
    const char *drawer_id;
    const char *direction; /* in, out */
    const char *kind;      /* float, paid_in, paid_out, sale, refund */
    int64_t amount_minor;  /* > 0 */
    const char *reason;
    const char *source_type; /* sale and refund: what took the cash */
    const char *source_id;
    const char *created_by;
    int64_t created_at_ms;
};

struct cash_drawer_filter {
    const char *clinic_id; /* NULL: any */
    const char *status;    /* NULL: any */
};

/* ERR_CONFLICT when the register already has an open drawer. */
MUST_CHECK enum err store_cash_drawer_insert(struct db *db, struct arena *a,
                                             const char *account_id,
                                             const struct cash_drawer *d,
                                             struct errinfo *ei);
MUST_CHECK enum err store_cash_drawer_get(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const char *id,
                                          struct cash_drawer *out,
                                          struct errinfo *ei);
/* The open drawer of (clinic_id, register); ERR_NOT_FOUND when none. */
MUST_CHECK enum err store_cash_drawer_open_of(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *clinic_id,
                                              const char *register_name,
                                              struct cash_drawer *out,
                                              struct errinfo *ei);
/*
 * Lock drawer id's row for the transaction if it is open (a no-op update,
 * so a concurrent close waits or is waited for): ERR_NOT_FOUND when it is
 * not open.
 */
MUST_CHECK enum err store_cash_drawer_lock_open(struct db *db, struct arena *a,
                                                const char *account_id,
                                                const char *id,
                                                struct errinfo *ei);
/* Record d's close (status, counted, expected, over/short, by, at). */
MUST_CHECK enum err store_cash_drawer_close(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const struct cash_drawer *d,
                                            struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err
store_cash_drawer_list(struct db *db, struct arena *a, const char *account_id,
                       const struct cash_drawer_filter *f, int64_t limit,
                       const char *starting_after, struct cash_drawer **out,
                       size_t *count, bool *has_more, struct errinfo *ei);
MUST_CHECK enum err store_cash_drawer_movement_insert(
    struct db *db, struct arena *a, const char *account_id,
    const struct cash_drawer_movement *m, struct errinfo *ei);
/* The movements of drawer_id, oldest first. */
MUST_CHECK enum err
store_cash_drawer_movements(struct db *db, struct arena *a,
                            const char *account_id, const char *drawer_id,
                            struct cash_drawer_movement **out, size_t *count,
                            struct errinfo *ei);

#endif
