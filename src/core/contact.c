/*
 * contact.c - e-mail and phone validation and their stored normal form.
 *
 * Owns the rules for what Poise accepts as an e-mail address or a phone
 * number and the one form each is stored in (lower-case e-mail, E.164
 * phone), so every lookup compares like with like. Pure: no I/O, no
 * allocation; results go into the caller's buffer. Error messages never
 * repeat the value itself: it is personal data and error messages are
 * logged.
 */
#include "core/contact.h"

#include <stdbool.h>
#include <string.h>

#include "base/assert.h"
#include "base/str.h"

#define PHONE_DIGITS_MIN 7 /* the shortest national plans, e.g. +683 */
#define PHONE_DIGITS_MAX 15
#define NANP_DIGITS 10

static enum err
email_invalid(struct errinfo *ei, const char *message)
{
    return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "email", "%s",
                       message);
}

/*
 * Local parts are taken unquoted, so the characters RFC 5322 reserves
 * for quoting and for address lists cannot appear in one; they show up
 * only when an address was pasted with its display name or a separator.
 */
static bool
is_local_char(unsigned char c)
{
    return c > ' ' && c != 0x7f && strchr("\"(),:;<>[\\]", c) == NULL;
}

static bool
is_label_char(char c)
{
    return char_is_digit(c) || (c >= 'a' && c <= 'z') || c == '-';
}

static enum err
check_local(struct str local, struct errinfo *ei)
{
    if (local.len == 0)
        return email_invalid(ei, "e-mail address has nothing before the '@'");
    for (size_t i = 0; i < local.len; i++) {
        unsigned char c = (unsigned char)local.ptr[i];

        if (c <= ' ' || c == 0x7f)
            return email_invalid(ei, "e-mail address must not contain spaces");
        if (!is_local_char(c))
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "email",
                               "e-mail address must not contain '%c'", c);
    }
    return ERR_OK;
}

/* domain is lower-cased already: labels of [a-z0-9-] between dots. */
static enum err
check_domain(struct str domain, struct errinfo *ei)
{
    size_t label_start = 0;
    bool has_dot = false;

    for (size_t i = 0; i <= domain.len; i++) {
        char c = i < domain.len ? domain.ptr[i] : '.';

        if (c != '.') {
            if (char_is_space(c))
                return email_invalid(ei,
                                     "e-mail address must not contain spaces");
            if (!is_label_char(c))
                return email_invalid(ei, "e-mail domain may contain only "
                                         "letters, digits, '-' and dots");
            continue;
        }
        if (i == label_start)
            return email_invalid(ei, "e-mail domain has an empty part "
                                     "between dots");
        if (domain.ptr[label_start] == '-' || domain.ptr[i - 1] == '-')
            return email_invalid(ei, "e-mail domain parts must not start "
                                     "or end with '-'");
        has_dot = has_dot || i < domain.len;
        label_start = i + 1;
    }
    if (!has_dot)
        return email_invalid(ei, "e-mail domain needs a dot, as in "
                                 "name@example.com");
    return ERR_OK;
}

enum err
contact_email_normalize(const char *in, char *out, size_t cap,
                        struct errinfo *ei)
{
    struct str s;
    const char *at;
    size_t local_len;
    enum err rc;

    ASSERT(in != NULL);
    ASSERT(out != NULL && cap > 0);
    ASSERT(in != out);
    out[0] = '\0';
    s = str_trim(in);
    if (s.len == 0)
        return email_invalid(ei, "e-mail address must not be empty");
    if (s.len > EMAIL_MAX || s.len >= cap)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "email",
                           "e-mail address is longer than %zu bytes",
                           s.len > EMAIL_MAX ? (size_t)EMAIL_MAX : cap - 1);
    at = memchr(s.ptr, '@', s.len);
    if (at == NULL)
        return email_invalid(ei, "e-mail address needs an '@', as in "
                                 "name@example.com");
    local_len = (size_t)(at - s.ptr);
    if (memchr(at + 1, '@', s.len - local_len - 1) != NULL)
        return email_invalid(ei, "e-mail address has more than one '@'");
    if (local_len + 1 == s.len)
        return email_invalid(ei, "e-mail address has nothing after the '@'");
    for (size_t i = 0; i < s.len; i++)
        out[i] = char_lower(s.ptr[i]);
    out[s.len] = '\0';
    rc = check_local((struct str){out, local_len}, ei);
    if (rc == ERR_OK)
        rc = check_domain(
            (struct str){out + local_len + 1, s.len - local_len - 1}, ei);
    if (rc)
        out[0] = '\0';
    return rc;
}

