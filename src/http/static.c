/*
 * static.c - the web app's files in memory, gzipped once, versioned by
 * content hash.
 *
 * Invariant: after static_load the table is immutable, so worker threads
 * read it without locks.
 */
#include "http/static.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/arena.h"
#include "base/assert.h"
#include "base/crypto.h"
#include "base/log.h"

#define STATIC_FILES_MAX 512
#define STATIC_FILE_BYTES_MAX (8u * 1024 * 1024)
#define STATIC_PATH_MAX 256
#define VERSION_LEN 10
#define ASSETS_PLACEHOLDER "%ASSETS%"

struct file {
    char path[STATIC_PATH_MAX]; /* relative: "app.js", "screens/x.js" */
    const char *content_type;
    unsigned char *raw;
    size_t raw_len;
    unsigned char *gz; /* NULL when gzip does not help */
    size_t gz_len;
};

static struct file *files;
static size_t file_count;
static char version[VERSION_LEN + 1];
static const struct file *index_file;

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
    {".map", "application/json"},
};

static const char *
type_of(const char *path)
{
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]);
         i++) {
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

bool
static_enabled(void)
{
    return index_file != NULL;
}

const char *
static_version(void)
{
    return version;
}

/* Gzip f->raw into f->gz when that makes it smaller. */
static void
compress_file(struct file *f)
{
    z_stream z;
    uLong cap = compressBound((uLong)f->raw_len) + 32;
    unsigned char *out = xmalloc(cap);

    memset(&z, 0, sizeof(z));
    /* 15 + 16: a gzip wrapper, as Content-Encoding: gzip expects. */
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        free(out);
        return;
    }
    z.next_in = f->raw;
    z.avail_in = (uInt)f->raw_len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out < f->raw_len) {
        f->gz = out;
        f->gz_len = z.total_out;
    } else {
        free(out);
    }
    deflateEnd(&z);
}

static enum err
read_file(const char *full, struct file *f, struct errinfo *ei)
{
    FILE *fp = fopen(full, "rb");
    struct stat sb;

    if (fp == NULL || fstat(fileno(fp), &sb) != 0) {
        if (fp != NULL)
            fclose(fp);
        return errinfo_set(ei, ERR_NOT_FOUND, "web_unreadable", NULL,
                           "cannot read '%s'", full);
    }
    if ((size_t)sb.st_size > STATIC_FILE_BYTES_MAX) {
        fclose(fp);
        return errinfo_set(ei, ERR_LIMIT, "web_too_large", NULL,
                           "'%s' is over 8 MiB", full);
    }
    f->raw_len = (size_t)sb.st_size;
    f->raw = xmalloc(f->raw_len + 1);
    if (fread(f->raw, 1, f->raw_len, fp) != f->raw_len) {
        fclose(fp);
        return errinfo_set(ei, ERR_NOT_FOUND, "web_unreadable", NULL,
                           "short read of '%s'", full);
    }
    fclose(fp);
    return ERR_OK;
}

static enum err walk(const char *root, const char *rel, struct errinfo *ei);

static enum err
add_entry(const char *root, const char *rel, const char *name,
          struct errinfo *ei)
{
    char relpath[STATIC_PATH_MAX];
    char full[2 * STATIC_PATH_MAX];
    struct stat sb;
    struct file *f;
    enum err rc;

    if (name[0] == '.')
        return ERR_OK; /* hidden files and build stamps are not served */
    if ((size_t)snprintf(relpath, sizeof(relpath), "%s%s%s", rel,
                         rel[0] != '\0' ? "/" : "", name) >= sizeof(relpath) ||
        (size_t)snprintf(full, sizeof(full), "%s/%s", root, relpath) >=
            sizeof(full))
        return errinfo_set(ei, ERR_LIMIT, "web_path", NULL,
                           "path too long under '%s'", root);
    if (stat(full, &sb) != 0)
        return ERR_OK;
    if (S_ISDIR(sb.st_mode))
        return walk(root, relpath, ei);
    if (!S_ISREG(sb.st_mode))
        return ERR_OK;
    if (file_count == STATIC_FILES_MAX)
        return errinfo_set(ei, ERR_LIMIT, "web_too_many", NULL,
                           "more than %d files under '%s'", STATIC_FILES_MAX,
                           root);
    f = &files[file_count];
    memset(f, 0, sizeof(*f));
    memcpy(f->path, relpath, strlen(relpath) + 1);
    f->content_type = type_of(relpath);
    rc = read_file(full, f, ei);
    if (rc == ERR_OK)
        file_count++;
    else
        free(f->raw);
    return rc;
}

