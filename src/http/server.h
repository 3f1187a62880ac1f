/*
 * server.h - the HTTP server: libmicrohttpd with an epoll thread pool.
 */
#ifndef POISE_HTTP_SERVER_H
#define POISE_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct server_config {
    const char *host; /* "127.0.0.1" */
    int port;
    int threads;
    size_t arena_cap_bytes;
    unsigned connection_limit;
    bool secure_cookies; /* clients reach us over TLS (a proxy ends it) */
};

struct server;

/*
 * Start serving. *out is caller-frees with server_stop. ERR_INVALID for a
 * bad address, ERR_INTERNAL when the port cannot be bound.
 */
MUST_CHECK enum err server_start(const struct server_config *cfg,
                                 struct server **out, struct errinfo *ei);

/* The port actually bound (useful with port 0). */
int server_port(const struct server *s);

/*
 * Graceful stop: stop accepting, let in-flight requests finish (up to
 * wait_ms), close every connection, free the server.
 */
void server_stop(struct server *s, int wait_ms);

#endif
