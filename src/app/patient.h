/*
 * patient.h - patient use cases: create, read, update, archive, list and
 * search. Patients are never deleted, only archived; archiving and
 * restoring need an admin (or the system).
 */
#ifndef POISE_APP_PATIENT_H
#define POISE_APP_PATIENT_H

#include "app/app.h"
#include "core/patient.h"

/* The mutable fields, in the order of the API's members. */
enum patient_field {
    PATIENT_F_FIRST_NAME,
    PATIENT_F_LAST_NAME,
    PATIENT_F_EMAIL,
    PATIENT_F_PHONE,
    PATIENT_F_DATE_OF_BIRTH,
    PATIENT_F_NOTES,
    PATIENT_F_ARCHIVED,
    PATIENT_F__COUNT
};

/* Values and which of them were given (a NULL value given clears it). */
struct patient_patch {
    struct patient v;
    bool set[PATIENT_F__COUNT];
};

/* What to list: the search text (NULL: none) and archived or active. */
struct patient_filter {
    const char *query;
    bool archived;
};

/*
 * Create a patient from the given fields, normalised and checked by
 * patient_normalize (first and last name required). *out's strings are
 * arena-owned or borrowed from in. ERR_INVALID naming the field,
 * ERR_FORBIDDEN to create one archived without the admin role, ERR_LIMIT,
 * ERR_STORE.
 */
MUST_CHECK enum err app_patient_create(struct app_ctx *ctx,
                                       const struct patient_patch *in,
                                       struct patient *out, struct errinfo *ei);

/* ERR_NOT_FOUND (param "id") when the account has no patient id. */
MUST_CHECK enum err app_patient_get(struct app_ctx *ctx, const char *id,
                                    struct patient *out, struct errinfo *ei);

/*
 * Apply the given fields to patient id and check the result. Nothing is
 * written (and no audit event recorded) when no value changes.
 * ERR_NOT_FOUND, ERR_INVALID naming the field, ERR_FORBIDDEN when the
 * archived flag changes without the admin role, ERR_LIMIT, ERR_STORE.
 */
MUST_CHECK enum err app_patient_update(struct app_ctx *ctx, const char *id,
                                       const struct patient_patch *in,
                                       struct patient *out, struct errinfo *ei);

/*
 * Archive patient id; archiving an archived patient changes nothing.
 * ERR_NOT_FOUND, ERR_FORBIDDEN without the admin role, ERR_STORE.
 */
MUST_CHECK enum err app_patient_archive(struct app_ctx *ctx, const char *id,
                                        struct patient *out,
                                        struct errinfo *ei);

/*
 * One page of the archived or active patients matching the filter's
 * search (see patient_query_parse), in name order. *out is arena-owned.
 * ERR_INVALID with param "query" for a bad search and "starting_after"
 * when that is not a patient of the account; ERR_STORE.
 */
MUST_CHECK enum err app_patient_list(struct app_ctx *ctx,
                                     const struct patient_filter *filter,
                                     const struct page *page,
                                     struct patient **out, size_t *count,
                                     bool *has_more, struct errinfo *ei);

#endif
