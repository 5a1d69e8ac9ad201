/* Scope-bound ownership: variables released when they go out of scope. */
#ifndef HUSK_CLEANUP_H
#define HUSK_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>

static inline void cleanup_freep (void *p)
{
  free (*(void **) p);
}

static inline void cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void cleanup_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

#define _cleanup_free_ __attribute__ ((cleanup (cleanup_freep)))
#define _cleanup_close_ __attribute__ ((cleanup (cleanup_closep)))
#define _cleanup_fclose_ __attribute__ ((cleanup (cleanup_fclosep)))

/* Hand ownership out of a cleanup variable. */
#define steal_pointer(pp)                                                     \
  ({                                                                          \
    __typeof__ (*(pp)) _stolen = *(pp);                                       \
    *(pp) = NULL;                                                             \
    _stolen;                                                                  \
  })
#define steal_fd(fdp)                                                         \
  ({                                                                          \
    int _stolen = *(fdp);                                                     \
    *(fdp) = -1;                                                              \
    _stolen;                                                                  \
  })

#endif
