/*
 * pos.h - POS settings, merchant accounts, bank accounts, card readers,
 * reader orders and fee statements.
 *
 * Every function takes the account id first and filters on it. Strings in
 * out structs are arena-owned.
 */
#ifndef POISE_STORE_POS_H
#define POISE_STORE_POS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct pos_settings {
    const char *status; /* "active" | "inactive" */
    const char *gateway;
    const char *merchant_mode; /* "single" | "multiple" */
    const char *webhook_secret;
    int64_t activated_at_ms; /* 0 when never */
    int64_t deactivated_at_ms;
    int64_t updated_at_ms;
};

struct merchant_account {
    const char *account_id; /* set by store_merchant_billable only */
    const char *id;
    const char *clinic_id; /* NULL: the account's single merchant */
    const char *gateway;
    const char *gateway_ref;
    const char *name;
    const char *currency;
    const char *timezone;
    const char *status; /* "active" | "closed" */
    bool reader_deducted;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct bank_account {
    const char *id;
    const char *merchant_account_id;
    const char *gateway_ref;
    const char *holder_name;
    const char *routing_number;
    const char *last4;
    bool is_default;
    const char *status; /* "active" | "deleted" */
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct card_reader {
    const char *id;
    const char *clinic_id;
    const char *merchant_account_id;
    const char *serial_number;
    const char *label;
    const char *gateway_ref;
    const char *status;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

struct reader_order {
    const char *id;
    const char *clinic_id;
    const char *merchant_account_id;
    int64_t quantity;
    int64_t amount_minor;
    const char *currency;
    const char *billing; /* "first_payout" | "at_order" */
    const char *shipping_name;
    int64_t created_at_ms;
};

struct fee_statement {
    const char *id;
    const char *merchant_account_id;
    const char *kind; /* "connection_fee" | "card_reader" */
    const char *period;
    const char *description;
    int64_t amount_minor;
    const char *currency;
    const char *status; /* "pending" | "deducted" | "charged" */
    const char *gateway_ref;
    const char *payout_id;
    int64_t created_at_ms;
};

/* ERR_NOT_FOUND when the account never activated POS. */
MUST_CHECK enum err store_pos_get(struct db *db, struct arena *a,
                                  const char *account_id,
                                  struct pos_settings *out, struct errinfo *ei);
/* Insert or overwrite the account's settings. */
MUST_CHECK enum err store_pos_put(struct db *db, struct arena *a,
                                  const char *account_id,
                                  const struct pos_settings *s,
                                  struct errinfo *ei);

/* Accounts whose POS is active on gateway; ids arena-owned. Unscoped. */
MUST_CHECK enum err store_pos_accounts_on(struct db *db, struct arena *a,
                                          const char *gateway,
                                          const char ***ids, size_t *count,
                                          struct errinfo *ei);

MUST_CHECK enum err store_merchant_insert(struct db *db, struct arena *a,
                                          const char *account_id,
                                          const struct merchant_account *m,
                                          struct errinfo *ei);
MUST_CHECK enum err store_merchant_get(struct db *db, struct arena *a,
                                       const char *account_id, const char *id,
                                       struct merchant_account *out,
                                       struct errinfo *ei);
/*
 * The active merchant account a payment at clinic_id settles to: the
 * clinic's own, else the account's single one. ERR_NOT_FOUND when none.
 */
MUST_CHECK enum err store_merchant_for_clinic(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const char *clinic_id,
                                              struct merchant_account *out,
                                              struct errinfo *ei);
/* Every merchant account of the account, oldest first (status filter
 * "active" or NULL for all). *out arena-owned. */
MUST_CHECK enum err store_merchant_list(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const char *status,
                                        struct merchant_account **out,
                                        size_t *count, struct errinfo *ei);
/*
 * Active merchant accounts of active POS accounts, with the account id in
 * out[i].account_id: of account_id only, or of every account when NULL.
 */
MUST_CHECK enum err store_merchant_billable(struct db *db, struct arena *a,
                                            const char *account_id,
                                            struct merchant_account **out,
                                            size_t *count, struct errinfo *ei);
/*
 * The account whose merchant account the gateway calls ref (for events a
 * gateway sends with its own account ids). Not scoped: ref is the key.
 */
MUST_CHECK enum err store_merchant_owner(struct db *db, struct arena *a,
                                         const char *gateway, const char *ref,
                                         const char **account_id,
                                         struct errinfo *ei);
/* Close every active merchant account (deactivation). */
MUST_CHECK enum err store_merchant_close_all(struct db *db, struct arena *a,
                                             const char *account_id,
                                             int64_t now_ms,
                                             struct errinfo *ei);
/* Mark merchant id's first-reader deduction taken; false if it was. */
MUST_CHECK enum err
store_merchant_take_reader_deduction(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     bool *taken, struct errinfo *ei);

MUST_CHECK enum err store_bank_insert(struct db *db, struct arena *a,
                                      const char *account_id,
                                      const struct bank_account *b,
                                      struct errinfo *ei);
MUST_CHECK enum err store_bank_get(struct db *db, struct arena *a,
                                   const char *account_id, const char *id,
                                   struct bank_account *out,
                                   struct errinfo *ei);
/* The bank account (any status) the gateway calls ref. */
MUST_CHECK enum err store_bank_by_ref(struct db *db, struct arena *a,
                                      const char *account_id, const char *ref,
                                      struct bank_account *out,
                                      struct errinfo *ei);
/* Active bank accounts, oldest first; merchant_id NULL for all. */
MUST_CHECK enum err store_bank_list(struct db *db, struct arena *a,
                                    const char *account_id,
                                    const char *merchant_id,
                                    struct bank_account **out, size_t *count,
                                    struct errinfo *ei);
/* Make id the only default of its merchant account. */
MUST_CHECK enum err store_bank_set_default(struct db *db, struct arena *a,
                                           const char *account_id,
                                           const char *merchant_id,
                                           const char *id, int64_t now_ms,
                                           struct errinfo *ei);
MUST_CHECK enum err store_bank_delete(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      int64_t now_ms, struct errinfo *ei);
/* Payouts to bank account id that are pending or in transit. */
MUST_CHECK enum err store_bank_payouts_in_flight(struct db *db, struct arena *a,
                                                 const char *account_id,
                                                 const char *id, int64_t *n,
                                                 struct errinfo *ei);

MUST_CHECK enum err store_reader_insert(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct card_reader *r,
                                        struct errinfo *ei);
MUST_CHECK enum err store_reader_get(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     struct card_reader *out,
                                     struct errinfo *ei);
/* Active readers, oldest first. */
MUST_CHECK enum err store_reader_list(struct db *db, struct arena *a,
                                      const char *account_id,
                                      struct card_reader **out, size_t *count,
                                      struct errinfo *ei);
MUST_CHECK enum err store_reader_delete(struct db *db, struct arena *a,
                                        const char *account_id, const char *id,
                                        int64_t now_ms, struct errinfo *ei);
/* Reader orders placed by the account so far. */
MUST_CHECK enum err store_reader_order_count(struct db *db, struct arena *a,
                                             const char *account_id, int64_t *n,
                                             struct errinfo *ei);
MUST_CHECK enum err store_reader_order_insert(struct db *db, struct arena *a,
                                              const char *account_id,
                                              const struct reader_order *o,
                                              struct errinfo *ei);

/*
 * Insert f unless the (merchant, kind, period) statement exists; then
 * *inserted is false and nothing changes.
 */
MUST_CHECK enum err store_fee_insert(struct db *db, struct arena *a,
                                     const char *account_id,
                                     const struct fee_statement *f,
                                     bool *inserted, struct errinfo *ei);
/* Newest first. */
MUST_CHECK enum err store_fee_list(struct db *db, struct arena *a,
                                   const char *account_id, int64_t limit,
                                   const char *starting_after,
                                   struct fee_statement **out, size_t *count,
                                   bool *has_more, struct errinfo *ei);
/* Fee statements whose gateway debit is ref: mark them deducted. */
MUST_CHECK enum err store_fee_mark_deducted(struct db *db, struct arena *a,
                                            const char *account_id,
                                            const char *gateway_ref,
                                            const char *payout_id,
                                            struct errinfo *ei);

/* Counts of what deactivation stops, for the confirmation answer. */
struct pos_usage {
    int64_t saved_cards;
    int64_t payments_open; /* requires_capture or processing */
    int64_t merchant_accounts;
    int64_t card_readers;
};
MUST_CHECK enum err store_pos_usage(struct db *db, struct arena *a,
                                    const char *account_id,
                                    struct pos_usage *out, struct errinfo *ei);

#endif
