/* The container state JSON of the runtime-spec (runtime.md "State"):
   generated for `husk state`, and read back from husk's own state.json. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "cleanup.h"
#include "oci_config.h"
#include "oci_json.h"

static const char *const state_statuses[] = { "creating", "created", "running", "stopped", NULL };
static const struct oci_enum e_status = { "unknown status", NULL, state_statuses, NULL };

#define STATE struct oci_state
static const struct oci_type state_type = {
  .size = sizeof (STATE),
  .fields = (const struct oci_field[]) {
    { .name = "ociVersion", .kind = OCI_K_STRING, .offset = offsetof (STATE, oci_version), .required = true },
    { .name = "id", .kind = OCI_K_STRING, .offset = offsetof (STATE, id), .required = true },
    { .name = "status", .kind = OCI_K_STRING, .offset = offsetof (STATE, status), .required = true,
      .values = &e_status },
    { .name = "pid", .kind = OCI_K_INT, .offset = offsetof (STATE, pid) },
    { .name = "bundle", .kind = OCI_K_STRING, .offset = offsetof (STATE, bundle), .required = true },
    { .name = "annotations", .kind = OCI_K_MAP, .offset = offsetof (STATE, annotations) },
    { .name = NULL } },
};

int
oci_state_parse_data (const char *data, size_t len, const char *name, struct oci_state **out,
                      char **err)
{
  void *p;
  int rc = oci_json_parse_type (data, len, name ? name : "state.json", &state_type, &p, err);
  *out = p;
  return rc;
}

void
oci_state_free (struct oci_state *s)
{
  oci_json_free_type (&state_type, s);
  free (s);
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0. */
static size_t
utf8_sequence (const unsigned char *s)
{
  if (s[0] < 0x80)
    return 1;
  size_t n;
  unsigned int cp;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    n = 2, cp = s[0] & 0x1f;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    n = 3, cp = s[0] & 0x0f;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    n = 4, cp = s[0] & 0x07;
  else
    return 0;
  for (size_t i = 1; i < n; i++)
    {
      if ((s[i] & 0xc0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i] & 0x3f);
    }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
      || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

/* Linux paths need not be UTF-8, JSON strings must be: invalid bytes
   become U+FFFD, as Go's encoding/json does for runc. */
static yajl_gen_status
gen_string (yajl_gen g, const char *s)
{
  if (s == NULL)
    s = "";
  size_t len = strlen (s), o = 0;
  _cleanup_free_ char *buf = oci_xcalloc (len * 3 + 1, 1);
  for (size_t i = 0; i < len;)
    {
      size_t n = utf8_sequence ((const unsigned char *) s + i);
      if (n == 0)
        {
          memcpy (buf + o, "\xef\xbf\xbd", 3);
          o += 3;
          i++;
          continue;
        }
      memcpy (buf + o, s + i, n);
      o += n;
      i += n;
    }
  return yajl_gen_string (g, (const unsigned char *) buf, o);
}

static void
gen_free (yajl_gen *g)
{
  if (*g)
    yajl_gen_free (*g);
}

int
oci_state_generate (const struct oci_state *s, bool pretty, char **json, size_t *len)
{
  __attribute__ ((cleanup (gen_free))) yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return -1;
  yajl_gen_config (g, yajl_gen_beautify, pretty ? 1 : 0);

  yajl_gen_status st = yajl_gen_map_open (g);
  static const char *const keys[] = { "ociVersion", "id", "status" };
  const char *values[] = { s->oci_version, s->id, s->status };
  for (size_t i = 0; i < 3 && st == yajl_gen_status_ok; i++)
    {
      st = gen_string (g, keys[i]);
      if (st == yajl_gen_status_ok)
        st = gen_string (g, values[i]);
    }
  /* runtime.md: pid is REQUIRED when status is created or running, and
     there is none to write before or after. */
  if (st == yajl_gen_status_ok && s->pid > 0)
    {
      st = gen_string (g, "pid");
      if (st == yajl_gen_status_ok)
        st = yajl_gen_integer (g, s->pid);
    }
  if (st == yajl_gen_status_ok)
    st = gen_string (g, "bundle");
  if (st == yajl_gen_status_ok)
    st = gen_string (g, s->bundle);
  if (st == yajl_gen_status_ok && s->annotations.n > 0)
    {
      st = gen_string (g, "annotations");
      if (st == yajl_gen_status_ok)
        st = yajl_gen_map_open (g);
      for (size_t i = 0; i < s->annotations.n && st == yajl_gen_status_ok; i++)
        {
          st = gen_string (g, s->annotations.keys[i]);
          if (st == yajl_gen_status_ok)
            st = gen_string (g, s->annotations.values[i]);
        }
      if (st == yajl_gen_status_ok)
        st = yajl_gen_map_close (g);
    }
  if (st == yajl_gen_status_ok)
    st = yajl_gen_map_close (g);
  if (st != yajl_gen_status_ok)
    return -1;

  const unsigned char *buf;
  size_t n;
  if (yajl_gen_get_buf (g, &buf, &n) != yajl_gen_status_ok)
    return -1;
  char *out = oci_xcalloc (n + 1, 1);
  memcpy (out, buf, n);
  *json = out;
  if (len)
    *len = n;
  return 0;
}
