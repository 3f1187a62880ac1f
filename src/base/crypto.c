/*
 * crypto.c - ids, secrets, hashes and password hashing over libsodium.
 */
#include "base/crypto.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "base/assert.h"

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

/* Argon2id cost: OWASP's minimum (19 MiB, 2 passes) keeps RSS bounded. */
#define PWHASH_OPS 2
#define PWHASH_MEM (19u * 1024u * 1024u)

enum err
crypto_init(void)
{
    if (sodium_init() < 0)
        return ERR_INTERNAL;
    return ERR_OK;
}

/*
 * The last id's time and random part. Ids made in the same millisecond (or
 * under a clock that stepped back) reuse that time and add one to the
 * random part, so ids from one process sort in the order they were made,
 * as ULID's monotonic mode does; the first of each millisecond is fresh
 * randomness.
 */
static pthread_mutex_t id_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t id_last_ms;
static unsigned char id_last_rnd[10];

static void
id_next(uint64_t *t, unsigned char rnd[10])
{
    pthread_mutex_lock(&id_mu);
    if (*t <= id_last_ms) {
        int i = 9;

        *t = id_last_ms;
        while (i >= 0 && ++id_last_rnd[i] == 0)
            i--;
        if (i < 0) /* 2^80 ids in one millisecond: move to the next */
            id_last_ms++, *t = id_last_ms;
    } else {
        id_last_ms = *t;
        randombytes_buf(id_last_rnd, sizeof(id_last_rnd));
    }
    memcpy(rnd, id_last_rnd, 10);
    pthread_mutex_unlock(&id_mu);
}

char *
id_new(struct arena *a, const char *prefix, int64_t now_ms)
{
    unsigned char rnd[10];
    size_t plen = strlen(prefix);
    char *id;
    char *body;
    uint64_t t = (uint64_t)now_ms;

    ASSERT(now_ms >= 0);
    id = arena_alloc(a, plen + 1 + ID_BODY_LEN + 1);
    if (id == NULL)
        return NULL;
    memcpy(id, prefix, plen);
    id[plen] = '_';
    body = id + plen + 1;
    id_next(&t, rnd);
    /* 10 characters of time (50 bits, top 2 zero), then 16 of randomness. */
    for (int i = 9; i >= 0; i--) {
        body[i] = crockford[t & 31];
        t >>= 5;
    }
    for (int i = 0; i < 16; i++) {
        unsigned bit = (unsigned)i * 5;
        unsigned v = ((unsigned)rnd[bit / 8] << 8) |
                     (bit / 8 + 1 < sizeof(rnd) ? rnd[bit / 8 + 1] : 0);

        body[10 + i] = crockford[(v >> (11 - bit % 8)) & 31];
    }
    body[ID_BODY_LEN] = '\0';
    return id;
}

bool
id_is_valid(struct str s, const char *prefix)
{
    size_t plen = strlen(prefix);

    if (s.len != plen + 1 + ID_BODY_LEN)
        return false;
    if (memcmp(s.ptr, prefix, plen) != 0 || s.ptr[plen] != '_')
        return false;
    for (size_t i = plen + 1; i < s.len; i++) {
        if (strchr(crockford, s.ptr[i]) == NULL || s.ptr[i] == '\0')
            return false;
    }
    return true;
}

char *
secret_new(struct arena *a, size_t len)
{
    unsigned char rnd[64];
    char *s = arena_alloc(a, len + 1);

    ASSERT(len <= sizeof(rnd));
    if (s == NULL)
        return NULL;
    /* One call for all the bytes: each call may be a getrandom(2). */
    randombytes_buf(rnd, len);
    for (size_t i = 0; i < len; i++)
        s[i] = crockford[rnd[i] & 31]; /* 256 is a multiple of 32: uniform */
    s[len] = '\0';
    sodium_memzero(rnd, sizeof(rnd));
    return s;
}

static void
to_hex(const unsigned char *digest, char *out)
{
    sodium_bin2hex(out, SHA256_HEX_LEN + 1, digest, crypto_hash_sha256_BYTES);
}

void
sha256_hex(const void *data, size_t len, char *out)
{
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256(digest, data, len);
    to_hex(digest, out);
}

void
sha256_hex_parts(const struct str *parts, size_t n, char *out)
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256_init(&st);
    for (size_t i = 0; i < n; i++) {
        uint64_t len = parts[i].len;
        unsigned char lenb[8];

        for (int k = 0; k < 8; k++)
            lenb[k] = (unsigned char)(len >> (8 * k));
        crypto_hash_sha256_update(&st, lenb, sizeof(lenb));
        if (parts[i].len > 0)
            crypto_hash_sha256_update(&st, (const unsigned char *)parts[i].ptr,
                                      parts[i].len);
    }
    crypto_hash_sha256_final(&st, digest);
    to_hex(digest, out);
}

enum err
password_hash(const char *password, char *out, size_t out_len)
{
    ASSERT(out_len >= crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(out, password, strlen(password), PWHASH_OPS,
                          PWHASH_MEM) != 0)
        return ERR_INTERNAL;
    return ERR_OK;
}

bool
password_verify(const char *stored_hash, const char *password)
{
    return crypto_pwhash_str_verify(stored_hash, password, strlen(password)) ==
           0;
}

void
secret_wipe(void *p, size_t len)
{
    sodium_memzero(p, len);
}

char *
base64_encode(struct arena *a, const void *data, size_t len)
{
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *out = arena_alloc(a, cap);

    ASSERT(data != NULL || len == 0);
    if (out == NULL)
        return NULL;
    sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_ORIGINAL);
    ASSERT(strlen(out) + 1 == cap);
    return out;
}

enum err
base64_decode(struct arena *a, const char *b64, unsigned char **out,
              size_t *len)
{
    size_t n = strlen(b64);
    size_t cap = n / 4 * 3 + 1;
    unsigned char *bin = arena_alloc(a, cap);
    const char *end = NULL;

    if (bin == NULL)
        return ERR_LIMIT;
    if (sodium_base642bin(bin, cap, b64, n, NULL, len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64 + n)
        return ERR_INVALID;
    ASSERT(*len < cap);
    bin[*len] = '\0';
    *out = bin;
    return ERR_OK;
}
