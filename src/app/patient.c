/*
 * patient.c - create, read, update, archive, list and search patients.
 *
 * Audit summaries name the fields that were set or changed and never
 * their values: patient details are health-adjacent personal data, and
 * the audit chain is append-only, so nothing put there can be erased.
 */
#include "app/patient.h"

#include <string.h>

#include "base/assert.h"
#include "base/crypto.h"
#include "store/patients.h"

static const char *const field_names[] = {
    [PATIENT_F_FIRST_NAME] = "first_name",
    [PATIENT_F_LAST_NAME] = "last_name",
    [PATIENT_F_EMAIL] = "email",
    [PATIENT_F_PHONE] = "phone",
    [PATIENT_F_DATE_OF_BIRTH] = "date_of_birth",
    [PATIENT_F_NOTES] = "notes",
    [PATIENT_F_ARCHIVED] = "archived",
};
STATIC_ASSERT(sizeof(field_names) / sizeof(field_names[0]) == PATIENT_F__COUNT,
              "field_names matches enum patient_field");

static void
apply(struct patient *p, const struct patient_patch *in)
{
    const struct patient *v = &in->v;

    for (int f = 0; f < PATIENT_F__COUNT; f++) {
        if (!in->set[f])
            continue;
        switch ((enum patient_field)f) {
        case PATIENT_F_FIRST_NAME:
            p->first_name = v->first_name;
            break;
        case PATIENT_F_LAST_NAME:
            p->last_name = v->last_name;
            break;
        case PATIENT_F_EMAIL:
            p->email = v->email;
            break;
        case PATIENT_F_PHONE:
            p->phone = v->phone;
            break;
        case PATIENT_F_DATE_OF_BIRTH:
            p->date_of_birth = v->date_of_birth;
            break;
        case PATIENT_F_NOTES:
            p->notes = v->notes;
            break;
        case PATIENT_F_ARCHIVED:
            p->archived = v->archived;
            break;
        default:
            ASSERT(!"unreachable");
        }
    }
}

static bool
text_same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool
field_same(const struct patient *a, const struct patient *b,
           enum patient_field f)
{
    switch (f) {
    case PATIENT_F_FIRST_NAME:
        return text_same(a->first_name, b->first_name);
    case PATIENT_F_LAST_NAME:
        return text_same(a->last_name, b->last_name);
    case PATIENT_F_EMAIL:
        return text_same(a->email, b->email);
    case PATIENT_F_PHONE:
        return text_same(a->phone, b->phone);
    case PATIENT_F_DATE_OF_BIRTH:
        return text_same(a->date_of_birth, b->date_of_birth);
    case PATIENT_F_NOTES:
        return text_same(a->notes, b->notes);
    case PATIENT_F_ARCHIVED:
        return a->archived == b->archived;
    default:
        ASSERT(!"unreachable");
    }
    return false;
}

static bool
has_changes(const struct patient *a, const struct patient *b)
{
    for (int f = 0; f < PATIENT_F__COUNT; f++) {
        if (!field_same(a, b, (enum patient_field)f))
            return true;
    }
    return false;
}

/* The names of the fields whose values differ between a and b. */
static json_t *
fields_changed(const struct patient *a, const struct patient *b)
{
    json_t *names = json_array();

    for (int f = 0; f < PATIENT_F__COUNT; f++) {
        if (field_same(a, b, (enum patient_field)f))
            continue;
        /* A failed append means the arena is full; app_audit reports it. */
        (void)json_array_append_new(names, json_string(field_names[f]));
    }
    return names;
}

static json_t *
summary(const char *key, json_t *names)
{
    json_t *s = json_object();

    json_put(s, key, names);
    return s;
}

/* Archiving and restoring a patient is an admin's call. */
static enum err
check_archive_role(const struct app_ctx *ctx, struct errinfo *ei)
{
    if (ctx->actor_type == ACTOR_SYSTEM || role_at_least(ctx->role, ROLE_ADMIN))
        return ERR_OK;
    return app_forbidden(ei, "archive or restore patients");
}

/* Normalise p, stamp it, and compute its keys into k. */
static enum err
prepare(struct app_ctx *ctx, struct patient *p, struct patient_keys *k,
        struct errinfo *ei)
{
    struct patient_text *t = arena_alloc(ctx->a, sizeof(*t));
    enum err rc;

