/*
 * h_messages.c - /v1/messages: the outbox, read-only (admins). Bodies are
 * shown; an attachment only by name, type and size. And the test helper
 * that queues any message.
 */
#include <string.h>

#include "app/message.h"
#include "http/http_int.h"

json_t *
render_message(const struct message *m)
{
    json_t *o = json_object();
    json_t *at = json_null();

    if (m->attachment_name != NULL)
        at = json_pack("{s:s,s:s,s:I}", "name", m->attachment_name,
                       "content_type", m->attachment_type, "size",
                       (json_int_t)m->attachment_size);
    json_put(o, "id", json_string(m->id));
    json_put(o, "object", json_string("message"));
    json_put(o, "channel", json_string(m->channel));
    json_put(o, "to", json_string(m->recipient));
    json_put(o, "subject",
             m->subject[0] != '\0' ? json_string(m->subject) : json_null());
    json_put(o, "body", json_string(m->body));
    json_put(o, "attachment", at);
    json_put(o, "source_type", json_str_or_null(m->source_type));
    json_put(o, "source_id", json_str_or_null(m->source_id));
    json_put(o, "status", json_string(m->status));
    json_put(o, "attempts", json_integer(m->attempts));
    render_time(o, "next_attempt_at", m->next_attempt_at_ms);
    json_put(o, "last_error", json_str_or_null(m->last_error));
    render_time(o, "sent_at", m->sent_at_ms);
    json_put(o, "created_by", json_str_or_null(m->created_by));
    render_time(o, "created", m->created_at_ms);
    render_time(o, "updated", m->updated_at_ms);
    return o;
}

enum err
h_message_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct message m;
    enum err rc = req_id(req, 0, "msg", "message", &id);

    if (rc == ERR_OK)
        rc = app_message_get(&req->ctx, id, &m, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_message(&m));
    return rc;
}

enum err
h_message_list(struct req *req, struct resp *resp)
{
    struct message_filter f = {
        .channel = req_query(req, "channel"),
        .recipient = req_query(req, "to"),
        .status = req_query(req, "status"),
        .source_id = req_query(req, "source_id"),
    };
    struct page page;
    struct message *ms;
    size_t n;
    bool more;
    enum err rc = req_page(req, &page);

    if (rc == ERR_OK)
        rc = app_message_list(&req->ctx, &f, &page, &ms, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    /* A failed append means the arena is full; the dispatcher reports it. */
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_message(&ms[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}

/*
 * POST /v1/test_helpers/messages: queue any message through the outbox
 * (test helpers only), until the features that send text messages land.
 */
enum err
h_test_message_create(struct req *req, struct resp *resp)
{
    const char *channel = NULL;
    const char *to = NULL;
    const char *subject = NULL;
    const char *body = NULL;
    const char *id = NULL;
    struct message m;
    const struct jfield fields[] = {
        {"channel", JT_STRING, true, false, 0, 0, &channel, NULL},
        {"to", JT_STRING, true, false, 0, 0, &to, NULL},
        {"subject", JT_STRING, false, true, 0, 0, &subject, NULL},
        {"body", JT_STRING, true, false, 0, 0, &body, NULL},
    };
    enum err rc = req_read(req, fields, sizeof(fields) / sizeof(fields[0]));

    if (rc == ERR_OK && strcmp(channel, "email") != 0 &&
        strcmp(channel, "sms") != 0)
        rc = errinfo_set(req->ei, ERR_INVALID, "parameter_invalid", "channel",
                         "channel must be email or sms");
    if (rc == ERR_OK)
        rc = app_message_enqueue(
            &req->ctx, channel[0] == 'e' ? MESSAGE_EMAIL : MESSAGE_SMS, to,
            subject, body, NULL, "test_helper", NULL, &id, req->ei);
    if (rc == ERR_OK)
        rc = app_message_get(&req->ctx, id, &m, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_message(&m));
    return rc;
}
