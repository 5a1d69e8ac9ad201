/* Container ids: the only part of a state path a caller chooses. */
#ifndef HUSK_CONTAINER_ID_H
#define HUSK_CONTAINER_ID_H

#include "error.h"

#define CONTAINER_ID_MAX 1024

/* Letters, digits and "_+-." only, no leading "." (so neither "." nor ".."),
   not empty, at most CONTAINER_ID_MAX bytes: an id is always one safe path
   component under --root. */
int container_id_check (const char *id, struct husk_error **err);

#endif
