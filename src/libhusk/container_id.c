/* Container id validation. */
#include <config.h>

#include <string.h>

#include "container_id.h"

int
container_id_check (const char *id, struct husk_error **err)
{
  if (id == NULL || *id == '\0')
    return husk_error_set (err, "invalid container id \"\": must not be empty");
  size_t len = strlen (id);
  if (len > CONTAINER_ID_MAX)
    return husk_error_set (err, "invalid container id: longer than %d bytes", CONTAINER_ID_MAX);
  if (id[0] == '.')
    return husk_error_set (err, "invalid container id \"%s\": must not start with \".\"", id);
  for (const char *p = id; *p; p++)
    {
      char c = *p;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '+' || c == '-' || c == '.')
        continue;
      return husk_error_set (err, "invalid container id \"%s\": only letters, digits and \"_+-.\" are allowed", id);
    }
  return 0;
}
