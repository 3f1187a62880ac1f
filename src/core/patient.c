/*
 * patient.c - patient field rules, search keys and search queries.
 *
 * Owns what a valid patient record is and how it is found again: the
 * lower-cased keys the store indexes and the key ranges a search text
 * turns into. Never touches the database, the clock or the heap. Keys and
 * ranges compare bytewise, and UTF-8 keeps code-point order bytewise, so
 * a prefix is always the half-open range [prefix, next(prefix)).
 * Messages never repeat a date of birth, e-mail or phone: they are
 * personal data and error messages are logged.
 */
#include "core/patient.h"

#include <string.h>

#include "base/assert.h"
#include "base/str.h"

#define DAY_MS INT64_C(86400000)
/* The easternmost time zone (Line Islands) is UTC+14. */
#define EARTH_AHEAD_MS (14 * INT64_C(3600000))
#define CODE_POINT_MAX 0x10FFFF

static bool
is_blank(const char *s)
{
    return str_trim(s).len == 0;
}

/*
 * Length of the UTF-8 sequence at s (n > 0 bytes available) and its code
 * point in *cp; 0 for an invalid, overlong or surrogate sequence.
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = 4;
    uint32_t min = 0x10000;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (s[0] < 0xF0 || s[0] > 0xF4) {
        return 0;
    }
    if (n < len)
        return 0;
    *cp = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > CODE_POINT_MAX || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/* Write code point cp as UTF-8 into out; returns its length (1..4). */
static size_t
utf8_encode(uint32_t cp, char *out)
{
    ASSERT(cp <= CODE_POINT_MAX);
    ASSERT(cp < 0xD800 || cp > 0xDFFF);
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool
is_utf8(struct str s)
{
    size_t i = 0;

    while (i < s.len) {
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)s.ptr + i, s.len - i,
                               &cp);

        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

static enum err
name_normalize(const char *in, const char *param, char *out, struct errinfo *ei)
{
    struct str s;

    if (in == NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_missing", param,
                           "%s is required", param);
    s = str_trim(in);
    if (s.len == 0)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", param,
                           "%s must not be empty", param);
    if (s.len > PATIENT_NAME_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", param,
                           "%s must be at most %d bytes", param,
                           PATIENT_NAME_MAX);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];

        if (c < ' ' || c == 0x7f)
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", param,
                               "%s must not contain control characters", param);
    }
    if (!is_utf8(s))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", param,
                           "%s must be UTF-8 text", param);
    memcpy(out, s.ptr, s.len);
    out[s.len] = '\0';
    return ERR_OK;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian) [H. Hinnant]. */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

bool
patient_date_is_valid(int64_t year, int64_t month, int64_t day)
{
    static const int8_t days[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    if (month < 1 || month > 12 || day < 1)
        return false;
    return day <= days[month - 1] + (month == 2 && leap ? 1 : 0);
}

/* The number of digits d[0..n) as an integer; d holds digits only. */
static int64_t
digits_value(const char *d, size_t n)
{
    int64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (d[i] - '0');
    return v;
}

static bool
is_date_shape(const char *s)
{
    static const char shape[] = "dddd-dd-dd";

    if (strlen(s) != sizeof(shape) - 1)
        return false;
    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        if (shape[i] == 'd' ? !char_is_digit(s[i]) : s[i] != shape[i])
            return false;
    }
    return true;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    ASSERT(b > 0);
    return a / b - (a % b < 0 ? 1 : 0);
}

enum err
patient_date_of_birth_check(const char *dob, int64_t now_ms, struct errinfo *ei)
{
    int64_t y;
    int64_t m;
    int64_t d;

    ASSERT(dob != NULL);
    if (!is_date_shape(dob))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "date_of_birth",
                           "date_of_birth must be written YYYY-MM-DD, as in "
                           "1985-04-23");
    y = digits_value(dob, 4);
    m = digits_value(dob + 5, 2);
    d = digits_value(dob + 8, 2);
    if (!patient_date_is_valid(y, m, d))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "date_of_birth",
                           "date_of_birth is not a calendar date");
    if (y < PATIENT_DOB_YEAR_MIN)
        return errinfo_set(
            ei, ERR_INVALID, "parameter_out_of_range", "date_of_birth",
            "date_of_birth must be in %d or later", PATIENT_DOB_YEAR_MIN);
    if (days_from_civil(y, m, d) > floor_div(now_ms + EARTH_AHEAD_MS, DAY_MS))
        return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range",
                           "date_of_birth",
                           "date_of_birth must not be in the future");
    return ERR_OK;
}

