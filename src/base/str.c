/*
 * str.c - borrowed strings and strict number parsing.
 */
#include "base/str.h"

#include <string.h>

#include "base/assert.h"

struct str
str_c(const char *s)
{
    if (s == NULL)
        return STR_NULL;
    return (struct str){s, strlen(s)};
}

bool
str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool
str_eq_c(struct str a, const char *b)
{
    return str_eq(a, str_c(b));
}

bool
str_has_prefix(struct str s, struct str prefix)
{
    return s.len >= prefix.len &&
           (prefix.len == 0 || memcmp(s.ptr, prefix.ptr, prefix.len) == 0);
}

enum err
str_to_i64(struct str s, int64_t min, int64_t max, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    int64_t v = 0;

    if (s.len == 0)
        return ERR_INVALID;
    if (s.ptr[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == s.len)
        return ERR_INVALID;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        int64_t d;

        if (c < '0' || c > '9')
            return ERR_INVALID;
        d = c - '0';
        if (__builtin_mul_overflow(v, 10, &v))
            return ERR_INVALID;
        if (__builtin_add_overflow(v, neg ? -d : d, &v))
            return ERR_INVALID;
    }
    if (v < min || v > max)
        return ERR_INVALID;
    *out = v;
    return ERR_OK;
}

enum err
p_char(struct str *in, char c)
{
    if (in->len == 0 || in->ptr[0] != c)
        return ERR_INVALID;
    in->ptr++;
    in->len--;
    return ERR_OK;
}

void
p_until(struct str *in, char stop, struct str *out)
{
    size_t i = 0;

    while (i < in->len && in->ptr[i] != stop)
        i++;
    out->ptr = in->ptr;
    out->len = i;
    in->ptr += i;
    in->len -= i;
}

bool
str_eq_secret(struct str a, struct str b)
{
    unsigned char diff = 0;

    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        diff |= (unsigned char)(a.ptr[i] ^ b.ptr[i]);
    return diff == 0;
}

bool
char_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool
char_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

char
char_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

struct str
str_trim(const char *s)
{
    size_t n = strlen(s);

    while (n > 0 && char_is_space(s[0])) {
        s++;
        n--;
    }
    while (n > 0 && char_is_space(s[n - 1]))
        n--;
    return (struct str){s, n};
}

void
str_last4_digits(struct str digits, char *out)
{
    ASSERT(out != NULL);
    ASSERT(digits.ptr != NULL);
    ASSERT(digits.len >= 4);
    for (size_t i = 0; i < 4; i++) {
        char c = digits.ptr[digits.len - 4 + i];

        ASSERT(char_is_digit(c));
        out[i] = c;
    }
    out[4] = '\0';
}
