/*
 * patient_test.c - tests for core/patient: field normalisation, dates of
 * birth, search keys and the key ranges a search text becomes.
 */
#include "core/patient.h"

#include <string.h>

#include "harness.h"

/* 2026-03-10T12:00:00Z and 2026-03-10T05:00:00Z. */
#define NOON_MS INT64_C(1773144000000)
#define EARLY_MS INT64_C(1773118800000)

#define CHECK_STR(got, want) CHECK((got) != NULL && strcmp(got, want) == 0)

static struct patient
maya(void)
{
    return (struct patient){.first_name = "Maya", .last_name = "Chen"};
}

/* dob checked at NOON_MS; refused with param "date_of_birth"? */
static bool
dob_refused(const char *dob, int64_t now_ms, const char *what)
{
    struct errinfo ei;

    errinfo_clear(&ei);
    return patient_date_of_birth_check(dob, now_ms, &ei) == ERR_INVALID &&
           strcmp(ei.param, "date_of_birth") == 0 &&
           strstr(ei.message, what) != NULL;
}

static bool
dob_ok(const char *dob, int64_t now_ms)
{
    return patient_date_of_birth_check(dob, now_ms, NULL) == ERR_OK;
}

/* p normalised at NOON_MS is refused with param and a message with what. */
static bool
refused(struct patient p, const char *param, const char *what)
{
    struct patient_text t;
    struct errinfo ei;

    errinfo_clear(&ei);
    return patient_normalize(&p, NOON_MS, &t, &ei) == ERR_INVALID &&
           strcmp(ei.param, param) == 0 && strstr(ei.message, what) != NULL;
}

TEST(patient_normalize_trims_and_normalises)
{
    struct patient p = {.first_name = "  Maya ",
                        .last_name = "\tChen\n",
                        .email = " Maya.Chen@Example.com ",
                        .phone = "(512) 555-0134",
                        .date_of_birth = "1985-04-23",
                        .notes = "Prefers afternoons.\n"};
    struct patient_text t;
    struct errinfo ei;

    errinfo_clear(&ei);
    CHECK_RC(patient_normalize(&p, NOON_MS, &t, &ei), ERR_OK);
    CHECK(ei.message[0] == '\0');
    CHECK_STR(p.first_name, "Maya");
    CHECK_STR(p.last_name, "Chen");
    CHECK_STR(p.email, "maya.chen@example.com");
    CHECK_STR(p.phone, "+15125550134");
    CHECK_STR(p.date_of_birth, "1985-04-23");
    /* Notes are kept as written. */
    CHECK_STR(p.notes, "Prefers afternoons.\n");
}

TEST(patient_normalize_blank_optional_is_null)
{
    struct patient p = maya();
    struct patient_text t;

    p.email = "  ";
    p.phone = "";
    p.date_of_birth = " ";
    p.notes = "\n\n";
    CHECK_RC(patient_normalize(&p, NOON_MS, &t, NULL), ERR_OK);
    CHECK(p.email == NULL);
    CHECK(p.phone == NULL);
    CHECK(p.date_of_birth == NULL);
    CHECK(p.notes == NULL);
    p = maya();
    CHECK_RC(patient_normalize(&p, NOON_MS, &t, NULL), ERR_OK);
    CHECK(p.email == NULL && p.phone == NULL);
}

TEST(patient_normalize_names)
{
    char name[PATIENT_NAME_MAX + 4];
    struct patient p = maya();

    CHECK(refused((struct patient){.last_name = "Chen"}, "first_name",
                  "required"));
    p.last_name = "   ";
    CHECK(refused(p, "last_name", "empty"));
    p.last_name = "Ch\ten";
    CHECK(refused(p, "last_name", "control"));
    p.last_name = "Ch\xc3";
    CHECK(refused(p, "last_name", "UTF-8"));
    /* PATIENT_NAME_MAX bytes after trimming is accepted, one more not. */
    memset(name, 'a', sizeof(name) - 1);
    name[0] = ' ';
    name[PATIENT_NAME_MAX + 1] = ' ';
    name[PATIENT_NAME_MAX + 2] = '\0';
    p = maya();
    p.first_name = name;
    {
        struct patient_text t;

        CHECK_RC(patient_normalize(&p, NOON_MS, &t, NULL), ERR_OK);
        CHECK_I64((int64_t)strlen(p.first_name), PATIENT_NAME_MAX);
    }
    name[PATIENT_NAME_MAX + 1] = 'a';
    p.first_name = name;
    CHECK(refused(p, "first_name", "at most 100"));
}