    if (t == NULL)
        return ERR_LIMIT;
    rc = patient_normalize(p, ctx->now_ms, t, ei);
    if (rc)
        return rc;
    p->updated_at_ms = ctx->now_ms;
    patient_keys_compute(p, k);
    return ERR_OK;
}

enum err
app_patient_create(struct app_ctx *ctx, const struct patient_patch *in,
                   struct patient *out, struct errinfo *ei)
{
    const struct patient none = {0};
    struct patient p = {0};
    struct patient_keys k;
    enum err rc;

    apply(&p, in);
    rc = prepare(ctx, &p, &k, ei);
    if (rc == ERR_OK && p.archived)
        rc = check_archive_role(ctx, ei);
    if (rc)
        return rc;
    p.id = id_new(ctx->a, "pat", ctx->now_ms);
    if (p.id == NULL)
        return ERR_LIMIT;
    p.created_at_ms = ctx->now_ms;
    rc = store_patient_insert(ctx->db, ctx->a, ctx->account_id, &p, &k, ei);
    if (rc)
        return app_store_fail(rc, ei);
    rc = app_audit(ctx, "patient.create", "patient", p.id,
                   summary("fields", fields_changed(&none, &p)), ei);
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_patient_get(struct app_ctx *ctx, const char *id, struct patient *out,
                struct errinfo *ei)
{
    enum err rc = store_patient_get(ctx->db, ctx->a, ctx->account_id, id, out,
                                    ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "patient", id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}

/* Write p over its stored row and record action. */
static enum err
save(struct app_ctx *ctx, const struct patient *p, const struct patient_keys *k,
     const char *action, json_t *summary_obj, struct errinfo *ei)
{
    enum err rc = store_patient_update(ctx->db, ctx->a, ctx->account_id, p, k,
                                       ei);

    if (rc == ERR_NOT_FOUND)
        return app_not_found(ei, "patient", p->id, "id");
    if (rc)
        return app_store_fail(rc, ei);
    return app_audit(ctx, action, "patient", p->id, summary_obj, ei);
}

enum err
app_patient_update(struct app_ctx *ctx, const char *id,
                   const struct patient_patch *in, struct patient *out,
                   struct errinfo *ei)
{
    struct patient before;
    struct patient p;
    struct patient_keys k;
    enum err rc = app_patient_get(ctx, id, &before, ei);

    if (rc)
        return rc;
    p = before;
    apply(&p, in);
    rc = prepare(ctx, &p, &k, ei);
    if (rc == ERR_OK && p.archived != before.archived)
        rc = check_archive_role(ctx, ei);
    if (rc)
        return rc;
    if (!has_changes(&before, &p)) {
        *out = before;
        return ERR_OK;
    }
    rc = save(ctx, &p, &k, "patient.update",
              summary("changed", fields_changed(&before, &p)), ei);
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_patient_archive(struct app_ctx *ctx, const char *id, struct patient *out,
                    struct errinfo *ei)
{
    struct patient p;
    struct patient_keys k;
    enum err rc = check_archive_role(ctx, ei);

    if (rc == ERR_OK)
        rc = app_patient_get(ctx, id, &p, ei);
    if (rc)
        return rc;
    if (!p.archived) {
        /*
         * Only the flag changes: the stored values are not checked again,
         * so a record that a later, stricter rule would refuse can still
         * be archived.
         */
        p.archived = true;
        p.updated_at_ms = ctx->now_ms;
        patient_keys_compute(&p, &k);
        rc = save(ctx, &p, &k, "patient.archive",
                  json_pack("{s:b}", "archived", 1), ei);
    }
    if (rc == ERR_OK)
        *out = p;
    return rc;
}

enum err
app_patient_list(struct app_ctx *ctx, const struct patient_filter *filter,
                 const struct page *page, struct patient **out, size_t *count,
                 bool *has_more, struct errinfo *ei)
{
    struct patient_query q;
    enum err rc = patient_query_parse(filter->query, &q, ei);

    if (rc)
        return rc;
    rc = store_patient_list(ctx->db, ctx->a, ctx->account_id, &q,
                            filter->archived, page->limit, page->starting_after,
                            out, count, has_more, ei);
    if (rc == ERR_NOT_FOUND)
        return errinfo_set(
            ei, ERR_INVALID, "parameter_invalid", "starting_after",
            "no such patient '%s' to start after", page->starting_after);
    if (rc)
        return app_store_fail(rc, ei);
    return ERR_OK;
}
