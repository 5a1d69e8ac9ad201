/* SHA-256 (FIPS 180-4): the key of the seccomp program cache. */
#ifndef HUSK_SHA256_H
#define HUSK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256
{
  uint32_t h[8];
  uint64_t length;                 /* bytes hashed so far */
  unsigned char block[64];
  size_t used;                     /* bytes waiting in block */
};

void sha256_init (struct sha256 *s);
void sha256_update (struct sha256 *s, const void *data, size_t len);
/* Pads, writes the digest; s must be initialised again before reuse. */
void sha256_final (struct sha256 *s, unsigned char out[SHA256_DIGEST_SIZE]);

/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex (const unsigned char digest[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1]);

#endif
