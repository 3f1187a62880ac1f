/*
 * user.h - a staff member of an account.
 */
#ifndef POISE_CORE_USER_H
#define POISE_CORE_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/role.h"

#define USER_NAME_MAX 200
#define PASSWORD_MIN 10
#define PASSWORD_MAX 200

struct user {
    const char *id;
    const char *email; /* normalised */
    const char *name;
    enum role role;
    bool disabled;
    bool has_password;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

#endif
