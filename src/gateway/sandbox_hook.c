/*
 * sandbox_hook.c - the sandbox's events: their Stripe-shaped JSON, the
 * outbox, delivery over HTTP, and parsing what arrives.
 *
 * An event is written in the same sandbox transaction as the change it
 * describes. Delivery claims one due event at a time in a transaction
 * that already schedules its next attempt (so a crash mid-POST retries
 * it, and two deliverers never POST one attempt twice), then POSTs it
 * outside any transaction, then marks it delivered on a 2xx answer. A
 * delivered event is never sent again. Retries back off exponentially:
 * 1 min, 2, 4, ... capped at 12 h, and stop after EVENT_ATTEMPTS_MAX.
 */
#include <curl/curl.h>
#include <string.h>

#include "base/assert.h"
#include "base/json.h"
#include "gateway/sandbox_int.h"
#include "gateway/signature.h"

#define BACKOFF_FIRST_MS INT64_C(60000)
#define BACKOFF_MAX_MS (12 * SB_HOUR_MS)
#define EVENT_ATTEMPTS_MAX 16

/* ---- the objects' JSON ---- */

/* "USD" -> json "usd", as Stripe spells currencies; NULL for "". */
static json_t *
currency_json(const char *code)
{
    char lower[4] = {0};

    if (code == NULL || code[0] == '\0')
        return json_null();
    for (size_t i = 0; i < 3 && code[i] != '\0'; i++)
        lower[i] = char_lower(code[i]);
    return json_string(lower);
}

static json_t *
card_json(const struct gw_card *c)
{
    json_t *o = json_object();

    json_put(o, "brand", json_string(c->brand));
    json_put(o, "last4", json_string(c->last4));
    json_put(o, "exp_month", json_integer(c->exp_month));
    json_put(o, "exp_year", json_integer(c->exp_year));
    json_put(o, "fingerprint", json_string(c->fingerprint));
    return o;
}

static json_t *
code_or_null(const char *code)
{
    return code[0] != '\0' ? json_string(code) : json_null();
}

json_t *
sandbox_charge_json(const struct sb_charge *ch)
{
    const struct gw_charge *c = &ch->c;
    json_t *o = json_object();
    json_t *meta = json_object();

    json_put(o, "id", json_string(c->ref));
    json_put(o, "object", json_string("charge"));
    json_put(o, "amount", json_integer(c->amount));
    json_put(o, "amount_captured", json_integer(c->amount_captured));
    json_put(o, "amount_refunded", json_integer(c->amount_refunded));
    json_put(o, "currency", currency_json(ch->currency));
    json_put(o, "status", json_string(gw_charge_status_name(c->status)));
    json_put(o, "captured", json_boolean(c->amount_captured > 0));
    json_put(o, "refunded",
             json_boolean(c->amount_captured > 0 &&
                          c->amount_refunded == c->amount_captured));
    json_put(o, "disputed", json_boolean(ch->disputed));
    json_put(o, "fee", json_integer(c->fee));
    json_put(o, "capture_before",
             c->capture_before_ms > 0
                 ? json_integer(c->capture_before_ms / 1000)
                 : json_null());
    json_put(o, "card_present", json_boolean(c->card_present));
    json_put(o, "card", card_json(&c->card));
    json_put(o, "failure_code", code_or_null(c->failure_code));
    json_put(o, "decline_code", code_or_null(c->decline_code));
    json_put(o, "created", json_integer(ch->created_ms / 1000));
    json_put(meta, "reference", json_str_or_null(ch->reference));
    json_put(o, "metadata", meta);
    return o;
}

json_t *
sandbox_refund_json(const struct gw_refund *r, const char *currency)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(r->ref));
    json_put(o, "object", json_string("refund"));
    json_put(o, "charge", json_string(r->charge_ref));
    json_put(o, "amount", json_integer(r->amount));
    json_put(o, "currency", currency_json(currency));
    json_put(o, "status", json_string(gw_refund_status_name(r->status)));
    json_put(o, "failure_reason", code_or_null(r->failure_code));
    return o;
}

json_t *
sandbox_payout_json(const struct gw_payout *p)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(p->ref));
    json_put(o, "object", json_string("payout"));
    json_put(o, "amount", json_integer(p->amount));
    json_put(o, "currency", currency_json(p->currency));
    json_put(o, "status", json_string(gw_payout_status_name(p->status)));
    json_put(o, "destination", json_string(p->bank_ref));
    json_put(o, "created", json_integer(p->created_ms / 1000));
    json_put(o, "arrival_date", json_integer(p->arrival_ms / 1000));
    json_put(o, "failure_code", code_or_null(p->failure_code));
    return o;
}

