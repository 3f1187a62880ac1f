/*
 * crypto.h - random identifiers, secrets and hashes (libsodium).
 *
 * Ids are "<prefix>_" followed by 26 Crockford base32 characters: 48 bits
 * of milliseconds then 80 random bits, so ids sort by creation time and
 * cannot be guessed. Within one process they are monotonic: an id made in
 * the same millisecond as the last one takes its random part plus one. Secrets
 * are 32 random bytes in base32. Stored credentials are SHA-256 hex digests of
 * the secret; passwords use Argon2id.
 */
#ifndef POISE_BASE_CRYPTO_H
#define POISE_BASE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/str.h"

#define ID_BODY_LEN 26
#define SHA256_HEX_LEN 64

/* Initialise libsodium; call once at start-up. ERR_INTERNAL on failure. */
MUST_CHECK enum err crypto_init(void);

/* A new id "<prefix>_<26 chars>" for time now_ms; arena-owned or NULL. */
char *id_new(struct arena *a, const char *prefix, int64_t now_ms);

/* True when s looks like an id with this prefix (shape only). */
bool id_is_valid(struct str s, const char *prefix);

/* len random Crockford base32 characters; arena-owned or NULL. */
char *secret_new(struct arena *a, size_t len);

/* Lower-case hex SHA-256 of data into out (SHA256_HEX_LEN + 1 bytes). */
void sha256_hex(const void *data, size_t len, char *out);

/* Hash of several parts, each length-prefixed so boundaries matter. */
void sha256_hex_parts(const struct str *parts, size_t n, char *out);

/*
 * Argon2id hash of password into out (crypto_pwhash_STRBYTES).
 * ERR_INTERNAL when the hash cannot be computed (out of memory).
 */
MUST_CHECK enum err password_hash(const char *password, char *out,
                                  size_t out_len);

/* True when password matches the stored Argon2id hash. */
bool password_verify(const char *stored_hash, const char *password);

/* Wipe secret bytes so they do not linger in memory. */
void secret_wipe(void *p, size_t len);

/*
 * Standard base64 (RFC 4648, padded, no line breaks) of len bytes of
 * data; arena-owned and NUL-terminated, or NULL past the arena's cap.
 */
char *base64_encode(struct arena *a, const void *data, size_t len);

/*
 * Decode standard padded base64 b64 into *out (arena-owned, *len bytes,
 * with a NUL after them). ERR_INVALID for anything but base64, ERR_LIMIT
 * past the arena's cap.
 */
MUST_CHECK enum err base64_decode(struct arena *a, const char *b64,
                                  unsigned char **out, size_t *len);

#endif
