/*
 * account.h - accounts (practices) and their head admin.
 */
#ifndef POISE_APP_ACCOUNT_H
#define POISE_APP_ACCOUNT_H

#include "app/app.h"
#include "app/auth.h"
#include "core/user.h"
#include "store/users.h"

struct account_new {
    const char *name;
    const char *email;
    const char *password;   /* NULL: head admin signs in after a reset */
    const char *currency;   /* NULL: USD */
    const char *admin_name; /* NULL: "Head admin" */
};

struct account_created {
    struct account account;
    struct user head_admin;
    struct api_key key; /* secret shown once */
};

/*
 * Create an account with its head admin and a head-admin API key. ctx has
 * no account yet; on success ctx acts as the new head admin. ERR_INVALID
 * for a bad name, e-mail, password or currency; ERR_CONFLICT when the
 * e-mail is taken.
 */
MUST_CHECK enum err app_account_create(struct app_ctx *ctx,
                                       const struct account_new *in,
                                       struct account_created *out,
                                       struct errinfo *ei);

MUST_CHECK enum err app_account_get(struct app_ctx *ctx, struct account *out,
                                    struct errinfo *ei);

/* Change name and/or currency (NULL: unchanged). Head admin only. */
MUST_CHECK enum err app_account_update(struct app_ctx *ctx, const char *name,
                                       const char *currency,
                                       struct account *out, struct errinfo *ei);

/*
 * Make user_id the head admin; the current head admin becomes an admin.
 * Only the head admin may; the new one must be an enabled user of the
 * account with a password.
 */
MUST_CHECK enum err app_account_transfer(struct app_ctx *ctx,
                                         const char *user_id,
                                         struct account *out,
                                         struct errinfo *ei);

/* Check a new password's length; ERR_INVALID with param "password". */
MUST_CHECK enum err app_password_check(const char *password,
                                       struct errinfo *ei);

/* The caller's user and account. */
MUST_CHECK enum err app_me(struct app_ctx *ctx, struct user *user,
                           struct account *account, struct errinfo *ei);

#endif
