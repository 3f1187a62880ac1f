/*
 * metrics.c - Prometheus counters: requests by route and status, a latency
 * histogram, requests in flight and store errors. Lock-free atomics.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>

#include "base/assert.h"
#include "base/buf.h"
#include "http/http_int.h"

#define ROUTES_MAX 128
#define STATUS_SLOTS 18

static const int status_codes[STATUS_SLOTS] = {
    200, 201, 204, 304, 400, 401, 402, 403, 404,
    405, 409, 413, 422, 429, 500, 502, 503, 0, /* 0: any other */
};

/* Upper bounds in microseconds; the last is +Inf. */
static const int64_t bucket_us[] = {500,    1000,   2500,    5000,
                                    10000,  25000,  50000,   100000,
                                    250000, 500000, 1000000, 2500000};
#define BUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))

/* Index ROUTES_MAX counts requests that matched no route. */
static atomic_uint_fast64_t requests[ROUTES_MAX + 1][STATUS_SLOTS];
static atomic_uint_fast64_t latency_buckets[BUCKETS + 1];
static atomic_uint_fast64_t latency_sum_us;
static atomic_int_fast64_t inflight;

static size_t
status_slot(int status)
{
    for (size_t i = 0; i + 1 < STATUS_SLOTS; i++) {
        if (status_codes[i] == status)
            return i;
    }
    return STATUS_SLOTS - 1;
}

void
metrics_observe(const struct route *r, int status, int64_t duration_ns)
{
    size_t ri = r != NULL ? route_index(r) : ROUTES_MAX;
    int64_t us = duration_ns / 1000;
    size_t b = 0;

    STATIC_ASSERT(ROUTES_MAX >= 64, "room for the route table");
    if (ri >= ROUTES_MAX)
        ri = ROUTES_MAX;
    atomic_fetch_add(&requests[ri][status_slot(status)], 1);
    while (b < BUCKETS && us > bucket_us[b])
        b++;
    atomic_fetch_add(&latency_buckets[b], 1);
    atomic_fetch_add(&latency_sum_us, (uint64_t)(us > 0 ? us : 0));
}

void
metrics_inflight_add(int delta)
{
    atomic_fetch_add(&inflight, delta);
}

int64_t
metrics_inflight(void)
{
    return atomic_load(&inflight);
}

static enum err
render_requests(struct buf *b)
{
    enum err rc = buf_append_c(b, "# HELP poise_http_requests_total "
                                  "Requests by route and status.\n"
                                  "# TYPE poise_http_requests_total "
                                  "counter\n");

    for (size_t ri = 0; rc == ERR_OK && ri <= ROUTES_MAX; ri++) {
        bool known = ri < http_route_count;

        if (!known && ri != ROUTES_MAX)
            continue;
        for (size_t s = 0; rc == ERR_OK && s < STATUS_SLOTS; s++) {
            uint64_t n = atomic_load(&requests[ri][s]);
            char code[8];

            if (n == 0)
                continue;
            if (status_codes[s] != 0)
                snprintf(code, sizeof(code), "%d", status_codes[s]);
            else
                snprintf(code, sizeof(code), "other");
            rc = buf_printf(b,
                            "poise_http_requests_total{method=\"%s\","
                            "route=\"%s\",status=\"%s\"} %" PRIu64 "\n",
                            known ? http_routes[ri].method : "",
                            known ? http_routes[ri].path : "unmatched", code,
                            n);
        }
    }
    return rc;
}

static enum err
render_latency(struct buf *b)
{
    uint64_t cum = 0;
    enum err rc = buf_append_c(b, "# HELP poise_http_request_duration_"
                                  "seconds Request latency.\n"
                                  "# TYPE poise_http_request_duration_"
                                  "seconds histogram\n");

    for (size_t i = 0; rc == ERR_OK && i <= BUCKETS; i++) {
        cum += atomic_load(&latency_buckets[i]);
        if (i < BUCKETS) {
            rc = buf_printf(b,
                            "poise_http_request_duration_seconds_bucket"
                            "{le=\"%" PRId64 ".%06" PRId64 "\"} %" PRIu64 "\n",
                            bucket_us[i] / 1000000, bucket_us[i] % 1000000,
                            cum);
        } else {
            rc = buf_printf(b,
                            "poise_http_request_duration_seconds_bucket"
                            "{le=\"+Inf\"} %" PRIu64 "\n"
                            "poise_http_request_duration_seconds_count "
                            "%" PRIu64 "\n",
                            cum, cum);
        }
    }
    if (rc == ERR_OK) {
        uint64_t sum = atomic_load(&latency_sum_us);

        rc = buf_printf(b,
                        "poise_http_request_duration_seconds_sum "
                        "%" PRIu64 ".%06" PRIu64 "\n",
                        sum / 1000000, sum % 1000000);
    }
    return rc;
}

char *
metrics_render(struct arena *a, size_t *len_out)
{
    struct buf b;
    enum err rc;

    buf_init(&b, a, 4 * MiB);
    rc = render_requests(&b);
    if (rc == ERR_OK)
        rc = render_latency(&b);
    if (rc == ERR_OK) {
        uint64_t commits, syncs;

        app_store_sync_stats(&commits, &syncs);
        rc = buf_printf(&b,
                        "# HELP poise_store_commits_total Write commits "
                        "(SQLite, group commit).\n"
                        "# TYPE poise_store_commits_total counter\n"
                        "poise_store_commits_total %" PRIu64 "\n"
                        "# HELP poise_store_wal_syncs_total WAL fdatasyncs "
                        "those commits shared.\n"
                        "# TYPE poise_store_wal_syncs_total counter\n"
                        "poise_store_wal_syncs_total %" PRIu64 "\n",
                        commits, syncs);
    }
    if (rc == ERR_OK) {
        rc = buf_printf(&b,
                        "# HELP poise_http_requests_in_flight Requests "
                        "being served.\n"
                        "# TYPE poise_http_requests_in_flight gauge\n"
                        "poise_http_requests_in_flight %" PRId64 "\n"
                        "# HELP poise_store_errors_total Failed database "
                        "statements.\n"
                        "# TYPE poise_store_errors_total counter\n"
                        "poise_store_errors_total %" PRIu64 "\n",
                        (int64_t)atomic_load(&inflight),
                        app_store_error_count());
    }
    if (rc)
        return NULL;
    *len_out = b.len;
    return b.ptr;
}
