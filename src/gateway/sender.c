/*
 * sender.c - one delivery attempt of an e-mail (SMTP through libcurl) or
 * a text message (HTTP through httpc), see sender.h.
 *
 * The configuration is start-up state, copied once and read-only after.
 * Each e-mail opens its own curl handle and cleans it up before
 * returning, so nothing is left open between attempts. Errors name the
 * server's answer, never the recipient, the body or a secret.
 */
#include "gateway/sender.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/assert.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "gateway/httpc.h"

#define ADDRESS_MAX 254
#define MIME_LINE_CHARS 76
#define MESSAGE_BYTES_MAX (16u << 20)
#define CONNECT_TIMEOUT_MS_MAX 10000

#define SETTING_MAX 512

/* Start-up state: empty strings are settings not given. */
static struct {
    char smtp_url[SETTING_MAX];
    char smtp_from[SETTING_MAX];
    char from_address[ADDRESS_MAX + 1]; /* the bare address of smtp_from */
    char smtp_user[SETTING_MAX];
    char smtp_password[SETTING_MAX];
    long use_ssl; /* CURLUSESSL_* */
    char sms_url[SETTING_MAX];
    char sms_token[SETTING_MAX];
    int timeout_ms;
} config = {.use_ssl = CURLUSESSL_TRY, .timeout_ms = SENDER_TIMEOUT_MS_DEFAULT};

static bool
has_line_break(const char *s)
{
    return s != NULL && strpbrk(s, "\r\n") != NULL;
}

/*
 * The address of a From value: what is inside <...>, or the whole value.
 * It must have an '@' and no spaces or angle brackets.
 */
static enum err
from_address(const char *from, char *out, size_t cap)
{
    const char *lt = strchr(from, '<');
    const char *start = lt != NULL ? lt + 1 : from;
    const char *end = lt != NULL ? strchr(start, '>') : start + strlen(start);
    size_t n;

    if (end == NULL || has_line_break(from))
        return ERR_INVALID;
    n = (size_t)(end - start);
    if (n == 0 || n >= cap || memchr(start, '@', n) == NULL ||
        strcspn(start, " \t<>") < n)
        return ERR_INVALID;
    memcpy(out, start, n);
    out[n] = '\0';
    return ERR_OK;
}

static enum err
tls_mode(const char *s, long *out)
{
    if (s == NULL || s[0] == '\0' || strcmp(s, "try") == 0)
        *out = CURLUSESSL_TRY;
    else if (strcmp(s, "required") == 0)
        *out = CURLUSESSL_ALL;
    else if (strcmp(s, "none") == 0)
        *out = CURLUSESSL_NONE;
    else
        return ERR_INVALID;
    return ERR_OK;
}

/* Copy s (NULL: empty) into setting, which has SETTING_MAX bytes. */
static void
put_setting(char *setting, const char *s)
{
    secret_wipe(setting, SETTING_MAX);
    if (s != NULL)
        snprintf(setting, SETTING_MAX, "%s", s);
}

/* The name of the first of c's settings too long to keep, or NULL. */
static const char *
too_long(const struct sender_config *c)
{
    const char *const values[] = {c->smtp_url,      c->smtp_from, c->smtp_user,
                                  c->smtp_password, c->sms_url,   c->sms_token};
    const char *const names[] = {"POISE_SMTP_URL",  "POISE_SMTP_FROM",
                                 "POISE_SMTP_USER", "POISE_SMTP_PASSWORD",
                                 "POISE_SMS_URL",   "POISE_SMS_TOKEN"};

    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (values[i] != NULL && strlen(values[i]) >= SETTING_MAX)
            return names[i];
    }
    return NULL;
}