TEST(patient_normalize_contact_fields)
{
    struct patient p = maya();

    p.email = "maya.example.com";
    CHECK(refused(p, "email", "'@'"));
    p = maya();
    p.phone = "555-CALL";
    CHECK(refused(p, "phone", "only digits"));
    p = maya();
    p.date_of_birth = "2030-01-01";
    CHECK(refused(p, "date_of_birth", "future"));
}

TEST(patient_normalize_notes)
{
    char notes[PATIENT_NOTES_MAX + 2];
    struct patient p = maya();
    struct patient_text t;

    memset(notes, 'n', PATIENT_NOTES_MAX);
    notes[PATIENT_NOTES_MAX] = '\0';
    p.notes = notes;
    CHECK_RC(patient_normalize(&p, NOON_MS, &t, NULL), ERR_OK);
    notes[PATIENT_NOTES_MAX] = 'n';
    notes[PATIENT_NOTES_MAX + 1] = '\0';
    p.notes = notes;
    CHECK(refused(p, "notes", "at most 4000"));
}

TEST(patient_date_calendar)
{
    CHECK(patient_date_is_valid(1985, 4, 30));
    CHECK(!patient_date_is_valid(1985, 4, 31));
    CHECK(patient_date_is_valid(1985, 12, 31));
    CHECK(!patient_date_is_valid(1985, 13, 1));
    CHECK(!patient_date_is_valid(1985, 0, 1));
    CHECK(!patient_date_is_valid(1985, 1, 0));
    /* Leap years: every 4th, not every 100th, but every 400th. */
    CHECK(patient_date_is_valid(2024, 2, 29));
    CHECK(!patient_date_is_valid(2023, 2, 29));
    CHECK(!patient_date_is_valid(1900, 2, 29));
    CHECK(patient_date_is_valid(2000, 2, 29));
    CHECK(!patient_date_is_valid(2024, 2, 30));
}

TEST(patient_dob_feb_29)
{
    CHECK(dob_ok("2024-02-29", NOON_MS));
    CHECK(dob_ok("2000-02-29", NOON_MS));
    CHECK(dob_ok("1904-02-29", NOON_MS));
    CHECK(dob_refused("2023-02-29", NOON_MS, "calendar"));
    CHECK(dob_refused("1900-02-29", NOON_MS, "calendar"));
    CHECK(dob_refused("2100-02-29", NOON_MS, "calendar"));
}

TEST(patient_dob_shape_and_range)
{
    CHECK(dob_ok("1985-04-23", NOON_MS));
    CHECK(dob_ok("1900-01-01", NOON_MS));
    CHECK(dob_refused("1899-12-31", NOON_MS, "1900 or later"));
    CHECK(dob_refused("1985-4-23", NOON_MS, "YYYY-MM-DD"));
    CHECK(dob_refused("04/23/1985", NOON_MS, "YYYY-MM-DD"));
    CHECK(dob_refused("1985-04-23T00:00", NOON_MS, "YYYY-MM-DD"));
    CHECK(dob_refused("+985-04-23", NOON_MS, "YYYY-MM-DD"));
    CHECK(dob_refused("", NOON_MS, "YYYY-MM-DD"));
    CHECK(dob_refused("1985-04-31", NOON_MS, "calendar"));
    CHECK(dob_refused("1985-00-10", NOON_MS, "calendar"));
    CHECK(dob_refused("1985-04-00", NOON_MS, "calendar"));
}

