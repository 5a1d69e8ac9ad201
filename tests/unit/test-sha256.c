/* Unit tests of sha256.c: the FIPS 180-2 / NIST example vectors, the
   padding boundaries (55, 56, 63, 64, 65, 119, 120 bytes) and updates
   split at every offset giving the one-shot digest.  Prints TAP. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "tap.h"

static void
digest_hex (const void *data, size_t len, char hex[2 * SHA256_DIGEST_SIZE + 1])
{
  struct sha256 s;
  unsigned char d[SHA256_DIGEST_SIZE];
  sha256_init (&s);
  sha256_update (&s, data, len);
  sha256_final (&s, d);
  sha256_hex (d, hex);
}

static void
check (const char *label, const void *data, size_t len, const char *want)
{
  char got[2 * SHA256_DIGEST_SIZE + 1];
  digest_hex (data, len, got);
  tap_ok (strcmp (got, want) == 0, "%s -> %.16s... (got %.16s...)", label, want, got);
}

int
main (void)
{
  static const struct
  {
    const char *text;
    const char *digest;
  } nist[] = {
    { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
      "mnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
  };
  for (size_t i = 0; i < sizeof nist / sizeof *nist; i++)
    {
      char label[64];
      snprintf (label, sizeof label, "NIST vector %zu (%zu bytes)", i + 1, strlen (nist[i].text));
      check (label, nist[i].text, strlen (nist[i].text), nist[i].digest);
    }

  /* Where the padding needs one block or two. */
  static const struct
  {
    size_t n;
    const char *digest;
  } as[] = {
    { 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
    { 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
    { 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
    { 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
    { 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
    { 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
    { 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
  };
  char a[1000];
  memset (a, 'a', sizeof a);
  for (size_t i = 0; i < sizeof as / sizeof *as; i++)
    {
      char label[64];
      snprintf (label, sizeof label, "%zu times \"a\"", as[i].n);
      check (label, a, as[i].n, as[i].digest);
    }

  /* A million "a" in 1000-byte updates (the NIST long message). */
  struct sha256 s;
  unsigned char d[SHA256_DIGEST_SIZE];
  char hex[2 * SHA256_DIGEST_SIZE + 1];
  sha256_init (&s);
  for (int i = 0; i < 1000; i++)
    sha256_update (&s, a, sizeof a);
  sha256_final (&s, d);
  sha256_hex (d, hex);
  tap_ok (strcmp (hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
          "a million \"a\" in 1000-byte updates");

  /* Two updates split at every offset of a 200-byte message. */
  unsigned char msg[200];
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (unsigned char) (i * 7 + 3);
  char whole[2 * SHA256_DIGEST_SIZE + 1];
  digest_hex (msg, sizeof msg, whole);
  int bad = 0;
  for (size_t cut = 0; cut <= sizeof msg; cut++)
    {
      sha256_init (&s);
      sha256_update (&s, msg, cut);
      sha256_update (&s, msg + cut, sizeof msg - cut);
      sha256_final (&s, d);
      sha256_hex (d, hex);
      bad += strcmp (hex, whole) != 0;
    }
  tap_ok (bad == 0, "updates split at every offset give the one-shot digest");

  return tap_done ();
}
