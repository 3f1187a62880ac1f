/*
 * errmap.c - the one table from enum err to HTTP status and error type.
 */
#include "base/assert.h"
#include "http/http_int.h"

struct errmap {
    int status;
    const char *type;
    const char *code;    /* default code when the errinfo has none */
    const char *message; /* default message */
};

static const struct errmap errmap[] = {
    [ERR_OK] = {200, "", "", ""},
    [ERR_INVALID] = {400, "invalid_request_error", "parameter_invalid",
                     "invalid request"},
    [ERR_NOT_FOUND] = {404, "invalid_request_error", "resource_missing",
                       "no such resource"},
    [ERR_CONFLICT] = {409, "invalid_request_error", "conflict",
                      "the request conflicts with the current state"},
    [ERR_FORBIDDEN] = {403, "permission_error", "forbidden",
                       "your role may not do this"},
    [ERR_LIMIT] = {413, "invalid_request_error", "request_too_large",
                   "the request is too large"},
    [ERR_DECLINED] = {402, "card_error", "card_declined",
                      "the card was declined"},
    [ERR_GATEWAY] = {502, "api_error", "gateway_error",
                     "the payment gateway failed"},
    [ERR_STORE] = {500, "api_error", "store_error",
                   "the database failed; nothing was changed"},
    [ERR_INTERNAL] = {500, "api_error", "internal_error",
                      "internal error; nothing was changed"},
    [ERR_UNAUTHORIZED] = {401, "authentication_error", "unauthorized",
                          "a valid API key or session is required"},
    [ERR_RULE] = {422, "invalid_request_error", "rule_violation",
                  "the request breaks a business rule"},
    [ERR_RATE] = {429, "rate_limit_error", "rate_limited",
                  "too many attempts; try again later"},
    [ERR_BUSY] = {503, "api_error", "busy",
                  "the server is busy; retry the request"},
};
STATIC_ASSERT(sizeof(errmap) / sizeof(errmap[0]) == ERR__COUNT,
              "errmap matches enum err");

int
http_status_of(enum err rc)
{
    ASSERT((unsigned)rc < ERR__COUNT);
    return errmap[rc].status;
}

json_t *
http_error_body(enum err rc, const struct errinfo *ei)
{
    const struct errmap *m;
    json_t *e = json_object();
    json_t *body = json_object();
    bool has = ei != NULL && ei->message[0] != '\0';

    ASSERT(rc != ERR_OK && (unsigned)rc < ERR__COUNT);
    m = &errmap[rc];
    json_put(e, "type", json_string(m->type));
    json_put(
        e, "code",
        json_string(ei != NULL && ei->code[0] != '\0' ? ei->code : m->code));
    json_put(e, "message", json_string(has ? ei->message : m->message));
    json_put(e, "param",
             ei != NULL && ei->param[0] != '\0' ? json_string(ei->param)
                                                : json_null());
    if (rc == ERR_DECLINED)
        json_put(e, "decline_code",
                 ei != NULL && ei->decline_code[0] != '\0'
                     ? json_string(ei->decline_code)
                     : json_null());
    json_put(body, "error", e);
    return body;
}
