/*
 * standin.h - run a stand-in gateway (tests/standin/<name>.js) for tests.
 *
 * One node process per script per test run, started on first use and
 * ended (SIGTERM) when the test binary exits, so every test of a file
 * shares it: tests must not depend on objects other tests created.
 */
#ifndef POISE_TESTS_UNIT_GATEWAY_STANDIN_H
#define POISE_TESTS_UNIT_GATEWAY_STANDIN_H

#include <jansson.h>
#include <stdbool.h>

#include "base/arena.h"

/*
 * The port of the running stand-in for script ("tests/standin/x.js"),
 * started if needed; 0 when node is missing or the script did not
 * start (the caller skips its test and says why).
 */
int standin_port(const char *script);

/*
 * Call a control endpoint (POST with body_json, or GET when body_json is
 * NULL) and return the answer's JSON (caller json_decref()s), or NULL.
 */
json_t *standin_control(struct arena *a, int port, const char *path,
                        const char *body_json);

/* Print "skip <test>: <why>" once per test. */
void standin_skip(const char *test);

#endif
