/*
 * standin.c - start, reach and stop the stand-in gateways for tests.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "standin.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/str.h"
#include "gateway/httpc.h"

#define STANDINS_MAX 4
#define START_TIMEOUT_MS 10000

struct standin {
    const char *script;
    pid_t pid;
    int port;
};

/* The stand-ins of this process; ended at exit. */
static struct standin standins[STANDINS_MAX];
static size_t standin_count;

static void
stop_all(void)
{
    for (size_t i = 0; i < standin_count; i++) {
        if (standins[i].pid > 0) {
            kill(standins[i].pid, SIGTERM);
            waitpid(standins[i].pid, NULL, 0);
        }
    }
}

/* Read "listening <port>\n" from fd within the start timeout. */
static int
read_port(int fd)
{
    char line[64];
    size_t n = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int64_t port;

    while (n < sizeof(line) - 1) {
        ssize_t got;

        if (poll(&p, 1, START_TIMEOUT_MS) <= 0)
            return 0;
        got = read(fd, line + n, 1);
        if (got <= 0)
            return 0;
        if (line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    if (strncmp(line, "listening ", 10) != 0 ||
        str_to_i64(str_c(line + 10), 1, 65535, &port) != ERR_OK)
        return 0;
    return (int)port;
}

static pid_t
spawn(const char *script, int *fd_out)
{
    int fds[2];
    pid_t pid;

    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execlp("node", "node", script, "0", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    *fd_out = fds[0];
    return pid;
}

int
standin_port(const char *script)
{
    struct standin *s;
    int fd = -1;

    for (size_t i = 0; i < standin_count; i++) {
        if (strcmp(standins[i].script, script) == 0)
            return standins[i].port;
    }
    if (standin_count == STANDINS_MAX)
        return 0;
    if (standin_count == 0)
        atexit(stop_all);
    s = &standins[standin_count++];
    s->script = script;
    s->pid = spawn(script, &fd);
    if (s->pid > 0) {
        s->port = read_port(fd);
        close(fd);
    }
    return s->port;
}

json_t *
standin_control(struct arena *a, int port, const char *path,
                const char *body_json)
{
    struct httpc_req req = {
        .method = body_json != NULL ? HTTPC_POST : HTTPC_GET,
        .headers = {"Content-Type: application/json"},
        .body = body_json,
        .body_len = body_json != NULL ? strlen(body_json) : 0,
        .timeout_ms = 5000,
    };
    struct httpc_resp resp;

    req.url = arena_printf(a, "http://127.0.0.1:%d%s", port, path);
    if (req.url == NULL || httpc_send(a, &req, &resp, NULL) != ERR_OK ||
        resp.status != 200)
        return NULL;
    return httpc_json(&resp);
}

void
standin_skip(const char *test)
{
    fprintf(stderr, "skip %s: node or the stand-in is not available\n", test);
}
