/* Container id validation. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "container_id.h"

/* The id as it may appear in a one-line message: printable ASCII kept,
   anything else shown as \xNN, at most 64 bytes of it. */
static void
quote_id (const char *id, char *out, size_t size)
{
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *) id; *p && o + 5 < size; p++)
    {
      if (p - (const unsigned char *) id >= 64)
        {
          snprintf (out + o, size - o, "...");
          return;
        }
      if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
        out[o++] = (char) *p;
      else
        o += (size_t) snprintf (out + o, size - o, "\\x%02x", *p);
    }
  out[o] = '\0';
}

int
container_id_check (const char *id, struct husk_error **err)
{
  if (id == NULL || *id == '\0')
    return husk_error_set (err, "invalid container id \"\": must not be empty");
  size_t len = strlen (id);
  if (len > CONTAINER_ID_MAX)
    return husk_error_set (err, "invalid container id: longer than %d bytes", CONTAINER_ID_MAX);
  char shown[300];
  quote_id (id, shown, sizeof shown);
  if (id[0] == '.')
    return husk_error_set (err, "invalid container id \"%s\": must not start with \".\"", shown);
  for (const char *p = id; *p; p++)
    {
      char c = *p;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '+' || c == '-' || c == '.')
        continue;
      return husk_error_set (err, "invalid container id \"%s\": only letters, digits and \"_+-.\" are allowed",
                             shown);
    }
  return 0;
}
