/* A container's state dir, <root>/<id>/: locking, state.json, liveness. */
#ifndef HUSK_STATE_H
#define HUSK_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* The status a command reports.  It is derived from the kernel each time
   (state_status), never trusted from the file: the file only says whether
   create finished ("creating" or "created"). */
enum state_status
{
  STATE_CREATING,
  STATE_CREATED,
  STATE_RUNNING,
  STATE_STOPPED,
  STATE_PAUSED,                    /* created or running, cgroup frozen */
};
const char *state_status_name (enum state_status s);

/* What state.json records. */
struct husk_state
{
  char *oci_version;               /* the config's ociVersion */
  char *id;
  char *status;                    /* "creating" or "created" */
  int pid;                         /* the init's host pid; 0 before it exists */
  unsigned long long start_time;   /* /proc/PID/stat field 22 of the init */
  char *bundle, *rootfs;           /* absolute */
  char *created;                   /* RFC 3339 with nanoseconds, UTC */
  uid_t owner;                     /* euid of the husk that created it */
  bool no_new_keyring;             /* create --no-new-keyring: exec joins none */
  oci_map annotations;
};
void state_free (struct husk_state *s);

/* Opens --root; with create, makes it (mode 0700, parents too) if missing.
   Without create, a missing root gives *fd = -1 and 0. */
int state_root_open (const char *root, bool create, int *fd, struct husk_error **err);

/* Makes <root>/<id>/ holding `initial` as state.json, atomically: a
   temporary dir is filled and locked, then renamed to <id> only if no
   such entry exists (RENAME_NOREPLACE), so that two creates of one id
   give one container and `container "ID" already exists`, and no reader
   ever sees a state dir without state.json.  *dirfd holds the exclusive
   lock. */
int state_create_dir (int rootfd, const struct husk_state *initial, int *dirfd,
                      struct husk_error **err);

/* A temporary dir of a create that was killed before its rename (it
   holds at most a "creating" state.json: nothing had been made yet) is
   removed when its husk is gone (no process of its pid and start time)
   and nobody holds its lock; with id, only a temporary dir of that id.
   True if it was removed.  `list` calls this for the entries it skips;
   state_remove_stale_temps does it for every temporary dir of id (all,
   with id NULL): `delete --force ID` and create of ID call it. */
bool state_remove_stale_temp (int rootfd, const char *name, const char *id);
void state_remove_stale_temps (int rootfd, const char *id);

/* What `state` and `list` show for a container whose state.json cannot be
   read (garbled by a full disk, a crash, a hand edit): its id, stopped,
   no pid, empty fields, the state dir's owner.  delete --force removes it. */
struct husk_state *state_unreadable (int dirfd, const char *id);

/* Opens and locks (flock: shared or exclusive) <root>/<id>/.  A missing
   dir, or one deleted while we waited for the lock, gives
   `container "ID" does not exist` with errno_ ENOENT. */
int state_open (int rootfd, const char *id, bool exclusive, int *dirfd, struct husk_error **err);

/* The same for the readers, `state` and `list`, which never wait: a
   create holds its exclusive lock until it returns (hooks included), and
   an engine's `list` must not stall behind it.  state.json is replaced
   atomically, so it reads whole without the lock.  *busy tells that
   another husk holds the lock. */
int state_open_reader (int rootfd, const char *id, int *dirfd, bool *busy, struct husk_error **err);
/* The same with the exclusive lock, taken only if nobody holds any. */
int state_open_if_free (int rootfd, const char *id, int *dirfd, bool *busy, struct husk_error **err);

/* state_status for a reader: a "creating" container whose create still
   holds the lock is creating, even before its init's pid is recorded
   (after a create that died, it is stopped, as state_status says). */
enum state_status state_status_read (int dirfd, const struct husk_state *s, bool busy);

int state_read (int dirfd, const char *id, struct husk_state **out, struct husk_error **err);

/* A file of the state dir written atomically: NAME.tmp, then renameat. */
int state_file_write (int dirfd, const char *name, const char *data, size_t len, struct husk_error **err);
/* Reads fd whole: a regular file of at most max bytes, NUL-terminated in
   *out (malloc'd); "read <what>: ..." on failure. */
int state_read_fd (int fd, size_t max, char **out, size_t *len, const char *what, struct husk_error **err);

/* state.json rewritten atomically (state_file_write). */
int state_write (int dirfd, const struct husk_state *s, struct husk_error **err);

/* Removes everything in the state dir, then the dir itself. */
int state_remove (int rootfd, const char *id, int dirfd, struct husk_error **err);

/* The init is alive when its pid exists, is not a zombie, and has the
   recorded start time (a reused pid has another). */
bool state_init_alive (const struct husk_state *s);
enum state_status state_status (int dirfd, const struct husk_state *s);

/* A pidfd for the init, opened and then checked against the recorded
   start time, so a reused pid is never signalled.  *pidfd = -1 (and 0)
   when the init is gone. */
int state_init_pidfd (const struct husk_state *s, int *pidfd, struct husk_error **err);

/* Field 22 (starttime) and field 3 (state) of /proc/PID/stat. */
int state_proc_stat (int pid, unsigned long long *start_time, char *proc_state);

/* Now, as RFC 3339 with nanoseconds (trailing zeros trimmed, as Go's
   RFC3339Nano, which runc uses). */
char *state_timestamp_now (void);

/* The state as JSON, in one of three shapes, as runc writes them:
   HOOK, the runtime-spec's state (ociVersion, id, status, pid while not
   stopped, bundle, annotations when there are any), for hooks and the
   seccomp agent; STATE, `runc state`'s: pid always (0 once stopped),
   runc's extras rootfs and created, and an empty owner; LIST, `runc list
   --format json`'s: the same with the owner's name. */
enum state_json_style
{
  STATE_JSON_HOOK,
  STATE_JSON_STATE,
  STATE_JSON_LIST,
};
char *state_json (const struct husk_state *s, enum state_status st, bool pretty, enum state_json_style style);

/* A JSON array of the above objects, list style; "[]" when empty (runc
   prints "null"; crun and every consumer are happier with an array). */
char *state_json_list (struct husk_state *const *v, const enum state_status *st, size_t n);

/* "root", or "#UID" when /etc/passwd has no such user (as runc). */
char *state_owner_name (uid_t uid);

/* The config create parsed, for the commands that need it later: start
   (poststart hooks), delete (poststop hooks) and exec (the container's
   process and seccomp profile).  They must not depend on the bundle still
   being there, or unchanged, so create copies the bundle's config.json into
   the state dir (config.json, mode 0600): the very bytes it parsed.
   state_config_load gives *out = NULL (and 0) when there is no such file. */
int state_config_save (int dirfd, const char *data, size_t len, struct husk_error **err);
int state_config_load (int dirfd, struct oci_config **out, struct husk_error **err);

#endif
