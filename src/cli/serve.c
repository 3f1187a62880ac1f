/*
 * serve.c - `poise serve`: open and migrate the store, optionally load
 * the demo practice, serve with the jobs scheduler thread until
 * SIGINT/SIGTERM, then stop gracefully: stop accepting, finish in-flight
 * requests, let the running job finish, close the store.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/message.h"
#include "app/pos.h"
#include "app/sandbox.h"
#include "base/log.h"
#include "base/str.h"
#include "base/time.h"
#include "cli/cli.h"
#include "cli/demo.h"
#include "http/server.h"
#include "http/static.h"
#include "jobs/scheduler.h"

#define SERVE_ARENA_BYTES (8u * 1024 * 1024)

static const char serve_usage[] =
    "usage: poise serve [--db URL] [--listen HOST:PORT] [--threads N]\n"
    "                   [--demo] [--test-helpers] [--quiet] [--no-jobs]\n"
    "                   [--jobs-interval MS]\n\n"
    "  --db URL          SQLite path (var/poise.db, sqlite:PATH) or\n"
    "                    postgres://...; default $POISE_DB, else "
    "var/poise.db\n"
    "  --listen H:P      default $POISE_LISTEN, else 127.0.0.1:8080\n"
    "  --threads N       worker threads (default 4)\n"
    "  --web DIR         the built web app to serve at / (default\n"
    "                    $POISE_WEB, else build/web; `make web` builds it)\n"
    "  --demo            load the demo practice if the database has none,\n"
    "                    print its sign-in and a fresh demo API key\n"
    "  --test-helpers    enable /v1/test_helpers (per-account test clock);\n"
    "                    also POISE_TEST_HELPERS=1. Never in production.\n"
    "  --quiet           no per-request log lines\n"
    "  --secure-cookies  mark the session cookie Secure: clients reach\n"
    "                    Poise over HTTPS through a TLS-terminating proxy\n"
    "                    (also POISE_SECURE_COOKIES=1)\n"
    "  --no-jobs         do not run background jobs in this process (also\n"
    "                    POISE_JOBS=0); run `poise jobs run-once` instead\n"
    "  --jobs-interval MS  pause between job runs (default\n"
    "                    $POISE_JOBS_INTERVAL_MS, else 1000)\n";

static int
parse_listen(const char *listen, char *host, size_t cap, int *port)
{
    const char *colon = strrchr(listen, ':');
    int64_t p;

    if (colon == NULL || (size_t)(colon - listen) >= cap ||
        str_to_i64(str_c(colon + 1), 0, 65535, &p) != ERR_OK) {
        fprintf(stderr, "poise: --listen must be HOST:PORT, not '%s'\n",
                listen);
        return 2;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    *port = (int)p;
    return 0;
}

static int
wait_for_signal(void)
{
    sigset_t set;
    int sig = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigwait(&set, &sig);
    return sig;
}

/* Load the web app; without one the server still serves the API. */
static void
load_web(const char *dir)
{
    struct errinfo ei;

    errinfo_clear(&ei);
    if (static_load(dir, &ei) != ERR_OK)
        log_warn("web app not served: %s (run `make web`)", ei.message);
}

/* The sandbox processor, posting its webhooks back to this server. */
static int
open_sandbox(const char *db, const char *host, int port)
{
    char url[256];
    struct errinfo ei;

    errinfo_clear(&ei);
    snprintf(url, sizeof(url), "http://%s:%d/v1/webhooks/sandbox",
             strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, port);
    if (app_sandbox_open(db, url, &ei) != ERR_OK) {
        fprintf(stderr, "poise: sandbox gateway: %s\n", ei.message);
        return 1;
    }
    return 0;
}

/* Start the jobs thread unless cfg is NULL (disabled). */
static int
start_jobs(struct jobs_scheduler *sched, const struct jobs_config *cfg)
{
    struct errinfo ei;

    errinfo_clear(&ei);
    if (cfg == NULL)
        return 0;
    if (jobs_scheduler_start(sched, cfg, &ei) != ERR_OK) {
        fprintf(stderr, "poise: %s\n", ei.message);
        return 1;
    }
    return 0;
}

/* The jobs of one account at its clock, for the sandbox's test clock. */
static enum err
run_account_jobs(const char *account_id, int64_t now_ms, struct errinfo *ei)
{
    struct jobs_stats st;

    return jobs_run_due(account_id, now_ms, JOBS_TICK_MAX_DEFAULT, &st, ei);
}

