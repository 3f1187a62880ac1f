/*
 * json.c - jansson on a per-thread arena, and strict member reading.
 *
 * jansson's allocator is process-global, so it is installed once and
 * consults a thread-local arena: inside a request every JSON value lives in
 * the request's arena and disappears with it; outside, plain malloc/free.
 */
#include "base/json.h"

#include <stdlib.h>
#include <string.h>

#include "base/assert.h"

static _Thread_local struct arena *json_arena;

static void *
json_alloc(size_t size)
{
    if (json_arena != NULL)
        return arena_alloc(json_arena, size);
    return malloc(size);
}

static void
json_release(void *p)
{
    /* Memory from the arena goes with the arena. */
    if (json_arena == NULL)
        free(p);
}

void
json_init(void)
{
    json_set_alloc_funcs(json_alloc, json_release);
}

void
json_use_arena(struct arena *a)
{
    json_arena = a;
}

struct arena *
json_arena_in_use(void)
{
    return json_arena;
}

enum err
json_parse_object(struct str text, json_t **out, struct errinfo *ei)
{
    json_error_t jerr;
    json_t *v;

    v = json_loadb(text.ptr, text.len, JSON_REJECT_DUPLICATES, &jerr);
    if (v == NULL) {
        return errinfo_set(ei, ERR_INVALID, "invalid_json", NULL,
                           "request body is not valid JSON: %s (line %d, "
                           "column %d)",
                           jerr.text, jerr.line, jerr.column);
    }
    if (!json_is_object(v)) {
        return errinfo_set(ei, ERR_INVALID, "invalid_json", NULL,
                           "request body must be a JSON object");
    }
    *out = v;
    return ERR_OK;
}

static const char *const jtype_names[] = {
    [JT_STRING] = "a string",  [JT_INT] = "an integer", [JT_BOOL] = "a boolean",
    [JT_OBJECT] = "an object", [JT_ARRAY] = "an array",
};

static enum err
wrong_type(const struct jfield *f, const char *prefix, json_t *v,
           struct errinfo *ei)
{
    const char *hint = "";

    if (f->type == JT_INT && (json_is_real(v) || json_is_string(v)))
        hint = " (amounts are integers in minor units, e.g. 1250 for 12.50)";
    return errinfo_set(ei, ERR_INVALID, "parameter_invalid_type", NULL,
                       "'%s%s' must be %s%s", prefix, f->name,
                       jtype_names[f->type], hint);
}

static enum err
read_one(const struct jfield *f, json_t *v, const char *prefix,
         struct errinfo *ei)
{
    switch (f->type) {
    case JT_STRING: {
        size_t len;

        if (!json_is_string(v))
            return wrong_type(f, prefix, v, ei);
        len = json_string_length(v);
        if ((int64_t)len < f->min || (f->max > 0 && (int64_t)len > f->max)) {
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                               "'%s%s' must be %lld to %lld bytes long", prefix,
                               f->name, (long long)f->min, (long long)f->max);
        }
        if (strlen(json_string_value(v)) != len) {
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                               "'%s%s' must not contain NUL characters", prefix,
                               f->name);
        }
        *(const char **)f->out = json_string_value(v);
        return ERR_OK;
    }
    case JT_INT: {
        json_int_t n;

        if (!json_is_integer(v))
            return wrong_type(f, prefix, v, ei);
        n = json_integer_value(v);
        if (n < f->min || n > f->max) {
            return errinfo_set(ei, ERR_INVALID, "parameter_out_of_range", NULL,
                               "'%s%s' must be between %lld and %lld", prefix,
                               f->name, (long long)f->min, (long long)f->max);
        }
        *(int64_t *)f->out = n;
        return ERR_OK;
    }
    case JT_BOOL:
        if (!json_is_boolean(v))
            return wrong_type(f, prefix, v, ei);
        *(bool *)f->out = json_is_true(v);
        return ERR_OK;
    case JT_OBJECT:
        if (!json_is_object(v))
            return wrong_type(f, prefix, v, ei);
        *(json_t **)f->out = v;
        return ERR_OK;
    case JT_ARRAY: {
        size_t n;

        if (!json_is_array(v))
            return wrong_type(f, prefix, v, ei);
        n = json_array_size(v);
        if ((int64_t)n < f->min || (f->max > 0 && (int64_t)n > f->max)) {
            return errinfo_set(ei, ERR_INVALID, "parameter_invalid", NULL,
                               "'%s%s' must hold %lld to %lld elements", prefix,
                               f->name, (long long)f->min, (long long)f->max);
        }
        *(json_t **)f->out = v;
        return ERR_OK;
    }
    default:
        ASSERT(!"unreachable");
    }
}

