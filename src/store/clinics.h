/*
 * clinics.h - the clinics table.
 */
#ifndef POISE_STORE_CLINICS_H
#define POISE_STORE_CLINICS_H

#include "core/clinic.h"
#include "store/store.h"

MUST_CHECK enum err store_clinic_insert(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct clinic *c,
                                        struct errinfo *ei);

/* Overwrite every mutable field of c->id. ERR_NOT_FOUND if absent. */
MUST_CHECK enum err store_clinic_update(struct db *db, struct arena *a,
                                        const char *account_id,
                                        const struct clinic *c,
                                        struct errinfo *ei);

/* ERR_NOT_FOUND when the account has no clinic id. Strings arena-owned. */
MUST_CHECK enum err store_clinic_get(struct db *db, struct arena *a,
                                     const char *account_id, const char *id,
                                     struct clinic *out, struct errinfo *ei);

/* Oldest first; *out arena-owned. */
MUST_CHECK enum err store_clinic_list(struct db *db, struct arena *a,
                                      const char *account_id, int64_t limit,
                                      const char *starting_after,
                                      struct clinic **out, size_t *count,
                                      bool *has_more, struct errinfo *ei);

#endif
