/*
 * h_pending.c - TEMPORARY: handlers not written yet, so the table links.
 * Each block is deleted by whoever implements its area.
 */
#include "http/http_int.h"

#define PENDING(name)                                                          \
    enum err name(struct req *req, struct resp *resp)                          \
    {                                                                          \
        (void)resp;                                                            \
        return errinfo_set(req->ei, ERR_INTERNAL, "not_implemented", NULL,     \
                           "not implemented yet");                             \
    }