static void
set_param(struct errinfo *ei, const char *prefix, const char *name)
{
    if (ei != NULL && ei->param[0] == '\0') {
        size_t pl = strlen(prefix);
        size_t nl = strlen(name);

        if (pl + nl < sizeof(ei->param)) {
            memcpy(ei->param, prefix, pl);
            memcpy(ei->param + pl, name, nl + 1);
        }
    }
}

static enum err
check_unknown(json_t *obj, const struct jfield *fields, size_t n,
              const char *prefix, struct errinfo *ei)
{
    const char *key;
    json_t *v;

    json_object_foreach (obj, key, v) {
        size_t i;

        for (i = 0; i < n; i++) {
            if (strcmp(fields[i].name, key) == 0)
                break;
        }
        if (i == n) {
            enum err rc = errinfo_set(ei, ERR_INVALID, "parameter_unknown",
                                      NULL, "unknown parameter '%s%s'", prefix,
                                      key);
            set_param(ei, prefix, key);
            return rc;
        }
    }
    return ERR_OK;
}

enum err
json_read(json_t *obj, const struct jfield *fields, size_t n,
          const char *prefix, struct errinfo *ei)
{
    enum err rc;

    if (obj != NULL) {
        rc = check_unknown(obj, fields, n, prefix, ei);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        const struct jfield *f = &fields[i];
        json_t *v = obj != NULL ? json_object_get(obj, f->name) : NULL;

        if (v == NULL) {
            if (!f->required)
                continue;
            rc = errinfo_set(ei, ERR_INVALID, "parameter_missing", NULL,
                             "missing required parameter '%s%s'", prefix,
                             f->name);
            set_param(ei, prefix, f->name);
            return rc;
        }
        if (json_is_null(v) && f->nullable) {
            if (f->type == JT_STRING || f->type == JT_OBJECT ||
                f->type == JT_ARRAY)
                *(void **)f->out = NULL;
        } else {
            rc = read_one(f, v, prefix, ei);
            if (rc) {
                set_param(ei, prefix, f->name);
                return rc;
            }
        }
        if (f->present != NULL)
            *f->present = true;
    }
    return ERR_OK;
}

struct dump_ctx {
    struct arena *a;
    char *ptr;
    size_t len;
    size_t cap;
    bool failed;
};

static int
dump_cb(const char *buffer, size_t size, void *data)
{
    struct dump_ctx *d = data;

    if (d->len + size + 1 > d->cap) {
        size_t ncap = d->cap == 0 ? 1024 : d->cap * 2;
        char *p;

        while (ncap < d->len + size + 1)
            ncap *= 2;
        p = arena_alloc(d->a, ncap);
        if (p == NULL) {
            d->failed = true;
            return -1;
        }
        if (d->len > 0)
            memcpy(p, d->ptr, d->len);
        d->ptr = p;
        d->cap = ncap;
    }
    memcpy(d->ptr + d->len, buffer, size);
    d->len += size;
    d->ptr[d->len] = '\0';
    return 0;
}

char *
json_dump(struct arena *a, const json_t *v, size_t *len_out)
{
    struct dump_ctx d = {.a = a};

    if (json_dump_callback(v, dump_cb, &d,
                           JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
        d.failed)
        return NULL;
    if (d.ptr == NULL)
        return NULL;
    if (len_out != NULL)
        *len_out = d.len;
    return d.ptr;
}

json_t *
json_str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

void
json_put(json_t *obj, const char *key, json_t *v)
{
    if (v != NULL)
        (void)json_object_set_new(obj, key, v); /* fails only on OOM */
}
