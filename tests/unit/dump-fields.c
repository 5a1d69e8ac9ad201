/* Prints every JSON path libocispec-lite's config.json parser knows, from
   its descriptor tables, one per line: "path<TAB>type<TAB>required|optional".
   tests/integration compares this with schema/config.schema.json, so that
   the parser and the published schema cannot drift apart. */
#include <config.h>

#include <stdio.h>

#include "oci_config.h"

static void
print_field (const char *path, const char *type, bool required, void *data)
{
  printf ("%s\t%s\t%s\n", path, type, required ? "required" : "optional");
}

int
main (void)
{
  oci_config_describe (print_field, NULL);
  return fflush (stdout) == 0 ? 0 : 1;
}
