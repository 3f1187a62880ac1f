/*
 * contact_test.c - tests for core/contact: which e-mail addresses and
 * phone numbers are accepted, and the one form each is stored in.
 */
#include "core/contact.h"

#include <string.h>

#include "harness.h"

static enum err
email(const char *in, char *out, struct errinfo *ei)
{
    errinfo_clear(ei);
    return contact_email_normalize(in, out, EMAIL_MAX + 1, ei);
}

static enum err
phone(const char *in, char *out, struct errinfo *ei)
{
    errinfo_clear(ei);
    return contact_phone_normalize(in, out, PHONE_E164_MAX + 1, ei);
}

/* in is refused with param "email" and a message containing what. */
static bool
email_refused(const char *in, const char *what)
{
    char out[EMAIL_MAX + 1];
    struct errinfo ei;

    return email(in, out, &ei) == ERR_INVALID &&
           strcmp(ei.param, "email") == 0 && strstr(ei.message, what) != NULL &&
           out[0] == '\0';
}

/* in is refused with param "phone" and a message containing what. */
static bool
phone_refused(const char *in, const char *what)
{
    char out[PHONE_E164_MAX + 1];
    struct errinfo ei;

    return phone(in, out, &ei) == ERR_INVALID &&
           strcmp(ei.param, "phone") == 0 && strstr(ei.message, what) != NULL &&
           out[0] == '\0';
}

TEST(contact_email_good)
{
    char out[EMAIL_MAX + 1];
    struct errinfo ei;

    CHECK_RC(email("maya.chen@example.com", out, &ei), ERR_OK);
    CHECK(strcmp(out, "maya.chen@example.com") == 0);
    /* errinfo is written only on failure. */
    CHECK(ei.message[0] == '\0');
    CHECK_RC(email("maya+spa@glow-aesthetics.co.uk", out, NULL), ERR_OK);
    CHECK(strcmp(out, "maya+spa@glow-aesthetics.co.uk") == 0);
    CHECK_RC(email("o'brien_2@mail2.example.org", out, NULL), ERR_OK);
    /* UTF-8 local parts are kept byte for byte. */
    CHECK_RC(email("zo\xc3\xab@example.com", out, NULL), ERR_OK);
    CHECK(strcmp(out, "zo\xc3\xab@example.com") == 0);
}

TEST(contact_email_uppercase_normalised)
{
    char out[EMAIL_MAX + 1];

    CHECK_RC(email("  Maya.Chen@Example.COM \t\n", out, NULL), ERR_OK);
    CHECK(strcmp(out, "maya.chen@example.com") == 0);
    /* Normalising twice changes nothing. */
    CHECK_RC(email("maya.chen@example.com", out, NULL), ERR_OK);
    CHECK(strcmp(out, "maya.chen@example.com") == 0);
}

TEST(contact_email_missing_at)
{
    CHECK(email_refused("maya.chen.example.com", "'@'"));
    CHECK(email_refused("maya", "'@'"));
}

TEST(contact_email_two_at)
{
    CHECK(email_refused("maya@chen@example.com", "more than one '@'"));
    CHECK(email_refused("maya@@example.com", "more than one '@'"));
}

TEST(contact_email_empty_parts)
{
    CHECK(email_refused("", "empty"));
    CHECK(email_refused("   ", "empty"));
    CHECK(email_refused("@example.com", "nothing before"));
    CHECK(email_refused("maya@", "nothing after"));
}

TEST(contact_email_domain_without_dot)
{
    CHECK(email_refused("maya@localhost", "needs a dot"));
}

TEST(contact_email_bad_domain)
{
    CHECK(email_refused("maya@example..com", "empty part"));
    CHECK(email_refused("maya@.example.com", "empty part"));
    CHECK(email_refused("maya@example.com.", "empty part"));
    CHECK(email_refused("maya@-example.com", "'-'"));
    CHECK(email_refused("maya@example-.com", "'-'"));
    CHECK(email_refused("maya@exam_ple.com", "only letters"));
    CHECK(email_refused("maya@m\xc3\xbcller.de", "only letters"));
}

TEST(contact_email_spaces)
{
    CHECK(email_refused("maya chen@example.com", "spaces"));
    CHECK(email_refused("maya@exam ple.com", "spaces"));
    CHECK(email_refused("maya\t@example.com", "spaces"));
    CHECK(email_refused("Maya Chen <maya@example.com>", "spaces"));
}

