/* libFuzzer target for every parser of untrusted JSON in husk: config.json,
   process.json (exec), linux.resources (update) and state.json.  Besides
   crashes and sanitizer reports, it fails when an error message is not
   exactly one line, since engines show that line to users. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci_config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (char *err)
{
  if (err == NULL || *err == '\0' || strchr (err, '\n') != NULL)
    abort ();
  free (err);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  char *err = NULL;

  struct oci_config *c = NULL;
  if (oci_config_parse_data (d, size, "config.json", &c, &err) == 0)
    oci_config_free (c);
  else
    check_error (err);

  struct oci_process *p = NULL;
  err = NULL;
  if (oci_process_parse_data (d, size, "process.json", &p, &err) == 0)
    oci_process_free (p);
  else
    check_error (err);

  struct oci_resources *r = NULL;
  err = NULL;
  if (oci_resources_parse_data (d, size, "resources", &r, &err) == 0)
    oci_resources_free (r);
  else
    check_error (err);

  struct oci_state *s = NULL;
  err = NULL;
  if (oci_state_parse_data (d, size, "state.json", &s, &err) == 0)
    {
      char *json = NULL;
      size_t len;
      if (oci_state_generate (s, true, &json, &len) < 0)
        abort ();
      free (json);
      oci_state_free (s);
    }
  else
    check_error (err);
  return 0;
}