static enum err
phone_invalid(struct errinfo *ei, const char *message)
{
    return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "phone", "%s",
                       message);
}

/*
 * Collect the digits of s into digits (PHONE_DIGITS_MAX + 1 bytes) and
 * note a leading '+'. Separators people type are skipped; anything else
 * (letters, an extension, a second '+') is refused.
 */
static enum err
phone_digits(struct str s, char *digits, size_t *n, bool *plus,
             struct errinfo *ei)
{
    *n = 0;
    *plus = s.len > 0 && s.ptr[0] == '+';
    for (size_t i = *plus ? 1 : 0; i < s.len; i++) {
        char c = s.ptr[i];

        if (char_is_space(c) || c == '.' || c == '-' || c == '(' || c == ')')
            continue;
        if (!char_is_digit(c))
            return phone_invalid(ei, "phone number may contain only digits, "
                                     "spaces, '+', '-', '.' and "
                                     "parentheses");
        if (*n == PHONE_DIGITS_MAX)
            return phone_invalid(ei, "phone number has more than 15 digits");
        digits[(*n)++] = c;
    }
    digits[*n] = '\0';
    return ERR_OK;
}

/* NANP: area code and exchange both start with 2-9. */
static bool
is_nanp(const char *national)
{
    return strlen(national) == NANP_DIGITS && national[0] >= '2' &&
           national[3] >= '2';
}

/* Write "+<cc...>" into out; the digits are already shape-checked. */
static enum err
phone_e164(const char *digits, size_t n, bool plus, char *out,
           struct errinfo *ei)
{
    const char *nanp = NULL;

    if (!plus && n == NANP_DIGITS)
        nanp = digits;
    else if (n == NANP_DIGITS + 1 && digits[0] == '1')
        nanp = digits + 1;
    else if (!plus)
        return phone_invalid(ei, "phone number must have 10 digits, or "
                                 "start with '+' and the country code");
    if (nanp != NULL && !is_nanp(nanp))
        return phone_invalid(ei, "US and Canadian area codes and "
                                 "exchanges cannot start with 0 or 1");
    if (nanp == NULL && digits[0] == '1')
        return phone_invalid(ei, "numbers with country code +1 have 10 "
                                 "digits after it");
    if (nanp == NULL && digits[0] == '0')
        return phone_invalid(ei, "country codes do not start with 0");
    out[0] = '+';
    if (nanp != NULL) {
        out[1] = '1';
        memcpy(out + 2, nanp, NANP_DIGITS + 1);
    } else {
        memcpy(out + 1, digits, n + 1);
    }
    return ERR_OK;
}

enum err
contact_phone_normalize(const char *in, char *out, size_t cap,
                        struct errinfo *ei)
{
    char digits[PHONE_DIGITS_MAX + 1];
    size_t n;
    bool plus;
    enum err rc;

    ASSERT(in != NULL);
    ASSERT(out != NULL && cap >= PHONE_E164_MAX + 1);
    ASSERT(in != out);
    out[0] = '\0';
    rc = phone_digits(str_trim(in), digits, &n, &plus, ei);
    if (rc)
        return rc;
    if (n == 0)
        return phone_invalid(ei, "phone number must not be empty");
    if (n < PHONE_DIGITS_MIN)
        return phone_invalid(ei, "phone number is too short");
    rc = phone_e164(digits, n, plus, out, ei);
    if (rc)
        out[0] = '\0';
    ASSERT(rc != ERR_OK || strlen(out) <= PHONE_E164_MAX);
    return rc;
}