/* Blank optional text is the same as none. */
static const char *
blank_to_null(const char *s)
{
    return s != NULL && is_blank(s) ? NULL : s;
}

static enum err
optional_normalize(struct patient *p, int64_t now_ms, struct patient_text *t,
                   struct errinfo *ei)
{
    enum err rc = ERR_OK;

    p->email = blank_to_null(p->email);
    p->phone = blank_to_null(p->phone);
    p->date_of_birth = blank_to_null(p->date_of_birth);
    p->notes = blank_to_null(p->notes);
    if (p->email != NULL) {
        rc = contact_email_normalize(p->email, t->email, sizeof(t->email), ei);
        p->email = t->email;
    }
    if (rc == ERR_OK && p->phone != NULL) {
        rc = contact_phone_normalize(p->phone, t->phone, sizeof(t->phone), ei);
        p->phone = t->phone;
    }
    if (rc == ERR_OK && p->date_of_birth != NULL)
        rc = patient_date_of_birth_check(p->date_of_birth, now_ms, ei);
    if (rc == ERR_OK && p->notes != NULL &&
        strlen(p->notes) > PATIENT_NOTES_MAX)
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "notes",
                         "notes must be at most %d bytes", PATIENT_NOTES_MAX);
    if (rc == ERR_OK && p->notes != NULL && !is_utf8(str_c(p->notes)))
        rc = errinfo_set(ei, ERR_INVALID, "parameter_invalid", "notes",
                         "notes must be UTF-8 text");
    return rc;
}

enum err
patient_normalize(struct patient *p, int64_t now_ms, struct patient_text *t,
                  struct errinfo *ei)
{
    enum err rc;

    ASSERT(p != NULL);
    ASSERT(t != NULL);
    rc = name_normalize(p->first_name, "first_name", t->first_name, ei);
    if (rc)
        return rc;
    p->first_name = t->first_name;
    rc = name_normalize(p->last_name, "last_name", t->last_name, ei);
    if (rc)
        return rc;
    p->last_name = t->last_name;
    rc = optional_normalize(p, now_ms, t, ei);
    ASSERT(rc != ERR_OK || p->phone == NULL || p->phone[0] == '+');
    return rc;
}

/*
 * Lower-case s into out (cap bytes) with runs of spaces made one; returns
 * the length written.
 */
static size_t
key_of(struct str s, char *out, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < s.len; i++) {
        if (char_is_space(s.ptr[i]) && (n == 0 || out[n - 1] == ' '))
            continue;
        ASSERT(n + 1 < cap);
        out[n++] = char_is_space(s.ptr[i]) ? ' ' : char_lower(s.ptr[i]);
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n;
}

void
patient_keys_compute(const struct patient *p, struct patient_keys *k)
{
    size_t first_len;
    size_t last_len;

    ASSERT(p->first_name != NULL && p->last_name != NULL);
    first_len = key_of(str_c(p->first_name), k->first, sizeof(k->first));
    last_len = key_of(str_c(p->last_name), k->last, sizeof(k->last));
    memcpy(k->sort, k->last, last_len);
    k->sort[last_len] = PATIENT_SORT_SEPARATOR;
    memcpy(k->sort + last_len + 1, k->first, first_len + 1);
    k->phone[0] = '\0';
    if (p->phone != NULL) {
        const char *digits = p->phone + (p->phone[0] == '+' ? 1 : 0);

        /* NANP numbers are searched as they are dialled at home. */
        if (digits[0] == '1' && strlen(digits) == 11)
            digits++;
        ASSERT(strlen(digits) < sizeof(k->phone));
        memcpy(k->phone, digits, strlen(digits) + 1);
    }
    ASSERT(strlen(k->sort) == first_len + last_len + 1);
}

