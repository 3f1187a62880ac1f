/*
 * patient.h - a client of the practice and the rules its fields obey:
 * normal forms, date-of-birth checks, search keys and search queries.
 * Pure: no I/O, no clock (now_ms is an argument), no allocation (the
 * caller provides every buffer).
 */
#ifndef POISE_CORE_PATIENT_H
#define POISE_CORE_PATIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "core/contact.h"

#define PATIENT_NAME_MAX 100   /* bytes, after trimming */
#define PATIENT_NOTES_MAX 4000 /* bytes */
#define PATIENT_QUERY_MAX 100  /* bytes, after trimming */
#define PATIENT_DOB_YEAR_MIN 1900

/* Every text field is NUL-terminated; NULL means absent. */
struct patient {
    const char *id;
    const char *first_name;
    const char *last_name;
    const char *email;         /* lower-case, see contact_email_normalize */
    const char *phone;         /* E.164, see contact_phone_normalize */
    const char *date_of_birth; /* "YYYY-MM-DD" */
    const char *notes;
    bool archived;
    int64_t created_at_ms;
    int64_t updated_at_ms;
};

/* Room for the values patient_normalize rewrites. */
struct patient_text {
    char first_name[PATIENT_NAME_MAX + 1];
    char last_name[PATIENT_NAME_MAX + 1];
    char email[EMAIL_MAX + 1];
    char phone[PHONE_E164_MAX + 1];
};

/*
 * Normalise and check every field of p in place: names trimmed of
 * surrounding white space, 1..PATIENT_NAME_MAX bytes, no control
 * characters; e-mail and phone through contact_*_normalize; a date of
 * birth that is a real calendar date from PATIENT_DOB_YEAR_MIN on and not
 * after today (see patient_date_of_birth_check); notes at most
 * PATIENT_NOTES_MAX bytes. An e-mail, phone, date of birth or notes that
 * is empty or only white space becomes NULL. Rewritten values point into
 * t, which must outlive p. ERR_INVALID naming the field otherwise.
 */
MUST_CHECK enum err patient_normalize(struct patient *p, int64_t now_ms,
                                      struct patient_text *t,
                                      struct errinfo *ei);

/*
 * Check that dob is "YYYY-MM-DD", a real calendar date, year at least
 * PATIENT_DOB_YEAR_MIN, and not after the date it is anywhere on Earth
 * at now_ms (UTC+14), so a birth date entered at a front desk east of
 * UTC is never "in the future". ERR_INVALID (param "date_of_birth").
 */
MUST_CHECK enum err patient_date_of_birth_check(const char *dob, int64_t now_ms,
                                                struct errinfo *ei);

/* True for a real proleptic Gregorian date (month 1..12, day in month). */
bool patient_date_is_valid(int64_t year, int64_t month, int64_t day);

/*
 * Search keys: first and last name lower-cased (ASCII letters only;
 * other bytes kept), runs of white space made one space; sort is
 * "last first"; phone the digits of the national number for +1 (NANP)
 * numbers and all digits of the E.164 number otherwise, "" without one.
 */
/* Below every byte a name may hold (names refuse control characters). */
#define PATIENT_SORT_SEPARATOR '\x01'

struct patient_keys {
    char first[PATIENT_NAME_MAX + 1];
    char last[PATIENT_NAME_MAX + 1];
    char sort[2 * PATIENT_NAME_MAX + 2];
    char phone[PHONE_E164_MAX + 1];
};

/* Fill k from a normalised p (names present). */
void patient_keys_compute(const struct patient *p, struct patient_keys *k);

/*
 * A prefix as a half-open range of keys, lo <= key < hi, so a B-tree
 * index answers it on every engine. hi is lo with its last character
 * moved to the next code point (UTF-8 keeps code-point order bytewise).
 */
struct patient_prefix {
    char lo[PATIENT_QUERY_MAX + 1];
    char hi[PATIENT_QUERY_MAX + 5];
};

enum patient_query_kind {
    PATIENT_QUERY_NONE,  /* empty: the plain list */
    PATIENT_QUERY_WORD,  /* one word: first name, last name or e-mail */
    PATIENT_QUERY_WORDS, /* several words: names, "first last" or reverse */
    PATIENT_QUERY_EMAIL, /* has an '@': e-mail */
    PATIENT_QUERY_PHONE, /* digits and phone punctuation: phone key */
};

/*
 * A parsed search. whole is the query itself (lower-cased, spaces
 * collapsed; for PHONE the phone-key digits). For WORDS, head/tail split
 * it at its first space and init/last at its last space.
 */
struct patient_query {
    enum patient_query_kind kind;
    struct patient_prefix whole;
    struct patient_prefix head;
    struct patient_prefix tail;
    struct patient_prefix init;
    struct patient_prefix last;
};

/*
 * Parse the search text in (may be NULL: no search) into q. ERR_INVALID
 * (param "query") when it is longer than PATIENT_QUERY_MAX bytes after
 * trimming or is not UTF-8 text.
 */
MUST_CHECK enum err patient_query_parse(const char *in, struct patient_query *q,
                                        struct errinfo *ei);

#endif