static int
run(const char *db, const char *host, int port, int threads, bool demo,
    bool secure, const struct jobs_config *jobs)
{
    int64_t t0 = time_mono_ns();
    struct server_config cfg = {
        .host = host,
        .port = port,
        .threads = threads,
        .arena_cap_bytes = SERVE_ARENA_BYTES,
        .connection_limit = 3000,
        .secure_cookies = secure,
    };
    struct store *s;
    struct server *srv;
    struct jobs_scheduler sched = {0};
    struct errinfo ei;
    int status;

    app_gateways_configure();
    errinfo_clear(&ei);
    if (app_messages_configure(&ei) != ERR_OK) {
        fprintf(stderr, "poise: %s\n", ei.message);
        return 1;
    }
    /* One connection more for the jobs thread. */
    if (cli_open_store(db, threads + 3, &s) != 0)
        return 1;
    if (demo && cli_demo_ensure(true) != 0) {
        store_close(s);
        return 1;
    }
    errinfo_clear(&ei);
    if (server_start(&cfg, &srv, &ei) != ERR_OK) {
        fprintf(stderr, "poise: %s\n", ei.message);
        store_close(s);
        static_unload();
        return 1;
    }
    app_set_jobs_runner(run_account_jobs);
    status = open_sandbox(db, host, server_port(srv));
    if (status == 0)
        status = start_jobs(&sched, jobs);
    if (status == 0) {
        printf("poise: serving http://%s:%d/ (%s %s, started in %lld ms)\n",
               host, server_port(srv), store_engine_name(s), db,
               (long long)((time_mono_ns() - t0) / 1000000));
        fflush(stdout);
        log_warn("received signal %d: stopping", wait_for_signal());
    }
    /* Jobs first: the sandbox's webhooks still reach a live server. */
    jobs_scheduler_stop(&sched);
    server_stop(srv, 10000);
    app_sandbox_close();
    store_close(s);
    static_unload();
    return status;
}

/* cfg from --no-jobs, POISE_JOBS and the interval; *on false: disabled. */
static int
jobs_options(bool no_jobs, const char *interval, struct jobs_config *cfg,
             bool *on)
{
    const char *env = getenv("POISE_JOBS");

    jobs_config_init(cfg);
    *on = !no_jobs && !(env != NULL && strcmp(env, "0") == 0);
    if (interval == NULL || interval[0] == '\0')
        return 0;
    if (str_to_i64(str_c(interval), 10, 3600000, &cfg->interval_ms) != ERR_OK) {
        fprintf(stderr, "poise: --jobs-interval must be 10..3600000 ms\n");
        return 2;
    }
    return 0;
}

int
cli_serve(int argc, char **argv)
{
    const char *db = cli_default_db();
    const char *listen = getenv("POISE_LISTEN");
    const char *threads_s = "4";
    const char *web = getenv("POISE_WEB");
    const char *th = getenv("POISE_TEST_HELPERS");
    const char *sc = getenv("POISE_SECURE_COOKIES");
    const char *jobs_interval = getenv("POISE_JOBS_INTERVAL_MS");
    bool demo = false, test_helpers = false, quiet = false, help;
    bool no_jobs = false, jobs_on;
    struct jobs_config jobs;
    bool secure = sc != NULL && sc[0] == '1';
    const struct opt opts[] = {
        {"--db", true, &db, NULL},
        {"--listen", true, &listen, NULL},
        {"--threads", true, &threads_s, NULL},
        {"--demo", false, NULL, &demo},
        {"--test-helpers", false, NULL, &test_helpers},
        {"--quiet", false, NULL, &quiet},
        {"--secure-cookies", false, NULL, &secure},
        {"--web", true, &web, NULL},
        {"--no-jobs", false, NULL, &no_jobs},
        {"--jobs-interval", true, &jobs_interval, NULL},
    };
    char host[64];
    int port;
    int64_t threads;
    sigset_t set;
    int rc = cli_parse(argc, argv, opts, 10, serve_usage, &help);

    if (rc)
        return help ? 0 : rc;
    rc = parse_listen(listen != NULL ? listen : "127.0.0.1:8080", host,
                      sizeof(host), &port);
    if (rc)
        return rc;
    if (str_to_i64(str_c(threads_s), 1, 64, &threads) != ERR_OK) {
        fprintf(stderr, "poise: --threads must be 1..64\n");
        return 2;
    }
    rc = jobs_options(no_jobs, jobs_interval, &jobs, &jobs_on);
    if (rc)
        return rc;
    app_test_helpers_enable(test_helpers || (th != NULL && th[0] == '1'));
    log_set_quiet(quiet);
    /* Block the stop signals in every thread; main waits for them. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    load_web(web != NULL && web[0] != '\0' ? web : "build/web");
    return run(db, host, port, (int)threads, demo, secure,
               jobs_on ? &jobs : NULL);
}