/*
 * Set p to the prefix s[0..n): hi is s with its last code point moved to
 * the next one (skipping surrogates; a trailing U+10FFFF, having no next,
 * is dropped and the one before it moved instead). False when every code
 * point is U+10FFFF. s must be valid UTF-8.
 */
static bool
prefix_set(struct patient_prefix *p, const char *s, size_t n)
{
    ASSERT(n > 0 && n < sizeof(p->lo));
    memcpy(p->lo, s, n);
    p->lo[n] = '\0';
    while (n > 0) {
        size_t start = n - 1;
        uint32_t cp = 0;
        size_t len;

        while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80)
            start--;
        len = utf8_decode((const unsigned char *)s + start, n - start, &cp);
        ASSERT(len == n - start);
        if (cp < CODE_POINT_MAX) {
            cp = cp + 1 == 0xD800 ? 0xE000 : cp + 1;
            memcpy(p->hi, s, start);
            p->hi[start + utf8_encode(cp, p->hi + start)] = '\0';
            return true;
        }
        n = start;
    }
    return false;
}

/* Digits, '+' first, and the separators people type in phone numbers. */
static bool
is_phone_query(const char *s)
{
    bool digit = false;

    for (size_t i = 0; s[i] != '\0'; i++) {
        if (char_is_digit(s[i]))
            digit = true;
        else if (!(s[i] == '+' && i == 0) && strchr(" -.()", s[i]) == NULL)
            return false;
    }
    return digit;
}

/*
 * The phone-key digits of a phone query. No stored key starts with 1
 * (NANP keys drop it and every other country code starts 2-9), so a
 * leading 1 is the NANP country code and is dropped too.
 */
static size_t
phone_query_digits(const char *s, char *out)
{
    ASSERT(s != out);
    size_t n = 0;

    for (size_t i = 0; s[i] != '\0'; i++) {
        if (char_is_digit(s[i]))
            out[n++] = s[i];
    }
    if (n > 1 && out[0] == '1') {
        memmove(out, out + 1, n - 1);
        n--;
    }
    out[n] = '\0';
    return n;
}

static bool
words_set(struct patient_query *q, const char *s, size_t n)
{
    const char *first = memchr(s, ' ', n);
    const char *last = strrchr(s, ' ');
    size_t head = (size_t)(first - s);
    size_t init = (size_t)(last - s);

    ASSERT(first != NULL && last != NULL);
    return prefix_set(&q->head, s, head) &&
           prefix_set(&q->tail, first + 1, n - head - 1) &&
           prefix_set(&q->init, s, init) &&
           prefix_set(&q->last, last + 1, n - init - 1);
}

enum err
patient_query_parse(const char *in, struct patient_query *q, struct errinfo *ei)
{
    char text[PATIENT_QUERY_MAX + 1];
    struct str s = in != NULL ? str_trim(in) : STR_NULL;
    size_t n;
    bool ok;

    memset(q, 0, sizeof(*q));
    q->kind = PATIENT_QUERY_NONE;
    if (s.len == 0)
        return ERR_OK;
    if (s.len > PATIENT_QUERY_MAX)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "query",
                           "query must be at most %d bytes", PATIENT_QUERY_MAX);
    if (!is_utf8(s))
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "query",
                           "query must be UTF-8 text");
    n = key_of(s, text, sizeof(text));
    if (memchr(text, '@', n) != NULL) {
        q->kind = PATIENT_QUERY_EMAIL;
        ok = prefix_set(&q->whole, text, n);
    } else if (is_phone_query(text)) {
        char digits[PATIENT_QUERY_MAX + 1];

        q->kind = PATIENT_QUERY_PHONE;
        n = phone_query_digits(text, digits);
        ok = prefix_set(&q->whole, digits, n);
    } else {
        q->kind = memchr(text, ' ', n) != NULL ? PATIENT_QUERY_WORDS
                                               : PATIENT_QUERY_WORD;
        ok = prefix_set(&q->whole, text, n);
        if (ok && q->kind == PATIENT_QUERY_WORDS)
            ok = words_set(q, text, n);
    }
    if (!ok)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", "query",
                           "query has no searchable characters");
    return ERR_OK;
}