enum err
sender_configure(const struct sender_config *c, struct errinfo *ei)
{
    char addr[ADDRESS_MAX + 1] = "";
    const char *long_one = too_long(c);
    long use_ssl;

    if (long_one != NULL)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid", long_one,
                           "%s is longer than %d bytes", long_one,
                           SETTING_MAX - 1);
    if (tls_mode(c->smtp_tls, &use_ssl) != ERR_OK)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "POISE_SMTP_TLS",
                           "POISE_SMTP_TLS must be try, required or none");
    if (c->smtp_from != NULL && c->smtp_from[0] != '\0' &&
        from_address(c->smtp_from, addr, sizeof(addr)) != ERR_OK)
        return errinfo_set(ei, ERR_INVALID, "parameter_invalid",
                           "POISE_SMTP_FROM",
                           "POISE_SMTP_FROM must be an address or "
                           "'Name <address>' on one line");
    put_setting(config.smtp_url, c->smtp_url);
    put_setting(config.smtp_from, addr[0] != '\0' ? c->smtp_from : NULL);
    memcpy(config.from_address, addr, sizeof(addr));
    put_setting(config.smtp_user, c->smtp_user);
    put_setting(config.smtp_password, c->smtp_password);
    config.use_ssl = use_ssl;
    put_setting(config.sms_url, c->sms_url);
    put_setting(config.sms_token, c->sms_token);
    config.timeout_ms = c->timeout_ms > 0 ? c->timeout_ms
                                          : SENDER_TIMEOUT_MS_DEFAULT;
    return ERR_OK;
}

bool
sender_has_email(void)
{
    return config.smtp_url[0] != '\0' && config.smtp_from[0] != '\0';
}

bool
sender_has_sms(void)
{
    return config.sms_url[0] != '\0';
}

/* ---- the MIME message ---- */

/* "Tue, 25 Nov 2025 17:17:00 +0000" (RFC 5322), locale-independent. */
static void
mail_date(int64_t at_ms, char out[40])
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(at_ms / 1000);
    struct tm tm;
    struct tm *ok = gmtime_r(&t, &tm);

    ASSERT(ok != NULL);
    ASSERT(tm.tm_wday >= 0 && tm.tm_wday < 7 && tm.tm_mon >= 0 &&
           tm.tm_mon < 12);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
}

/* data in base64, in lines of 76 characters with CRLF. */
static enum err
append_base64(struct buf *b, const void *data, size_t len)
{
    const char *enc = base64_encode(b->a, data, len);
    size_t n;
    enum err rc = ERR_OK;

    if (enc == NULL)
        return ERR_LIMIT;
    n = strlen(enc);
    for (size_t i = 0; i < n && rc == ERR_OK; i += MIME_LINE_CHARS) {
        size_t k = n - i < MIME_LINE_CHARS ? n - i : MIME_LINE_CHARS;

        rc = buf_append(b, enc + i, k);
        if (rc == ERR_OK)
            rc = buf_append(b, "\r\n", 2);
    }
    return rc;
}

static bool
is_plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x20 || *p > 0x7e)
            return false;
    }
    return true;
}

/* "Subject: ...": as is when printable ASCII, else RFC 2047 base64. */
static enum err
append_subject(struct buf *b, const char *subject)
{
    const char *enc;

    if (is_plain_ascii(subject))
        return buf_printf(b, "Subject: %s\r\n", subject);
    enc = base64_encode(b->a, subject, strlen(subject));
    if (enc == NULL)
        return ERR_LIMIT;
    return buf_printf(b, "Subject: =?UTF-8?B?%s?=\r\n", enc);
}

/* A file name safe inside a quoted MIME parameter. */
static const char *
safe_name(struct arena *a, const char *name)
{
    char *s = arena_strdup(a, name);

    for (char *p = s; p != NULL && *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            *p = '_';
    }
    return s;
}