json_t *
sandbox_dispute_json(const struct gw_dispute *d)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(d->ref));
    json_put(o, "object", json_string("dispute"));
    json_put(o, "charge", json_string(d->charge_ref));
    json_put(o, "amount", json_integer(d->amount));
    json_put(o, "fee", json_integer(d->fee));
    json_put(o, "status", json_string(gw_dispute_status_name(d->status)));
    json_put(o, "reason", json_string(d->reason));
    json_put(o, "due_by", json_integer(d->due_by_ms / 1000));
    json_put(o, "created", json_integer(d->created_ms / 1000));
    return o;
}

/* ---- the outbox ---- */

static const char sql_event_insert[] =
    "INSERT INTO sb_events (account_id, ref, seq, type, body, created_ms,"
    " state, attempts, next_attempt_ms, last_status)"
    " VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $6, 0)";

/* The event's body around object (stolen); arena-owned text or NULL. */
static char *
event_body(const struct gw_ctx *ctx, const char *id, const char *type,
           json_t *object, int64_t at_ms)
{
    json_t *ev = json_object();
    json_t *data = json_object();
    char *body;

    json_put(data, "object", object);
    json_put(ev, "id", json_string(id));
    json_put(ev, "object", json_string("event"));
    json_put(ev, "type", json_string(type));
    json_put(ev, "created", json_integer(at_ms / 1000));
    json_put(ev, "account", json_string(ctx->account_id));
    json_put(ev, "livemode", json_false());
    json_put(ev, "data", data);
    body = ev != NULL ? json_dump(ctx->a, ev, NULL) : NULL;
    json_decref(ev);
    return body;
}

enum err
sandbox_event_add(struct db *db, const struct gw_ctx *ctx, const char *type,
                  json_t *object, int64_t at_ms, struct errinfo *ei)
{
    char id[GW_REF_MAX];
    int64_t seq = 0;
    char *body;
    enum err rc;

    ASSERT(type != NULL && object != NULL);
    ASSERT(at_ms <= ctx->now_ms);
    rc = sandbox_new_ref(ctx, "evt", id, ei);
    if (rc) {
        json_decref(object);
        return rc;
    }
    body = event_body(ctx, id, type, object, at_ms);
    if (body == NULL)
        return sandbox_arena_full(ei);
    rc = sandbox_next_seq(db, ctx, &seq, ei);
    if (rc)
        return rc;
    struct db_param q[] = {
        P_TEXT(ctx->account_id),
        P_TEXT(id),
        P_I64(seq),
        P_TEXT(type),
        P_TEXT(body),
        P_I64(at_ms),
    };
    return db_exec(db, ctx->a, sql_event_insert, q, NPARAMS(q), NULL, ei);
}

static const char sql_events_all[] =
    "SELECT ref, type, body, state, attempts, next_attempt_ms FROM sb_events"
    " WHERE account_id = $1 ORDER BY seq";

enum err
sandbox_events_list(const struct gw_ctx *ctx, struct sandbox_event **out,
                    size_t *n, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id)};
    struct db_rows r;
    struct db *db = NULL;
    enum err rc;

    ASSERT(out != NULL && n != NULL);
    *n = 0;
    rc = sandbox_read(&db, ei);
    if (rc)
        return rc;
    rc = db_exec(db, ctx->a, sql_events_all, p, 1, &r, ei);
    sandbox_done(db);
    if (rc)
        return rc;
    *out = arena_array(ctx->a, r.nrows + 1, sizeof(**out));
    if (*out == NULL)
        return sandbox_arena_full(ei);
    for (size_t i = 0; i < r.nrows; i++) {
        struct sandbox_event *e = &(*out)[i];

        sandbox_copy(e->id, sizeof(e->id), db_text(&r, i, 0));
        sandbox_copy(e->type, sizeof(e->type), db_text(&r, i, 1));
        e->body = db_text(&r, i, 2);
        e->delivered = strcmp(db_text(&r, i, 3), "delivered") == 0;
        e->attempts = (int)db_i64(&r, i, 4);
        e->next_attempt_ms = db_i64(&r, i, 5);
    }
    *n = r.nrows;
    return ERR_OK;
}

