/*
 * drawer.h - the cash drawer: a session per register, opened with a
 * float, moved by paid-ins, paid-outs, cash sales and cash refunds, closed
 * with a count that records over/short.
 *
 * Ledger-backed: each drawer owns a "drawer_cash" account (owner
 * cash_drawer/<id>, debit normal, never negative). The float and paid-ins
 * come from the clinic's "cash_safe", paid-outs go to its "petty_cash"
 * expense, sales and refunds meet its "cash_sales", and the close posts
 * the difference to "cash_over_short" and returns the counted cash to the
 * safe, so a closed drawer's account is 0. Expected cash is the drawer
 * account's balance before the close (float + sales - refunds - paid-outs
 * + paid-ins). See docs/cash-drawer.md.
 */
#ifndef POISE_APP_DRAWER_H
#define POISE_APP_DRAWER_H

#include "app/app.h"
#include "store/drawers.h"

enum drawer_kind {
    DRAWER_FLOAT,
    DRAWER_PAID_IN,
    DRAWER_PAID_OUT,
    DRAWER_SALE,
    DRAWER_REFUND,
    DRAWER_KIND__COUNT
};

#define DRAWER_REGISTER_MAX 64
#define DRAWER_REASON_MAX 200

/* The API name of kind ("paid_in"); never NULL. */
const char *drawer_kind_name(enum drawer_kind kind);

/* A drawer with its movements and what they add up to. */
struct drawer_report {
    struct cash_drawer d;
    struct cash_drawer_movement *movements; /* oldest first, arena-owned */
    size_t movement_count;
    int64_t totals_minor[DRAWER_KIND__COUNT]; /* by kind */
    /* float + paid_in + sale - paid_out - refund, from the movements */
    int64_t expected_minor;
    /* the drawer's ledger account now: expected while open, 0 closed */
    int64_t ledger_balance_minor;
};

/*
 * Open a drawer on register of clinic_id with float_minor >= 0 in the
 * clinic's currency. ERR_CONFLICT "drawer_open" when the register has an
 * open drawer.
 */
MUST_CHECK enum err app_drawer_open(struct app_ctx *ctx, const char *clinic_id,
                                    const char *register_name,
                                    int64_t float_minor,
                                    struct cash_drawer *out,
                                    struct errinfo *ei);

/*
 * A paid-in ("in") or paid-out ("out") of amount_minor > 0 with reason
 * (1..200 bytes). ERR_CONFLICT "drawer_closed" on a closed drawer; a
 * paid-out beyond the cash in the drawer is ERR_RULE
 * "insufficient_balance".
 */
MUST_CHECK enum err app_drawer_move(struct app_ctx *ctx, const char *id,
                                    const char *direction, int64_t amount_minor,
                                    const char *reason,
                                    struct cash_drawer_movement *out,
                                    struct errinfo *ei);

/*
 * Close drawer id with counted_minor >= 0 in it: records expected and
 * over/short (counted - expected), posts the difference and returns the
 * cash to the safe. ERR_CONFLICT "drawer_closed" when already closed.
 */
MUST_CHECK enum err app_drawer_close(struct app_ctx *ctx, const char *id,
                                     int64_t counted_minor,
                                     struct cash_drawer *out,
                                     struct errinfo *ei);

/* The drawer report of id. */
MUST_CHECK enum err app_drawer_report(struct app_ctx *ctx, const char *id,
                                      struct drawer_report *out,
                                      struct errinfo *ei);

/* Newest first; f's members may be NULL (status: open or closed). */
MUST_CHECK enum err app_drawer_list(struct app_ctx *ctx,
                                    const struct cash_drawer_filter *f,
                                    const struct page *page,
                                    struct cash_drawer **out, size_t *count,
                                    bool *has_more, struct errinfo *ei);

/*
 * Post a cash tender (kind DRAWER_SALE) or a cash refund (DRAWER_REFUND)
 * of amount_minor > 0 in currency to the open drawer of (clinic_id,
 * register_name), for source (e.g. "payment", id). For checkout, inside
 * its transaction. ERR_CONFLICT "no_open_drawer" when the register has
 * none; a refund beyond the drawer's cash is ERR_RULE
 * "insufficient_balance".
 */
MUST_CHECK enum err
app_drawer_cash(struct app_ctx *ctx, const char *clinic_id,
                const char *register_name, enum drawer_kind kind,
                int64_t amount_minor, const char *currency,
                const char *source_type, const char *source_id,
                struct cash_drawer_movement *out, struct errinfo *ei);

#endif
