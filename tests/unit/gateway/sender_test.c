/*
 * sender_test.c - the e-mail as built for SMTP: headers (an encoded
 * subject when it is not ASCII, Message-ID from the sender's domain, an
 * RFC 5322 date), CRLF lines within the limits, the text and the
 * attachment in base64 inside multipart/mixed; and which From values the
 * configuration accepts.
 */
#include "gateway/sender.h"

#include <string.h>

#include "base/crypto.h"
#include "harness.h"

/* The NUL-terminated copy of s; arena-owned. */
static const char *
cstr(struct arena *a, struct str s)
{
    return arena_strndup(a, s.ptr, s.len);
}

TEST(sender_mime_plain_text)
{
    struct arena *a = arena_new(64 * 1024);
    struct sender_email m = {
        .id = "msg_01m89w51mr0kx7nfzttgwa4may",
        .to = "ava@example.com",
        .subject = "Your receipt from Glow",
        .body = "Hello Ava,\nthanks.\n",
        .date_ms = 1764065820000, /* 2025-11-25 10:17:00 UTC */
    };
    struct str out;
    const char *s;

    CHECK_RC(crypto_init(), ERR_OK);
    CHECK_RC(sender_mime(a, "Glow <receipts@glow.example>", &m, &out, NULL),
             ERR_OK);
    s = cstr(a, out);
    CHECK(strstr(s, "From: Glow <receipts@glow.example>\r\n") == s);
    CHECK(strstr(s, "\r\nTo: <ava@example.com>\r\n") != NULL);
    CHECK(strstr(s, "\r\nSubject: Your receipt from Glow\r\n") != NULL);
    CHECK(strstr(s, "\r\nDate: Tue, 25 Nov 2025 10:17:00 +0000\r\n") != NULL);
    CHECK(strstr(s, "\r\nMessage-ID: <msg_01m89w51mr0kx7nfzttgwa4may@"
                    "glow.example>\r\n") != NULL);
    CHECK(strstr(s, "\r\nContent-Type: text/plain; charset=utf-8\r\n") != NULL);
    /* base64 of the body, after the blank line that ends the headers. */
    CHECK(strstr(s, "\r\n\r\nSGVsbG8gQXZhLAp0aGFua3MuCg==\r\n") != NULL);
    CHECK(strstr(s, "multipart") == NULL);
    arena_free(a);
}

TEST(sender_mime_attachment_and_encoded_subject)
{
    struct arena *a = arena_new(256 * 1024);
    unsigned char pdf[3000];
    struct sender_email m = {
        .id = "msg_x",
        .to = "zoe@example.com",
        .subject = "Re\xc3\xa7u de Glow", /* not ASCII */
        .body = "Bonjour",
        .attachment_name = "receipt \"GLO-1\".pdf",
        .attachment_type = "application/pdf",
        .attachment = pdf,
        .attachment_len = sizeof(pdf),
        .date_ms = 0,
    };
    struct str out;
    const char *s;
    const char *line;

    CHECK_RC(crypto_init(), ERR_OK);
    memset(pdf, 0xab, sizeof(pdf));
    memcpy(pdf, "%PDF-1.3", 8);
    CHECK_RC(sender_mime(a, "receipts@glow.example", &m, &out, NULL), ERR_OK);
    s = cstr(a, out);
    CHECK(strstr(s, "\r\nSubject: =?UTF-8?B?UmXDp3UgZGUgR2xvdw==?=\r\n") !=
          NULL);
    CHECK(strstr(s, "\r\nContent-Type: multipart/mixed; "
                    "boundary=\"=_poise_msg_x\"\r\n") != NULL);
    CHECK(strstr(s, "\r\n--=_poise_msg_x\r\nContent-Type: text/plain") != NULL);
    /* The name cannot break out of its quotes. */
    CHECK(strstr(s, "Content-Type: application/pdf; "
                    "name=\"receipt _GLO-1_.pdf\"\r\n") != NULL);
    CHECK(strstr(s, "Content-Disposition: attachment; "
                    "filename=\"receipt _GLO-1_.pdf\"\r\n") != NULL);
    CHECK(strstr(s, "\r\nJVBERi0xLjOrq6ur") != NULL); /* "%PDF-1.3" ... */
    CHECK(strstr(s, "\r\n--=_poise_msg_x--\r\n") != NULL);
    /* Every line ends in CRLF and is at most 78 characters long here. */
    for (line = s; *line != '\0';) {
        const char *end = strstr(line, "\r\n");

        CHECK(end != NULL);
        CHECK(end - line <= 78);
        CHECK(memchr(line, '\n', (size_t)(end - line)) == NULL);
        line = end + 2;
    }
    arena_free(a);
}

TEST(sender_configure_checks_from_and_tls)
{
    struct sender_config c = {.smtp_url = "smtp://127.0.0.1:2525",
                              .smtp_from = "Glow\r\nBcc: x@evil <r@g.example>"};

    CHECK_RC(sender_configure(&c, NULL), ERR_INVALID);
    c.smtp_from = "no address here";
    CHECK_RC(sender_configure(&c, NULL), ERR_INVALID);
    c.smtp_from = "r@g.example";
    c.smtp_tls = "sometimes";
    CHECK_RC(sender_configure(&c, NULL), ERR_INVALID);
    c.smtp_tls = "required";
    CHECK_RC(sender_configure(&c, NULL), ERR_OK);
    CHECK(sender_has_email());
    CHECK(!sender_has_sms());
    /* Back to nothing configured, as the other tests expect. */
    memset(&c, 0, sizeof(c));
    CHECK_RC(sender_configure(&c, NULL), ERR_OK);
    CHECK(!sender_has_email());
}
