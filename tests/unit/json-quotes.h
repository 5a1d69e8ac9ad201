/* Test documents written as C literals with ' for ", so that they read as
   JSON without a backslash before every quote. */
#ifndef HUSK_TESTS_UNIT_JSON_QUOTES_H
#define HUSK_TESTS_UNIT_JSON_QUOTES_H

#include <stdlib.h>
#include <string.h>

/* S with every ' turned into ", in a new string (free it). */
static __attribute__ ((unused)) char *
json (const char *s)
{
  char *d = strdup (s);
  if (d == NULL)
    abort ();
  for (char *p = d; *p; p++)
    if (*p == '\'')
      *p = '"';
  return d;
}

#endif
