/* A checked JSON writer over yajl_gen: the first failing call sticks, so a
   generator writes its document straight through and checks once, at
   oci_gen_finish.  Internal to libocispec-lite. */
#ifndef OCI_GEN_H
#define OCI_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include <yajl/yajl_gen.h>

struct oci_gen
{
  yajl_gen g;
  yajl_gen_status status; /* yajl_gen_status_ok until a call fails */
};

/* indent: the string of one indentation level ("\t", "    "), or NULL for
   compact output.  Returns -1 only when yajl cannot allocate. */
int oci_gen_init (struct oci_gen *w, const char *indent);

void oci_gen_map_open (struct oci_gen *w);
void oci_gen_map_close (struct oci_gen *w);
void oci_gen_array_open (struct oci_gen *w);
void oci_gen_array_close (struct oci_gen *w);
void oci_gen_str (struct oci_gen *w, const char *s);
void oci_gen_int (struct oci_gen *w, long long v);
/* Written from its decimal text: yajl's integers stop at LLONG_MAX. */
void oci_gen_uint (struct oci_gen *w, unsigned long long v);
void oci_gen_bool (struct oci_gen *w, bool v);
void oci_gen_null (struct oci_gen *w);

/* Members: "key": value. */
void oci_gen_key_str (struct oci_gen *w, const char *key, const char *v);
void oci_gen_key_int (struct oci_gen *w, const char *key, long long v);
void oci_gen_key_bool (struct oci_gen *w, const char *key, bool v);
/* "key": [ the NULL-terminated strings of list ] */
void oci_gen_key_strv (struct oci_gen *w, const char *key, const char *const *list);
/* "key": { "enabled": v } (the shape features.md uses for on/off facts) */
void oci_gen_key_enabled (struct oci_gen *w, const char *key, bool v);

/* Ends the document with a newline when indented, hands out a malloc'd,
   NUL-terminated copy, and frees the writer.  Returns -1 with a malloc'd
   message in *err when any call failed. */
int oci_gen_finish (struct oci_gen *w, const char *what, char **json, size_t *len, char **err);

#endif
