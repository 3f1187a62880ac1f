/*
 * user.h - staff users of an account: invite, read, update, list.
 *
 * Who may change whom: an admin manages providers and front desk; only
 * the head admin grants or removes the admin role and changes other
 * admins; the head admin's role and enabled state change only through a
 * transfer (app_account_transfer). Disabling a user or changing their
 * role or password ends their sessions in the same transaction. Password
 * hashes never leave the store. The strings of a user filled here are
 * arena-owned (ctx->a) or borrowed from the input.
 */
#ifndef POISE_APP_USER_H
#define POISE_APP_USER_H

#include "app/app.h"
#include "core/user.h"

/* A user to create; strings are borrowed. */
struct user_new {
    const char *email;    /* normalised here */
    const char *name;     /* 1..USER_NAME_MAX bytes, not blank */
    const char *role;     /* "admin", "provider" or "front_desk" */
    const char *password; /* NULL: exists but cannot sign in yet */
};

/* The mutable fields, in the order of the API's members. */
enum user_field {
    USER_F_NAME,
    USER_F_ROLE,
    USER_F_DISABLED,
    USER_F_PASSWORD,
    USER_F__COUNT
};

/* Values and which of them were given; strings are borrowed. */
struct user_patch {
    const char *name;
    const char *role; /* a role name, parsed here */
    bool disabled;
    const char *password;
    bool set[USER_F__COUNT];
};

/*
 * Create a user of ctx's account. ERR_INVALID (param "email", "name",
 * "role" or "password") for bad input, including role "head_admin";
 * ERR_FORBIDDEN when ctx's role may not grant the role (only the head
 * admin grants admin); ERR_CONFLICT (code "email_taken") when the e-mail
 * belongs to any user of any account.
 *
 * NEEDSWORK: without a password, send an invitation e-mail with a
 * set-password link once e-mail delivery exists.
 */
MUST_CHECK enum err app_user_create(struct app_ctx *ctx,
                                    const struct user_new *in, struct user *out,
                                    struct errinfo *ei);

/* The user id of ctx's account. ERR_NOT_FOUND (param "id") otherwise. */
MUST_CHECK enum err app_user_get(struct app_ctx *ctx, const char *id,
                                 struct user *out, struct errinfo *ei);

/*
 * Apply the given fields to user id. ERR_NOT_FOUND when absent;
 * ERR_INVALID for bad values; ERR_FORBIDDEN when ctx's role may not
 * change this user or grant or remove this role; ERR_RULE when changing
 * the head admin's role, disabling the head admin, or disabling oneself.
 * Giving only unchanged values writes nothing.
 */
MUST_CHECK enum err app_user_update(struct app_ctx *ctx, const char *id,
                                    const struct user_patch *in,
                                    struct user *out, struct errinfo *ei);

/* The account's users, oldest first (by id). */
MUST_CHECK enum err app_user_list(struct app_ctx *ctx, const struct page *page,
                                  struct user **out, size_t *count,
                                  bool *has_more, struct errinfo *ei);

#endif