static enum err
append_headers(struct buf *b, const char *from, const struct sender_email *m)
{
    const char *at = strrchr(from, '@');
    char date[40];
    enum err rc;

    mail_date(m->date_ms, date);
    rc = buf_printf(b, "From: %s\r\nTo: <%s>\r\n", from, m->to);
    if (rc == ERR_OK)
        rc = append_subject(b, m->subject);
    if (rc == ERR_OK)
        rc = buf_printf(b,
                        "Date: %s\r\nMessage-ID: <%s@%.*s>\r\n"
                        "MIME-Version: 1.0\r\n",
                        date, m->id, at != NULL ? (int)strcspn(at + 1, ">") : 5,
                        at != NULL ? at + 1 : "poise");
    return rc;
}

static enum err
append_text_part(struct buf *b, const char *body)
{
    enum err rc = buf_append_c(b, "Content-Type: text/plain; charset=utf-8\r\n"
                                  "Content-Transfer-Encoding: base64\r\n\r\n");

    return rc ? rc : append_base64(b, body, strlen(body));
}

static enum err
append_attachment(struct buf *b, const struct sender_email *m)
{
    const char *name = safe_name(b->a, m->attachment_name);
    enum err rc;

    if (name == NULL)
        return ERR_LIMIT;
    rc = buf_printf(b,
                    "Content-Type: %s; name=\"%s\"\r\n"
                    "Content-Disposition: attachment; filename=\"%s\"\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n",
                    m->attachment_type, name, name);
    return rc ? rc : append_base64(b, m->attachment, m->attachment_len);
}

enum err
sender_mime(struct arena *a, const char *from, const struct sender_email *m,
            struct str *out, struct errinfo *ei)
{
    struct buf b;
    enum err rc;

    ASSERT(m->id != NULL && m->to != NULL && m->subject != NULL);
    ASSERT(!has_line_break(m->to) && !has_line_break(m->subject));
    ASSERT(m->attachment_name == NULL || m->attachment != NULL);
    buf_init(&b, a, MESSAGE_BYTES_MAX);
    rc = append_headers(&b, from, m);
    if (rc == ERR_OK && m->attachment_name == NULL)
        rc = append_text_part(&b, m->body);
    if (rc == ERR_OK && m->attachment_name != NULL)
        rc = buf_printf(&b,
                        "Content-Type: multipart/mixed; "
                        "boundary=\"=_poise_%s\"\r\n\r\n"
                        "This is a message in MIME format.\r\n"
                        "--=_poise_%s\r\n",
                        m->id, m->id);
    if (rc == ERR_OK && m->attachment_name != NULL)
        rc = append_text_part(&b, m->body);
    if (rc == ERR_OK && m->attachment_name != NULL)
        rc = buf_printf(&b, "--=_poise_%s\r\n", m->id);
    if (rc == ERR_OK && m->attachment_name != NULL)
        rc = append_attachment(&b, m);
    if (rc == ERR_OK && m->attachment_name != NULL)
        rc = buf_printf(&b, "--=_poise_%s--\r\n", m->id);
    if (rc)
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "the e-mail is too large to build");
    *out = buf_str(&b);
    return ERR_OK;
}

/* ---- SMTP ---- */

struct upload {
    const char *p;
    size_t left;
};

static size_t
on_read(char *dst, size_t size, size_t n, void *ctx)
{
    struct upload *u = ctx;
    size_t k = size * n < u->left ? size * n : u->left;

    memcpy(dst, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

static void
smtp_options(CURL *h, struct upload *u, struct curl_slist *rcpt, char *errbuf)
{
    long total = config.timeout_ms;

    curl_easy_setopt(h, CURLOPT_URL, config.smtp_url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     total < CONNECT_TIMEOUT_MS_MAX ? total
                                                    : CONNECT_TIMEOUT_MS_MAX);
    curl_easy_setopt(h, CURLOPT_USE_SSL, config.use_ssl);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, config.from_address);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, u);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    if (config.smtp_user[0] != '\0') {
        curl_easy_setopt(h, CURLOPT_USERNAME, config.smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, config.smtp_password);
    }
}

