/*
 * demo.h - loading the demo practice from the CLI.
 */
#ifndef POISE_CLI_DEMO_H
#define POISE_CLI_DEMO_H

#include <stdbool.h>

/*
 * Load the demo practice unless its head admin already exists; with
 * print, write the URL-independent sign-in details and a fresh demo API
 * key to stdout. The app's store must be set. Returns 0 on success.
 */
int cli_demo_ensure(bool print);

#endif
