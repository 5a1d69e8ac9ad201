/* The tables of oci_tables.h. */
#include <config.h>

#include <string.h>

#include "oci_tables.h"

bool
oci_name_in (const char *const *list, const char *name)
{
  for (; *list; list++)
    if (strcmp (*list, name) == 0)
      return true;
  return false;
}
