/*
 * json.h - strict reading of request bodies and writing of responses.
 *
 * Bodies are parsed with jansson into a request's arena (see
 * json_use_arena). A handler describes the members it accepts in a table
 * of struct jfield; json_read() fills the outputs, refuses unknown members,
 * wrong types, reals where integers are expected and out-of-range values,
 * and names the offending member in errinfo.param.
 */
#ifndef POISE_BASE_JSON_H
#define POISE_BASE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"

enum jtype {
    JT_STRING, /* out: const char ** (arena-owned), NULL when JSON null */
    JT_INT,    /* out: int64_t *, within [min, max]; reals refused */
    JT_BOOL,   /* out: bool * */
    JT_OBJECT, /* out: json_t ** (borrowed from the body) */
    JT_ARRAY,  /* out: json_t ** (borrowed), with min..max elements */
};

struct jfield {
    const char *name;
    enum jtype type;
    bool required;
    bool nullable;    /* JSON null accepted (sets *out NULL / present) */
    int64_t min, max; /* JT_INT range; JT_STRING length in bytes */
    void *out;
    bool *present; /* optional: set true when the member was given */
};

/*
 * Route jansson's allocations on this thread to arena a (NULL restores
 * malloc). Frees become no-ops while an arena is in use.
 */
void json_use_arena(struct arena *a);

/* The arena in use on this thread (NULL: malloc), to restore later. */
struct arena *json_arena_in_use(void);

/* Install the thread-aware allocator; call once at start-up. */
void json_init(void);

/*
 * Parse text (len bytes) as a JSON object. ERR_INVALID with code
 * "invalid_json" for bad syntax or a non-object, "parameter_invalid" for
 * duplicate keys.
 */
MUST_CHECK enum err json_parse_object(struct str text, json_t **out,
                                      struct errinfo *ei);

/*
 * Fill the outputs of fields from obj (which may be NULL: an empty body).
 * prefix names the parent object in errinfo.param ("address."), or "".
 */
MUST_CHECK enum err json_read(json_t *obj, const struct jfield *fields,
                              size_t n, const char *prefix, struct errinfo *ei);

/*
 * Serialise v into arena a (compact, keys in insertion order); NULL when
 * the arena is exhausted. Arena-owned.
 */
char *json_dump(struct arena *a, const json_t *v, size_t *len_out);

/* json_string/json_integer that treat NULL text as JSON null. */
json_t *json_str_or_null(const char *s);

/* Set key to v on obj, stealing v (ignores NULL v: the arena is full). */
void json_put(json_t *obj, const char *key, json_t *v);

#endif
