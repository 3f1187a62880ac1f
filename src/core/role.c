/*
 * role.c - role names and the ordering rules.
 */
#include "core/role.h"

#include "base/assert.h"

static const char *const role_names[] = {
    [ROLE_NONE] = "none",
    [ROLE_FRONT_DESK] = "front_desk",
    [ROLE_PROVIDER] = "provider",
    [ROLE_ADMIN] = "admin",
    [ROLE_HEAD_ADMIN] = "head_admin",
};

const char *
role_name(enum role r)
{
    ASSERT(r > ROLE_NONE && r <= ROLE_HEAD_ADMIN);
    return role_names[r];
}

enum err
role_parse(struct str s, enum role *out)
{
    for (int r = ROLE_FRONT_DESK; r <= ROLE_HEAD_ADMIN; r++) {
        if (str_eq_c(s, role_names[r])) {
            *out = (enum role)r;
            return ERR_OK;
        }
    }
    return ERR_INVALID;
}

bool
role_at_least(enum role have, enum role need)
{
    return have >= need;
}

bool
role_can_grant(enum role actor, enum role granted)
{
    switch (granted) {
    case ROLE_HEAD_ADMIN:
        return false;
    case ROLE_ADMIN:
        return actor == ROLE_HEAD_ADMIN;
    case ROLE_PROVIDER:
    case ROLE_FRONT_DESK:
        return actor >= ROLE_ADMIN;
    case ROLE_NONE:
        return false;
    default:
        ASSERT(!"unreachable");
    }
}
