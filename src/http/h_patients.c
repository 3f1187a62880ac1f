/*
 * h_patients.c - /v1/patients: parse, call app/patient, render.
 *
 * String lengths and shapes are left to core/patient (after trimming and
 * normalising), so each rule has one message wherever it is broken.
 */
#include <string.h>

#include "app/patient.h"
#include "http/http_int.h"

json_t *render_patient(const struct patient *p);

json_t *
render_patient(const struct patient *p)
{
    json_t *o = json_object();

    json_put(o, "id", json_string(p->id));
    json_put(o, "object", json_string("patient"));
    json_put(o, "first_name", json_string(p->first_name));
    json_put(o, "last_name", json_string(p->last_name));
    json_put(o, "name", json_sprintf("%s %s", p->first_name, p->last_name));
    json_put(o, "email", json_str_or_null(p->email));
    json_put(o, "phone", json_str_or_null(p->phone));
    json_put(o, "date_of_birth", json_str_or_null(p->date_of_birth));
    json_put(o, "notes", json_str_or_null(p->notes));
    json_put(o, "archived", json_boolean(p->archived));
    render_time(o, "created", p->created_at_ms);
    render_time(o, "updated", p->updated_at_ms);
    return o;
}

/* Read the body's members into p; "archived" only on update. */
static enum err
read_patient(struct req *req, struct patient_patch *p, bool create)
{
    struct patient *v = &p->v;
    const struct jfield fields[] = {
        {"first_name", JT_STRING, create, false, 0, 0, &v->first_name,
         &p->set[PATIENT_F_FIRST_NAME]},
        {"last_name", JT_STRING, create, false, 0, 0, &v->last_name,
         &p->set[PATIENT_F_LAST_NAME]},
        {"email", JT_STRING, false, true, 0, 0, &v->email,
         &p->set[PATIENT_F_EMAIL]},
        {"phone", JT_STRING, false, true, 0, 0, &v->phone,
         &p->set[PATIENT_F_PHONE]},
        {"date_of_birth", JT_STRING, false, true, 0, 0, &v->date_of_birth,
         &p->set[PATIENT_F_DATE_OF_BIRTH]},
        {"notes", JT_STRING, false, true, 0, 0, &v->notes,
         &p->set[PATIENT_F_NOTES]},
        {"archived", JT_BOOL, false, false, 0, 0, &v->archived,
         &p->set[PATIENT_F_ARCHIVED]},
    };
    size_t n = sizeof(fields) / sizeof(fields[0]);

    /* "archived" is last: a create leaves it out, so it is unknown. */
    return req_read(req, fields, create ? n - 1 : n);
}

/* ?query= and ?archived=true|false. */
static enum err
read_filter(struct req *req, struct patient_filter *f)
{
    const char *archived = req_query(req, "archived");

    f->query = req_query(req, "query");
    f->archived = archived != NULL && strcmp(archived, "true") == 0;
    if (archived != NULL && !f->archived && strcmp(archived, "false") != 0)
        return errinfo_set(req->ei, ERR_INVALID, "parameter_invalid",
                           "archived", "archived must be 'true' or 'false'");
    return ERR_OK;
}

enum err
h_patient_create(struct req *req, struct resp *resp)
{
    struct patient_patch p = {0};
    struct patient pt;
    enum err rc = read_patient(req, &p, true);

    if (rc == ERR_OK)
        rc = app_patient_create(&req->ctx, &p, &pt, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 201, render_patient(&pt));
    return rc;
}

enum err
h_patient_get(struct req *req, struct resp *resp)
{
    const char *id;
    struct patient pt;
    enum err rc = req_id(req, 0, "pat", "patient", &id);

    if (rc == ERR_OK)
        rc = app_patient_get(&req->ctx, id, &pt, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_patient(&pt));
    return rc;
}

enum err
h_patient_update(struct req *req, struct resp *resp)
{
    struct patient_patch p = {0};
    const char *id;
    struct patient pt;
    enum err rc = req_id(req, 0, "pat", "patient", &id);

    if (rc == ERR_OK)
        rc = read_patient(req, &p, false);
    if (rc == ERR_OK)
        rc = app_patient_update(&req->ctx, id, &p, &pt, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_patient(&pt));
    return rc;
}

enum err
h_patient_archive(struct req *req, struct resp *resp)
{
    const char *id;
    struct patient pt;
    enum err rc = req_id(req, 0, "pat", "patient", &id);

    if (rc == ERR_OK)
        rc = app_patient_archive(&req->ctx, id, &pt, req->ei);
    if (rc == ERR_OK)
        resp_json(resp, 200, render_patient(&pt));
    return rc;
}

enum err
h_patient_list(struct req *req, struct resp *resp)
{
    struct patient_filter f;
    struct page page;
    struct patient *ps;
    size_t n;
    bool more;
    enum err rc = read_filter(req, &f);

    if (rc == ERR_OK)
        rc = req_page(req, &page);
    if (rc == ERR_OK)
        rc = app_patient_list(&req->ctx, &f, &page, &ps, &n, &more, req->ei);
    if (rc)
        return rc;
    json_t *data = json_array();
    /* A failed append means the arena is full; the dispatcher reports it. */
    for (size_t i = 0; i < n; i++)
        (void)json_array_append_new(data, render_patient(&ps[i]));
    resp_list(resp, data, more);
    return ERR_OK;
}