static enum err
walk(const char *root, const char *rel, struct errinfo *ei)
{
    char dir[2 * STATIC_PATH_MAX];
    struct dirent **names;
    enum err rc = ERR_OK;
    int n;

    snprintf(dir, sizeof(dir), "%s%s%s", root, rel[0] != '\0' ? "/" : "", rel);
    /* Sorted, so the version hash does not depend on directory order. */
    n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return errinfo_set(ei, ERR_NOT_FOUND, "web_missing", NULL,
                           "no web directory '%s'", dir);
    for (int i = 0; i < n; i++) {
        if (rc == ERR_OK)
            rc = add_entry(root, rel, names[i]->d_name, ei);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* The version: the first hex digits of SHA-256 over paths and contents. */
static void
compute_version(void)
{
    struct str *parts = xcalloc(2 * file_count + 1, sizeof(*parts));
    char hex[SHA256_HEX_LEN + 1];

    for (size_t i = 0; i < file_count; i++) {
        parts[2 * i] = str_c(files[i].path);
        parts[2 * i + 1] = (struct str){(const char *)files[i].raw,
                                        files[i].raw_len};
    }
    sha256_hex_parts(parts, 2 * file_count, hex);
    free(parts);
    memcpy(version, hex, VERSION_LEN);
    version[VERSION_LEN] = '\0';
}

/* Replace every %ASSETS% in index.html with /assets/<version>. */
static void
stamp_index(struct file *f)
{
    char base[32];
    size_t blen;
    size_t plen = strlen(ASSETS_PLACEHOLDER);
    size_t count = 0;
    unsigned char *out;
    size_t n = 0;

    snprintf(base, sizeof(base), "/assets/%s", version);
    blen = strlen(base);
    for (size_t i = 0; i + plen <= f->raw_len; i++) {
        if (memcmp(f->raw + i, ASSETS_PLACEHOLDER, plen) == 0)
            count++;
    }
    out = xmalloc(f->raw_len + count * blen + 1);
    for (size_t i = 0; i < f->raw_len;) {
        if (i + plen <= f->raw_len &&
            memcmp(f->raw + i, ASSETS_PLACEHOLDER, plen) == 0) {
            memcpy(out + n, base, blen);
            n += blen;
            i += plen;
        } else {
            out[n++] = f->raw[i++];
        }
    }
    free(f->raw);
    f->raw = out;
    f->raw_len = n;
}

enum err
static_load(const char *dir, struct errinfo *ei)
{
    enum err rc;

    ASSERT(files == NULL);
    files = xcalloc(STATIC_FILES_MAX, sizeof(*files));
    rc = walk(dir, "", ei);
    for (size_t i = 0; rc == ERR_OK && i < file_count; i++) {
        if (strcmp(files[i].path, "index.html") == 0)
            index_file = &files[i];
    }
    if (rc == ERR_OK && index_file == NULL)
        rc = errinfo_set(ei, ERR_NOT_FOUND, "web_missing", NULL,
                         "no index.html in '%s'", dir);
    if (rc) {
        static_unload();
        return rc;
    }
    compute_version();
    stamp_index(&files[index_file - files]);
    for (size_t i = 0; i < file_count; i++)
        compress_file(&files[i]);
    return ERR_OK;
}

void
static_unload(void)
{
    for (size_t i = 0; files != NULL && i < file_count; i++) {
        free(files[i].raw);
        free(files[i].gz);
    }
    free(files);
    files = NULL;
    file_count = 0;
    index_file = NULL;
    version[0] = '\0';
}

static const struct file *
find(const char *rel)
{
    for (size_t i = 0; i < file_count; i++) {
        if (strcmp(files[i].path, rel) == 0)
            return &files[i];
    }
    return NULL;
}

static void
reply_with(const struct file *f, bool accept_gzip, const char *cache,
           struct static_reply *out)
{
    out->status = 200;
    out->content_type = f->content_type;
    out->cache_control = cache;
    out->html = f == index_file;
    out->gzipped = accept_gzip && f->gz != NULL;
    out->body = out->gzipped ? f->gz : f->raw;
    out->len = out->gzipped ? f->gz_len : f->raw_len;
}

void
static_lookup(const char *path, bool accept_gzip, struct static_reply *out)
{
    static const char assets[] = "/assets/";
    const char *last = strrchr(path, '/');
    const struct file *f = NULL;

    memset(out, 0, sizeof(*out));
    out->status = 404;
    out->content_type = "text/plain; charset=utf-8";
    out->cache_control = "no-store";
    out->body = "";
    if (index_file == NULL || strstr(path, "..") != NULL)
        return;
    if (strncmp(path, assets, sizeof(assets) - 1) == 0) {
        const char *v = path + sizeof(assets) - 1;

        /* Only the current version: old URLs must not be cached as new. */
        if (strncmp(v, version, VERSION_LEN) == 0 && v[VERSION_LEN] == '/')
            f = find(v + VERSION_LEN + 1);
        if (f != NULL)
            reply_with(f, accept_gzip, "public, max-age=31536000, immutable",
                       out);
        return;
    }
    if (last != NULL && strchr(last, '.') != NULL) {
        /* A root file such as /favicon.svg or /robots.txt. */
        f = find(path + 1);
        if (f != NULL && f != index_file)
            reply_with(f, accept_gzip, "public, max-age=3600", out);
        return;
    }
    /* Any other path is a route of the app itself. */
    reply_with(index_file, accept_gzip, "no-cache", out);
}
