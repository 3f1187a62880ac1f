/*
 * role.h - staff roles, ordered by what they may do.
 *
 * Routes name a minimum role; a caller may act when its role is at least
 * that. The head admin (exactly one per account) outranks everyone.
 */
#ifndef POISE_CORE_ROLE_H
#define POISE_CORE_ROLE_H

#include <stdbool.h>

#include "base/err.h"
#include "base/str.h"

enum role {
    ROLE_NONE = 0, /* public routes */
    ROLE_FRONT_DESK = 1,
    ROLE_PROVIDER = 2,
    ROLE_ADMIN = 3,
    ROLE_HEAD_ADMIN = 4,
};

/* "front_desk" ... "head_admin"; asserts on ROLE_NONE. */
const char *role_name(enum role r);

/* Parse a role name. ERR_INVALID for anything else (including "none"). */
MUST_CHECK enum err role_parse(struct str s, enum role *out);

/* True when have may do what need requires. */
bool role_at_least(enum role have, enum role need);

/*
 * True when actor may grant role to another user: only the head admin
 * grants admin; admins grant provider and front desk; nobody grants
 * head admin (that is a transfer).
 */
bool role_can_grant(enum role actor, enum role granted);

#endif
