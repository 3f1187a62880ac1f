/*
 * http_int.h - shared inside src/http: dispatch, metrics, handlers.
 */
#ifndef POISE_HTTP_HTTP_INT_H
#define POISE_HTTP_HTTP_INT_H

#include <stdint.h>

#include "http/http.h"

/* Handlers, declared from the route table. */
#define ROUTE(m, p, h, r, f, b) enum err h(struct req *req, struct resp *resp);
#include "http/routes.def"
#undef ROUTE

/* Renderers shared by several handler files. */
struct user;
struct account;
struct message;
json_t *render_user(const struct user *u);
json_t *render_account(const struct account *a);
struct gw_card;
/* A card as a gateway describes it: brand, last 4, expiry (h_sandbox.c). */
json_t *render_gw_card(const struct gw_card *c);
struct invoice;
struct invoice_line;
json_t *render_invoice(const struct invoice *v, const struct invoice_line *ls,
                       size_t n);
/* The invoice's tenders and tips, added to its detail (h_checkout.c). */
MUST_CHECK enum err render_invoice_payments(struct req *req, json_t *inv,
                                            const char *invoice_id);
json_t *render_message(const struct message *m);

/*
 * Match method and path. Returns the route, or NULL with *status_out 404
 * (no such path) or 405 (path exists; allow_out lists its methods).
 */
const struct route *router_match(const char *method, const char *path,
                                 struct str *params, size_t *param_count,
                                 int *status_out, char *allow_out,
                                 size_t allow_len);

/* Assert the table is sorted by path and has no duplicates. */
void router_check_table(void);

/* Index of route r in http_routes (for metrics). */
size_t route_index(const struct route *r);

/* Metrics. */
void metrics_observe(const struct route *r, int status, int64_t duration_ns);
void metrics_inflight_add(int delta);
int64_t metrics_inflight(void);
/* Prometheus text exposition into arena a; arena-owned. */
char *metrics_render(struct arena *a, size_t *len_out);

/* The error body {"error":{type,code,message,param}} for rc and ei. */
json_t *http_error_body(enum err rc, const struct errinfo *ei);

#endif