TEST(patient_dob_future)
{
    /* Today (UTC) is fine; so is tomorrow where it is already tomorrow. */
    CHECK(dob_ok("2026-03-10", NOON_MS));
    CHECK(dob_ok("2026-03-11", NOON_MS));
    CHECK(dob_refused("2026-03-12", NOON_MS, "future"));
    CHECK(dob_refused("2027-01-01", NOON_MS, "future"));
    /* At 05:00 UTC it is not yet the 11th anywhere. */
    CHECK(dob_ok("2026-03-10", EARLY_MS));
    CHECK(dob_refused("2026-03-11", EARLY_MS, "future"));
}

TEST(patient_keys_names)
{
    struct patient p = maya();
    struct patient_keys k;

    patient_keys_compute(&p, &k);
    CHECK_STR(k.first, "maya");
    CHECK_STR(k.last, "chen");
    CHECK_STR(k.sort, "chen\x01maya");
    CHECK_STR(k.phone, "");
    /* ASCII is lower-cased, other bytes kept, spaces collapsed. */
    p.first_name = "Mary  Ann";
    p.last_name = "\xc3\x89LO\xc3\x8f"; /* "ÉLOÏ" */
    patient_keys_compute(&p, &k);
    CHECK_STR(k.first, "mary ann");
    CHECK_STR(k.last, "\xc3\x89lo\xc3\x8f");
    CHECK_STR(k.sort, "\xc3\x89lo\xc3\x8f\x01mary ann");
}

TEST(patient_keys_sort_order)
{
    struct patient a = {.first_name = "Zoe", .last_name = "Chen"};
    struct patient b = {.first_name = "Amy", .last_name = "Chenoweth"};
    struct patient_keys ka;
    struct patient_keys kb;

    /* A last name sorts as a whole: Chen before Chenoweth. */
    patient_keys_compute(&a, &ka);
    patient_keys_compute(&b, &kb);
    CHECK(strcmp(ka.sort, kb.sort) < 0);
    /* ... and "De, Zed" before "De La Cruz, Ana". */
    a = (struct patient){.first_name = "Zed", .last_name = "De"};
    b = (struct patient){.first_name = "Ana", .last_name = "De La Cruz"};
    patient_keys_compute(&a, &ka);
    patient_keys_compute(&b, &kb);
    CHECK(strcmp(ka.sort, kb.sort) < 0);
}

TEST(patient_keys_phone)
{
    struct patient p = maya();
    struct patient_keys k;

    p.phone = "+15125550134";
    patient_keys_compute(&p, &k);
    CHECK_STR(k.phone, "5125550134");
    p.phone = "+442079460958";
    patient_keys_compute(&p, &k);
    CHECK_STR(k.phone, "442079460958");
}

static enum err
parse(const char *in, struct patient_query *q)
{
    return patient_query_parse(in, q, NULL);
}

