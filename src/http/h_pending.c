/*
 * h_pending.c - TEMPORARY: handlers not written yet, so the table links.
 * Each block is deleted by whoever implements its area.
 */
#include "http/http_int.h"

#define PENDING(name)                                                       \
    enum err name(struct req *req, struct resp *resp)                      \
    {                                                                       \
        (void)resp;                                                         \
        return errinfo_set(req->ei, ERR_INTERNAL, "not_implemented", NULL, \
                           "not implemented yet");                          \
    }

/* BEGIN patients */
PENDING(h_patient_list)
PENDING(h_patient_create)
PENDING(h_patient_get)
PENDING(h_patient_update)
PENDING(h_patient_archive)
/* END patients */