/* ---- delivery ---- */

static const char sql_event_due[] =
    "SELECT ref, body, attempts FROM sb_events WHERE account_id = $1"
    " AND state = 'pending' AND next_attempt_ms <= $2 ORDER BY seq LIMIT 1";
static const char sql_event_claim[] =
    "UPDATE sb_events SET attempts = attempts + 1, next_attempt_ms = $3,"
    " state = $4 WHERE account_id = $1 AND ref = $2";
static const char sql_event_done[] =
    "UPDATE sb_events SET state = $3, last_status = $4"
    " WHERE account_id = $1 AND ref = $2 AND state = 'pending'";
static const char sql_secret[] =
    "SELECT webhook_secret FROM sb_accounts WHERE account_id = $1"
    " AND status = 'active'";

/* After attempt n (1-based) fails: 1 min, 2 min, 4 min, ... 12 h. */
static int64_t
backoff_ms(int64_t n)
{
    int64_t d = BACKOFF_FIRST_MS;

    ASSERT(n >= 1);
    for (int64_t i = 1; i < n && d < BACKOFF_MAX_MS; i++)
        d *= 2;
    return d < BACKOFF_MAX_MS ? d : BACKOFF_MAX_MS;
}

/* A due event claimed for one attempt. */
struct claim {
    const char *ref;
    const char *body;
    bool last; /* no attempt after this one */
};

/* Claim the next due event; ERR_NOT_FOUND when none is due. */
static enum err
claim_next(const struct gw_ctx *ctx, struct claim *out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id), P_I64(ctx->now_ms),
                           P_I64(0), P_TEXT("pending")};
    struct db_rows rows;
    struct db *db = NULL;
    int64_t n;
    enum err rc = sandbox_begin(ctx, false, &db, ei);

    if (rc)
        return rc;
    rc = db_one(db, ctx->a, sql_event_due, p, 2, &rows, ei);
    if (rc) {
        sandbox_abort(db);
        return rc;
    }
    out->ref = db_text(&rows, 0, 0);
    out->body = db_text(&rows, 0, 1);
    n = db_i64(&rows, 0, 2) + 1;
    out->last = n >= EVENT_ATTEMPTS_MAX;
    p[1] = P_TEXT(out->ref);
    p[2] = P_I64(ctx->now_ms + backoff_ms(n));
    p[3] = P_TEXT(out->last ? "abandoned" : "pending");
    rc = db_exec(db, ctx->a, sql_event_claim, p, 4, NULL, ei);
    if (rc) {
        sandbox_abort(db);
        return rc;
    }
    return sandbox_commit(db, ei);
}

static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p;
    (void)ctx;
    return size * n;
}

