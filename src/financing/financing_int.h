/*
 * financing_int.h - shared inside src/financing: the sandbox engine and
 * the rules each sandbox connector (cherry.c, klarna.c) gives it.
 *
 * A sandbox connector is its rules plus the engine: limits, currencies
 * and the table of test amounts (docs/financing.md). The decision is a
 * pure function of the rules and the amount (fin_sandbox_decide), so it
 * is tested without a database.
 */
#ifndef POISE_FINANCING_FINANCING_INT_H
#define POISE_FINANCING_FINANCING_INT_H

#include "financing/financing.h"

/* Cents of an amount whose first answer is lost (charge and refund). */
#define FIN_CENTS_ANSWER_LOST 51
/* Cents of a charge whose first cancel's answer is lost. */
#define FIN_CENTS_CANCEL_ANSWER_LOST 52
/* An approved charge can be canceled for this long; refund it after. */
#define FIN_CANCEL_WINDOW_MS (24 * INT64_C(3600000))

/* A test amount: a charge whose cents are cents declines with code. */
struct fin_decline {
    int cents; /* 0..99 */
    const char *decline_code;
    const char *message; /* safe to show the patient */
};

struct fin_rules {
    const char *provider;          /* "cherry" */
    const char *display_name;      /* "Cherry", in messages */
    const char *charge_prefix;     /* of charge references */
    const char *refund_prefix;     /* of refund references */
    int64_t amount_min;            /* approved from here ... */
    int64_t amount_max;            /* ... to here, minor units */
    const char *range_message;     /* the amount_out_of_range decline's */
    const char *const *currencies; /* NULL-terminated */
    const struct fin_decline *declines;
    size_t decline_count;
};

enum fin_outcome {
    FIN_OUTCOME_APPROVE = 1,
    FIN_OUTCOME_DECLINE,
    FIN_OUTCOME_APPROVE_ANSWER_LOST, /* approved; the answer never comes */
};

struct fin_decision {
    enum fin_outcome outcome;
    const char *decline_code; /* DECLINE, else NULL; static */
    const char *message;      /* DECLINE, else NULL; static */
};

/*
 * What the sandbox connector of rules does with a charge of amount (> 0,
 * asserted): out of [amount_min, amount_max] declines
 * "amount_out_of_range"; then the cents decide (the declines table, or
 * FIN_CENTS_ANSWER_LOST); anything else is approved. Pure.
 */
void fin_sandbox_decide(const struct fin_rules *rules, int64_t amount,
                        struct fin_decision *out);

/* True when rules take currency ("USD"). Pure. */
bool fin_sandbox_currency_ok(const struct fin_rules *rules,
                             const char *currency);

/* The engine: each is one op of struct fin_ops for rules (financing.h). */
enum err fin_sandbox_connect(const struct fin_rules *rules,
                             const struct fin_ctx *ctx, const char *name,
                             struct errinfo *ei);
enum err fin_sandbox_disconnect(const struct fin_rules *rules,
                                const struct fin_ctx *ctx, struct errinfo *ei);
enum err fin_sandbox_charge(const struct fin_rules *rules,
                            const struct fin_ctx *ctx,
                            const struct fin_charge_req *r,
                            struct fin_charge *out, struct errinfo *ei);
enum err fin_sandbox_refund(const struct fin_rules *rules,
                            const struct fin_ctx *ctx, const char *idem_key,
                            const char *charge_ref, int64_t amount,
                            const char *currency, struct fin_refund *out,
                            struct errinfo *ei);
enum err fin_sandbox_cancel(const struct fin_rules *rules,
                            const struct fin_ctx *ctx, const char *idem_key,
                            const char *charge_ref, struct fin_charge *out,
                            struct errinfo *ei);
enum err fin_sandbox_lookup(const struct fin_rules *rules,
                            const struct fin_ctx *ctx, const char *idem_key,
                            struct fin_charge *out, struct errinfo *ei);
enum err fin_sandbox_charges_list(const struct fin_rules *rules,
                                  const struct fin_ctx *ctx, int64_t limit,
                                  const char *starting_after,
                                  struct fin_charge **out, size_t *count,
                                  bool *has_more, struct errinfo *ei);

/* The connectors' tables and rules (cherry.c, klarna.c). */
extern const struct fin_ops fin_cherry_sandbox_ops;
extern const struct fin_ops fin_klarna_sandbox_ops;
extern const struct fin_rules fin_cherry_rules;
extern const struct fin_rules fin_klarna_rules;

#endif
