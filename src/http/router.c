/*
 * router.c - the route table and matching of method + path.
 */
#include <stdio.h>
#include <string.h>

#include "base/assert.h"
#include "http/http_int.h"

const struct route http_routes[] = {
#define ROUTE(m, p, h, r, f, b) {#m, p, h, r, f, b},
#include "http/routes.def"
#undef ROUTE
};
const size_t http_route_count = sizeof(http_routes) / sizeof(http_routes[0]);

size_t
route_index(const struct route *r)
{
    ASSERT(r >= http_routes && r < http_routes + http_route_count);
    return (size_t)(r - http_routes);
}

void
router_check_table(void)
{
    for (size_t i = 0; i < http_route_count; i++) {
        const struct route *r = &http_routes[i];

        ASSERT(r->handler != NULL);
        ASSERT(r->path[0] == '/');
        ASSERT((r->flags & RF_PUBLIC) ? r->role == ROLE_NONE
                                      : r->role != ROLE_NONE);
        ASSERT(r->body_max <= HTTP_BODY_MAX);
        if (i == 0)
            continue;
        ASSERT(strcmp(http_routes[i - 1].path, r->path) <= 0);
        for (size_t j = 0; j < i; j++) {
            ASSERT(strcmp(http_routes[j].path, r->path) != 0 ||
                   strcmp(http_routes[j].method, r->method) != 0);
        }
    }
}

/* Match one pattern against path, filling params. */
static bool
path_matches(const char *pattern, const char *path, struct str *params,
             size_t *count)
{
    struct str pat = str_c(pattern);
    struct str p = str_c(path);

    *count = 0;
    while (pat.len > 0 && p.len > 0) {
        struct str ps;
        struct str seg;

        if (p_char(&pat, '/') || p_char(&p, '/'))
            return false;
        p_until(&pat, '/', &ps);
        p_until(&p, '/', &seg);
        if (ps.len > 0 && ps.ptr[0] == ':') {
            if (seg.len == 0 || *count == ROUTE_PARAMS_MAX)
                return false;
            params[(*count)++] = seg;
        } else if (!str_eq(ps, seg)) {
            return false;
        }
    }
    return pat.len == 0 && p.len == 0;
}

const struct route *
router_match(const char *method, const char *path, struct str *params,
             size_t *param_count, int *status_out, char *allow_out,
             size_t allow_len)
{
    bool path_found = false;
    size_t used = 0;

    allow_out[0] = '\0';
    for (size_t i = 0; i < http_route_count; i++) {
        const struct route *r = &http_routes[i];

        if (!path_matches(r->path, path, params, param_count))
            continue;
        if (strcmp(r->method, method) == 0)
            return r;
        path_found = true;
        int n = snprintf(allow_out + used, allow_len - used, "%s%s",
                         used > 0 ? ", " : "", r->method);
        if (n > 0 && (size_t)n < allow_len - used)
            used += (size_t)n;
    }
    *status_out = path_found ? 405 : 404;
    return NULL;
}
