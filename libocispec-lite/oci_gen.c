/* The checked JSON writer of oci_gen.h. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oci_gen.h"

int
oci_gen_init (struct oci_gen *w, const char *indent)
{
  w->status = yajl_gen_status_ok;
  w->g = yajl_gen_alloc (NULL);
  if (w->g == NULL)
    return -1;
  /* Every string written must be valid UTF-8: a generator never emits a
     document that a strict parser would refuse. */
  yajl_gen_config (w->g, yajl_gen_validate_utf8, 1);
  if (indent)
    {
      yajl_gen_config (w->g, yajl_gen_beautify, 1);
      yajl_gen_config (w->g, yajl_gen_indent_string, indent);
    }
  return 0;
}

/* Each call is skipped once one has failed: the failing status is kept. */
#define OCI_GEN_STEP(w, call)                                                                                \
  do                                                                                                         \
    {                                                                                                        \
      if ((w)->status == yajl_gen_status_ok)                                                                 \
        (w)->status = (call);                                                                                \
    }                                                                                                        \
  while (0)

void
oci_gen_map_open (struct oci_gen *w)
{
  OCI_GEN_STEP (w, yajl_gen_map_open (w->g));
}

void
oci_gen_map_close (struct oci_gen *w)
{
  OCI_GEN_STEP (w, yajl_gen_map_close (w->g));
}

void
oci_gen_array_open (struct oci_gen *w)
{
  OCI_GEN_STEP (w, yajl_gen_array_open (w->g));
}

void
oci_gen_array_close (struct oci_gen *w)
{
  OCI_GEN_STEP (w, yajl_gen_array_close (w->g));
}

void
oci_gen_str (struct oci_gen *w, const char *s)
{
  OCI_GEN_STEP (w, yajl_gen_string (w->g, (const unsigned char *)s, strlen (s)));
}

void
oci_gen_int (struct oci_gen *w, long long v)
{
  OCI_GEN_STEP (w, yajl_gen_integer (w->g, v));
}

void
oci_gen_uint (struct oci_gen *w, unsigned long long v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%llu", v);
  OCI_GEN_STEP (w, yajl_gen_number (w->g, buf, (size_t) n));
}

void
oci_gen_bool (struct oci_gen *w, bool v)
{
  OCI_GEN_STEP (w, yajl_gen_bool (w->g, v));
}

void
oci_gen_null (struct oci_gen *w)
{
  OCI_GEN_STEP (w, yajl_gen_null (w->g));
}

void
oci_gen_key_str (struct oci_gen *w, const char *key, const char *v)
{
  oci_gen_str (w, key);
  oci_gen_str (w, v);
}

void
oci_gen_key_int (struct oci_gen *w, const char *key, long long v)
{
  oci_gen_str (w, key);
  oci_gen_int (w, v);
}

void
oci_gen_key_bool (struct oci_gen *w, const char *key, bool v)
{
  oci_gen_str (w, key);
  oci_gen_bool (w, v);
}

void
oci_gen_key_strv (struct oci_gen *w, const char *key, const char *const *list)
{
  oci_gen_str (w, key);
  oci_gen_array_open (w);
  for (; *list; list++)
    oci_gen_str (w, *list);
  oci_gen_array_close (w);
}

void
oci_gen_key_enabled (struct oci_gen *w, const char *key, bool v)
{
  oci_gen_str (w, key);
  oci_gen_map_open (w);
  oci_gen_key_bool (w, "enabled", v);
  oci_gen_map_close (w);
}

static char *
gen_error (const char *what, yajl_gen_status st)
{
  static const char *const reasons[] = {
    [yajl_gen_keys_must_be_strings] = "a key is not a string",
    [yajl_max_depth_exceeded] = "nesting too deep",
    [yajl_gen_in_error_state] = "generator in error state",
    [yajl_gen_generation_complete] = "value after the end of the document",
    [yajl_gen_invalid_number] = "invalid number",
    [yajl_gen_no_buf] = "no output buffer",
    [yajl_gen_invalid_string] = "string is not valid UTF-8",
  };
  const char *why
      = (size_t)st < sizeof reasons / sizeof *reasons && reasons[st] ? reasons[st] : "unknown yajl error";
  char *msg = NULL;
  if (asprintf (&msg, "generate %s: %s", what, why) < 0)
    msg = NULL;
  return msg;
}

/* yajl's beautify mode writes an empty array or object over three lines
   ("[", "", "    ]"); write it as "[]" like runc.  A raw newline never
   occurs inside a JSON string, so "[" or "{" followed by a newline is
   always structural.  Returns the new length. */
static size_t
collapse_empty (char *buf, size_t n)
{
  size_t out = 0;
  for (size_t i = 0; i < n; i++)
    {
      buf[out++] = buf[i];
      if ((buf[i] != '[' && buf[i] != '{') || i + 1 >= n || buf[i + 1] != '\n')
        continue;
      char close = buf[i] == '[' ? ']' : '}';
      size_t j = i + 1;
      while (j < n && (buf[j] == '\n' || buf[j] == ' ' || buf[j] == '\t'))
        j++;
      if (j < n && buf[j] == close)
        {
          buf[out++] = close;
          i = j;
        }
    }
  return out;
}

int
oci_gen_finish (struct oci_gen *w, const char *what, char **json, size_t *len, char **err)
{
  const unsigned char *buf = NULL;
  size_t n = 0;
  *json = NULL;
  if (w->status == yajl_gen_status_ok)
    w->status = yajl_gen_get_buf (w->g, &buf, &n);
  if (w->status != yajl_gen_status_ok)
    {
      *err = gen_error (what, w->status);
      yajl_gen_free (w->g);
      w->g = NULL;
      return -1;
    }
  /* yajl's beautify mode already ends the document with a newline. */
  char *out = malloc (n + 1);
  if (out == NULL)
    {
      yajl_gen_free (w->g);
      w->g = NULL;
      *err = strdup ("out of memory");
      return -1;
    }
  memcpy (out, buf, n);
  n = collapse_empty (out, n);
  out[n] = '\0';
  yajl_gen_free (w->g);
  w->g = NULL;
  *json = out;
  if (len)
    *len = n;
  return 0;
}