/* Run the SMTP transaction for text to one recipient. */
static enum err
smtp_send(struct str text, const char *to, struct errinfo *ei)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct upload u = {.p = text.ptr, .left = text.len};
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    CURL *h = curl_easy_init();
    long code = 0;
    CURLcode cc = CURLE_OUT_OF_MEMORY;

    if (h != NULL && rcpt != NULL) {
        smtp_options(h, &u, rcpt, errbuf);
        cc = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    }
    curl_slist_free_all(rcpt);
    if (h != NULL)
        curl_easy_cleanup(h);
    if (cc == CURLE_OK)
        return ERR_OK;
    if (cc == CURLE_OUT_OF_MEMORY)
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "out of memory for an e-mail");
    /* A 5xx reply is the server's final no (RFC 5321 4.2.1). */
    return errinfo_set(
        ei, ERR_GATEWAY,
        code >= 500 && code <= 599 ? "email_rejected" : "email_failed", NULL,
        "smtp: %s (last reply %ld)",
        errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc), code);
}

enum err
sender_email_send(struct arena *a, const struct sender_email *m,
                  struct errinfo *ei)
{
    struct str text;
    enum err rc;

    ASSERT(m != NULL && m->to != NULL);
    if (!sender_has_email())
        return errinfo_set(ei, ERR_INVALID, "email_not_configured", NULL,
                           "e-mail is not configured in this process "
                           "(POISE_SMTP_URL, POISE_SMTP_FROM)");
    rc = sender_mime(a, config.smtp_from, m, &text, ei);
    if (rc)
        return rc;
    httpc_global_init(); /* curl_global_init, once */
    return smtp_send(text, m->to, ei);
}

/* ---- SMS ---- */

enum err
sender_sms_send(struct arena *a, const char *key, const char *to,
                const char *body, struct errinfo *ei)
{
    struct httpc_req req = {.method = HTTPC_POST, .retries = 0};
    struct httpc_resp resp;
    json_t *o = json_pack("{s:s,s:s}", "to", to, "body", body);
    size_t len = 0;
    char *text = o != NULL ? json_dump(a, o, &len) : NULL;
    enum err rc;

    json_decref(o);
    if (!sender_has_sms())
        return errinfo_set(ei, ERR_INVALID, "sms_not_configured", NULL,
                           "sms is not configured in this process "
                           "(POISE_SMS_URL)");
    req.url = config.sms_url;
    req.timeout_ms = config.timeout_ms;
    req.headers[0] = "Content-Type: application/json";
    req.headers[1] = arena_printf(a, "Idempotency-Key: %s", key);
    req.headers[2] = config.sms_token[0] != '\0'
                         ? arena_printf(a, "Authorization: Bearer %s",
                                        config.sms_token)
                         : NULL;
    req.body = text;
    req.body_len = len;
    if (text == NULL || req.headers[1] == NULL ||
        (config.sms_token[0] != '\0' && req.headers[2] == NULL))
        return errinfo_set(ei, ERR_LIMIT, "limit", NULL,
                           "out of memory for a text message");
    rc = httpc_send(a, &req, &resp, ei);
    if (rc == ERR_GATEWAY && resp.status == 0)
        return errinfo_set(ei, ERR_GATEWAY, "sms_failed", NULL,
                           "sms provider unreachable (no answer in %d ms or "
                           "connection refused)",
                           config.timeout_ms);
    if (rc != ERR_OK && rc != ERR_GATEWAY)
        return rc;
    /* A 4xx answer refuses this request for good, unless it asks us to
     * slow down or come back (408, 429). */
    if (resp.status >= 400 && resp.status <= 499 && resp.status != 408 &&
        resp.status != 429)
        return errinfo_set(ei, ERR_GATEWAY, "sms_rejected", NULL,
                           "sms provider refused it: HTTP %ld", resp.status);
    if (resp.status < 200 || resp.status > 299)
        return errinfo_set(ei, ERR_GATEWAY, "sms_failed", NULL,
                           "sms provider answered HTTP %ld", resp.status);
    return ERR_OK;
}