/* POST body to the webhook URL; the HTTP status, or 0 if none came. */
static long
post(const char *secret, int64_t t_s, const char *body)
{
    char sig[SIGNATURE_HEADER_MAX + 32];
    char hdr[SIGNATURE_HEADER_MAX];
    struct curl_slist *h = NULL;
    CURL *c = curl_easy_init();
    long status = 0;

    if (c == NULL)
        return 0;
    signature_header(secret, t_s, body, strlen(body), hdr, sizeof(hdr));
    snprintf(sig, sizeof(sig), "Stripe-Signature: %s", hdr);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, sig);
    curl_easy_setopt(c, CURLOPT_URL, sandbox_state.webhook_url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                     (long)sandbox_state.webhook_timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Poise-Sandbox/1");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    if (h != NULL && curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* Record the answer to one attempt at cl. */
static enum err
record(const struct gw_ctx *ctx, const struct claim *cl, long status,
       struct errinfo *ei)
{
    bool ok = status >= 200 && status <= 299;
    struct db_param p[] = {P_TEXT(ctx->account_id), P_TEXT(cl->ref),
                           P_TEXT(ok ? "delivered" : "pending"), P_I64(status)};
    struct db *db = NULL;
    enum err rc;

    if (!ok && cl->last)
        return ERR_OK; /* abandoned when claimed */
    rc = sandbox_begin(ctx, false, &db, ei);
    if (rc)
        return rc;
    rc = db_exec(db, ctx->a, sql_event_done, p, NPARAMS(p), NULL, ei);
    if (rc) {
        sandbox_abort(db);
        return rc;
    }
    return sandbox_commit(db, ei);
}

static enum err
account_secret(const struct gw_ctx *ctx, const char **out, struct errinfo *ei)
{
    struct db_param p[] = {P_TEXT(ctx->account_id)};
    struct db_rows rows;
    struct db *db = NULL;
    enum err rc = sandbox_read(&db, ei);

    if (rc)
        return rc;
    rc = db_one(db, ctx->a, sql_secret, p, 1, &rows, ei);
    sandbox_done(db);
    if (rc == ERR_OK)
        *out = db_text(&rows, 0, 0);
    return rc;
}

enum err
sandbox_deliver(const struct gw_ctx *ctx, size_t *delivered_out,
                struct errinfo *ei)
{
    const char *secret = NULL;
    size_t delivered = 0;
    struct claim cl;
    enum err rc;

    ASSERT(ctx != NULL && ctx->now_ms >= 0);
    if (delivered_out != NULL)
        *delivered_out = 0;
    if (sandbox_state.webhook_url[0] == '\0')
        return ERR_OK;
    rc = account_secret(ctx, &secret, ei);
    if (rc == ERR_NOT_FOUND) /* not connected: nothing to send */
        return ERR_OK;
    /* Each claim moves its event past now, so this loop ends. */
    while (rc == ERR_OK) {
        long status;

        rc = claim_next(ctx, &cl, ei);
        if (rc)
            break;
        status = post(secret, ctx->now_ms / 1000, cl.body);
        rc = record(ctx, &cl, status, ei);
        if (status >= 200 && status <= 299)
            delivered++;
    }
    if (delivered_out != NULL)
        *delivered_out = delivered;
    return rc == ERR_NOT_FOUND ? ERR_OK : rc;
}

/* ---- parsing ---- */

static enum gw_event_object
object_kind(const char *s)
{
    if (s == NULL)
        return GW_EVENT_OTHER;
    if (strcmp(s, "charge") == 0)
        return GW_EVENT_CHARGE;
    if (strcmp(s, "refund") == 0)
        return GW_EVENT_REFUND;
    if (strcmp(s, "payout") == 0)
        return GW_EVENT_PAYOUT;
    if (strcmp(s, "dispute") == 0)
        return GW_EVENT_DISPUTE;
    return GW_EVENT_OTHER;
}

static enum err
event_of_json(json_t *v, struct gw_event *out, struct errinfo *ei)
{
    json_t *obj = json_object_get(json_object_get(v, "data"), "object");
    const char *id = json_string_value(json_object_get(v, "id"));
    const char *type = json_string_value(json_object_get(v, "type"));
    const char *oref = json_string_value(json_object_get(obj, "id"));
    json_t *created = json_object_get(v, "created");

    if (id == NULL || type == NULL || oref == NULL ||
        !json_is_integer(created) || strlen(id) >= GW_REF_MAX ||
        strlen(type) >= GW_CODE_MAX || strlen(oref) >= GW_REF_MAX)
        return errinfo_set(ei, ERR_INVALID, "event_invalid", NULL,
                           "event lacks id, type, created or data.object");
    memset(out, 0, sizeof(*out));
    sandbox_copy(out->id, sizeof(out->id), id);
    sandbox_copy(out->type, sizeof(out->type), type);
    sandbox_copy(out->object_ref, sizeof(out->object_ref), oref);
    sandbox_copy(out->account_id, sizeof(out->account_id),
                 json_string_value(json_object_get(v, "account")));
    out->object = object_kind(
        json_string_value(json_object_get(obj, "object")));
    out->created_ms = json_integer_value(created) * 1000;
    return ERR_OK;
}

enum err
sandbox_webhook_parse(const struct gw_ctx *ctx, const char *secret,
                      const char *signature_header, const char *body,
                      size_t body_len, struct gw_event *out, struct errinfo *ei)
{
    json_t *v = NULL;
    enum err rc;

    ASSERT(ctx != NULL && secret != NULL && body != NULL && out != NULL);
    rc = signature_verify(secret, signature_header, body, body_len,
                          ctx->now_ms / 1000, SIGNATURE_TOLERANCE_S, ei);
    if (rc)
        return rc;
    rc = json_parse_object((struct str){body, body_len}, &v, ei);
    if (rc == ERR_OK)
        rc = event_of_json(v, out, ei);
    json_decref(v);
    return rc;
}
