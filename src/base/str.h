/*
 * str.h - borrowed byte strings and range-checked number parsing.
 *
 * struct str is a pointer and a length, not NUL-terminated, never owning.
 */
#ifndef POISE_BASE_STR_H
#define POISE_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct str {
    const char *ptr;
    size_t len;
};

#define STR(lit) ((struct str){(lit), sizeof(lit) - 1})
#define STR_NULL ((struct str){NULL, 0})

/* A str over a NUL-terminated C string (NULL gives STR_NULL); borrowed. */
struct str str_c(const char *s);

bool str_eq(struct str a, struct str b);
bool str_eq_c(struct str a, const char *b);
bool str_has_prefix(struct str s, struct str prefix);

/*
 * Parse all of s as a decimal integer in [min, max]; no sign other than a
 * leading '-', no spaces. ERR_INVALID otherwise.
 */
MUST_CHECK enum err str_to_i64(struct str s, int64_t min, int64_t max,
                               int64_t *out);

/* Consume a leading c from in. ERR_INVALID if absent. */
MUST_CHECK enum err p_char(struct str *in, char c);

/* Consume bytes up to (not including) stop or the end; out borrows in. */
void p_until(struct str *in, char stop, struct str *out);

/* ASCII classes, independent of the C locale. */
bool char_is_space(char c); /* space, tab, CR, LF */
bool char_is_digit(char c);
/* A-Z to a-z; every other byte unchanged. */
char char_lower(char c);

/* The bytes of NUL-terminated s between surrounding white space; borrowed. */
struct str str_trim(const char *s);

/*
 * The last 4 characters of digits, which must be at least 4 ASCII digits,
 * into out (5 bytes, NUL-terminated): what may be shown of a card or bank
 * account number.
 */
void str_last4_digits(struct str digits, char *out);

/* Constant-time comparison of equal-length secrets. */
bool str_eq_secret(struct str a, struct str b);

#endif