TEST(contact_email_pasted_punctuation)
{
    CHECK(email_refused("<maya@example.com>", "'<'"));
    CHECK(email_refused("maya,chen@example.com", "','"));
    CHECK(email_refused("\"maya\"@example.com", "'\"'"));
}

TEST(contact_email_too_long)
{
    char in[EMAIL_MAX + 2];
    char out[EMAIL_MAX + 1];
    const char *domain = "@example.com";
    size_t local = EMAIL_MAX - strlen(domain);

    /* Exactly EMAIL_MAX bytes is accepted. */
    memset(in, 'a', local);
    memcpy(in + local, domain, strlen(domain) + 1);
    CHECK_I64((int64_t)strlen(in), EMAIL_MAX);
    CHECK_RC(email(in, out, NULL), ERR_OK);
    /* One more is not. */
    memset(in, 'a', local + 1);
    memcpy(in + local + 1, domain, strlen(domain) + 1);
    CHECK(email_refused(in, "longer than 254"));
    /* Nor is anything that does not fit the caller's buffer. */
    CHECK_RC(contact_email_normalize("maya.chen@example.com", out, 10, NULL),
             ERR_INVALID);
}

TEST(contact_phone_nanp)
{
    char out[PHONE_E164_MAX + 1];
    struct errinfo ei;

    CHECK_RC(phone("(512) 555-0134", out, &ei), ERR_OK);
    CHECK(strcmp(out, "+15125550134") == 0);
    CHECK(ei.message[0] == '\0');
    CHECK_RC(phone("512.555.0134", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+15125550134") == 0);
    CHECK_RC(phone(" 1-512-555-0134 ", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+15125550134") == 0);
    CHECK_RC(phone("+1 (512) 555 0134", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+15125550134") == 0);
    CHECK_RC(phone("5125550134", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+15125550134") == 0);
    /* Normalising twice changes nothing. */
    CHECK_RC(phone("+15125550134", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+15125550134") == 0);
}

TEST(contact_phone_international)
{
    char out[PHONE_E164_MAX + 1];

    CHECK_RC(phone("+44 20 7946 0958", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+442079460958") == 0);
    CHECK_RC(phone("+33 1 23 45 67 89", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+33123456789") == 0);
    /* Fifteen digits is the E.164 maximum; seven the shortest plan. */
    CHECK_RC(phone("+86 123 4567 8901 23", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+861234567890123") == 0);
    CHECK_RC(phone("+683 4002", out, NULL), ERR_OK);
    CHECK(strcmp(out, "+6834002") == 0);
}

TEST(contact_phone_too_short)
{
    CHECK(phone_refused("12345", "too short"));
    CHECK(phone_refused("+1 55", "too short"));
    CHECK(phone_refused("+44 20", "too short"));
    /* Neither ten digits nor a country code. */
    CHECK(phone_refused("555-0134", "10 digits"));
    CHECK(phone_refused("512 555 013", "10 digits"));
    CHECK(phone_refused("512 555 01344", "10 digits"));
    CHECK(phone_refused("+1 512 555 013", "+1"));
}

TEST(contact_phone_too_long)
{
    CHECK(phone_refused("+86 123 4567 8901 2345", "more than 15"));
}

TEST(contact_phone_letters)
{
    CHECK(phone_refused("512-555-CALL", "only digits"));
    CHECK(phone_refused("(512) 555-0134 x12", "only digits"));
    CHECK(phone_refused("512/555/0134", "only digits"));
    /* '+' only first. */
    CHECK(phone_refused("44+2079460958", "only digits"));
    CHECK(phone_refused("++442079460958", "only digits"));
}

TEST(contact_phone_bad_numbers)
{
    CHECK(phone_refused("", "empty"));
    CHECK(phone_refused(" () - ", "empty"));
    /* NANP area codes and exchanges start with 2-9. */
    CHECK(phone_refused("(012) 555-0134", "area codes"));
    CHECK(phone_refused("(512) 155-0134", "area codes"));
    CHECK(phone_refused("+1 112 555 0134", "area codes"));
    CHECK(phone_refused("+0 20 7946 0958", "country codes"));
}

/* A buffer too small for E.164 is the caller's bug: an assertion. */
static void
phone_into_small_buffer(void)
{
    char out[PHONE_E164_MAX];
    enum err rc = contact_phone_normalize("5125550134", out, sizeof(out), NULL);

    /* Not reached: the call aborts. */
    (void)rc;
}

TEST(contact_phone_small_buffer_crashes)
{
    CHECK_DEATH(phone_into_small_buffer());
}
