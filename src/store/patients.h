/*
 * patients.h - the patients table.
 *
 * Rows carry the search keys of core/patient.h beside the values; the
 * caller computes them (patient_keys_compute) so the store holds no rule.
 * Patients are never deleted, only archived.
 */
#ifndef POISE_STORE_PATIENTS_H
#define POISE_STORE_PATIENTS_H

#include "core/patient.h"
#include "store/store.h"

/* Insert p with its keys k. ERR_CONFLICT if p->id exists. */
MUST_CHECK enum err store_patient_insert(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct patient *p,
                                         const struct patient_keys *k,
                                         struct errinfo *ei);

/* Overwrite every mutable field and key of p->id. ERR_NOT_FOUND if absent. */
MUST_CHECK enum err store_patient_update(struct db *db, struct arena *a,
                                         const char *account_id,
                                         const struct patient *p,
                                         const struct patient_keys *k,
                                         struct errinfo *ei);

/* ERR_NOT_FOUND when the account has no patient id. Strings arena-owned. */
MUST_CHECK enum err store_patient_get(struct db *db, struct arena *a,
                                      const char *account_id, const char *id,
                                      struct patient *out, struct errinfo *ei);

/*
 * One page of the patients whose archived flag equals archived and that
 * match q (PATIENT_QUERY_NONE: all), in name order (sort key, then id),
 * after the patient starting_after (NULL: from the start). At most limit
 * (1..100) rows in one statement; *has_more when there are more. *out is
 * arena-owned. ERR_NOT_FOUND when starting_after is not a patient of the
 * account.
 */
MUST_CHECK enum err
store_patient_list(struct db *db, struct arena *a, const char *account_id,
                   const struct patient_query *q, bool archived, int64_t limit,
                   const char *starting_after, struct patient **out,
                   size_t *count, bool *has_more, struct errinfo *ei);

#endif