TEST(patient_query_empty)
{
    struct patient_query q;

    CHECK_RC(parse(NULL, &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_NONE);
    CHECK_RC(parse("", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_NONE);
    CHECK_RC(parse(" \t ", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_NONE);
}

TEST(patient_query_word)
{
    struct patient_query q;

    CHECK_RC(parse("  MaYa ", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_WORD);
    CHECK_STR(q.whole.lo, "maya");
    CHECK_STR(q.whole.hi, "mayb");
    CHECK_RC(parse("O'Brien-Smith", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_WORD);
    CHECK_STR(q.whole.lo, "o'brien-smith");
    CHECK_STR(q.whole.hi, "o'brien-smiti");
}

TEST(patient_query_words)
{
    struct patient_query q;

    CHECK_RC(parse("Maya   Ch", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_WORDS);
    CHECK_STR(q.whole.lo, "maya ch");
    CHECK_STR(q.whole.hi, "maya ci");
    CHECK_STR(q.head.lo, "maya");
    CHECK_STR(q.head.hi, "mayb");
    CHECK_STR(q.tail.lo, "ch");
    CHECK_STR(q.tail.hi, "ci");
    CHECK_STR(q.init.lo, "maya");
    CHECK_STR(q.last.lo, "ch");
    CHECK_RC(parse("mary ann smith", &q), ERR_OK);
    CHECK_STR(q.head.lo, "mary");
    CHECK_STR(q.tail.lo, "ann smith");
    CHECK_STR(q.init.lo, "mary ann");
    CHECK_STR(q.last.lo, "smith");
    CHECK_STR(q.last.hi, "smiti");
}

TEST(patient_query_email)
{
    struct patient_query q;

    CHECK_RC(parse("Maya.Chen@Ex", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_EMAIL);
    CHECK_STR(q.whole.lo, "maya.chen@ex");
    CHECK_STR(q.whole.hi, "maya.chen@ey");
}

TEST(patient_query_phone)
{
    struct patient_query q;

    CHECK_RC(parse("(512) 555", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_PHONE);
    CHECK_STR(q.whole.lo, "512555");
    CHECK_STR(q.whole.hi, "512556");
    /* The NANP country code is not part of the key. */
    CHECK_RC(parse("+1 512-555", &q), ERR_OK);
    CHECK_STR(q.whole.lo, "512555");
    CHECK_RC(parse("1 (512) 555", &q), ERR_OK);
    CHECK_STR(q.whole.lo, "512555");
    CHECK_RC(parse("+44 20 79", &q), ERR_OK);
    CHECK_STR(q.whole.lo, "442079");
    CHECK_RC(parse("5129", &q), ERR_OK);
    CHECK_STR(q.whole.hi, "512:");
    /* Punctuation alone is not a phone number. */
    CHECK_RC(parse("()", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_WORD);
    CHECK_RC(parse("512+555", &q), ERR_OK);
    CHECK_I64(q.kind, PATIENT_QUERY_WORD);
}

TEST(patient_query_upper_bound_utf8)
{
    struct patient_query q;

    /* "zoë": U+00EB moves to U+00EC, never to an invalid byte. */
    CHECK_RC(parse("zo\xc3\xab", &q), ERR_OK);
    CHECK_STR(q.whole.hi, "zo\xc3\xac");
    /* U+00BF ends in 0xBF: the bound is U+00C0, not byte 0xC0. */
    CHECK_RC(parse("a\xc2\xbf", &q), ERR_OK);
    CHECK_STR(q.whole.hi, "a\xc3\x80");
    /* U+007F grows into two bytes. */
    CHECK_RC(parse("a\x7f", &q), ERR_OK);
    CHECK_STR(q.whole.hi, "a\xc2\x80");
    /* Surrogates are skipped: U+D7FF moves to U+E000. */
    CHECK_RC(parse("a\xed\x9f\xbf", &q), ERR_OK);
    CHECK_STR(q.whole.hi, "a\xee\x80\x80");
    /* U+10FFFF has no next code point: the one before it moves. */
    CHECK_RC(parse("a\xf4\x8f\xbf\xbf", &q), ERR_OK);
    CHECK_STR(q.whole.lo, "a\xf4\x8f\xbf\xbf");
    CHECK_STR(q.whole.hi, "b");
}

TEST(patient_query_invalid)
{
    char big[PATIENT_QUERY_MAX + 2];
    struct patient_query q;
    struct errinfo ei;

    memset(big, 'a', PATIENT_QUERY_MAX);
    big[PATIENT_QUERY_MAX] = '\0';
    CHECK_RC(parse(big, &q), ERR_OK);
    big[PATIENT_QUERY_MAX] = 'a';
    big[PATIENT_QUERY_MAX + 1] = '\0';
    errinfo_clear(&ei);
    CHECK_RC(patient_query_parse(big, &q, &ei), ERR_INVALID);
    CHECK(strcmp(ei.param, "query") == 0);
    CHECK(strstr(ei.message, "at most 100") != NULL);
    CHECK_RC(parse("\xff", &q), ERR_INVALID);
    CHECK_RC(parse("ma\xc3", &q), ERR_INVALID);
    CHECK_RC(parse("\xc0\xaf", &q), ERR_INVALID);         /* overlong */
    CHECK_RC(parse("\xed\xa0\x80", &q), ERR_INVALID);     /* surrogate */
    CHECK_RC(parse("\xf4\x8f\xbf\xbf", &q), ERR_INVALID); /* no bound */
}
