/* The container's process: its executable (found as execvp would), its
   environment, and the fds it is given. */
#ifndef HUSK_PROCESS_H
#define HUSK_PROCESS_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"

/* Resolves `file` (process.args[0]) the way execvp does, but with the PATH
   of the container's env (NULL-terminated), inside the current root: a
   name with a "/" is taken as is (relative to the cwd); otherwise each PATH
   entry is tried.  The result must be an executable regular file.  Errors,
   as runc words them:
     exec "/bin/nope": no such file or directory
     exec "nope": executable file not found in $PATH */
int process_find_executable (const char *file, char *const *env, char **path,
                             struct husk_error **err);

/* systemd socket activation, as runc honours it: when husk's environment
   has LISTEN_FDS=N and LISTEN_PID=<husk's pid>, the fds 3..3+N-1 go to the
   container (before --preserve-fds), whose env gets LISTEN_FDS=N and
   LISTEN_PID=1.  Returns N (0 when not activated). */
int process_listen_fds (void);

/* The container's env: process.env, plus LISTEN_FDS/LISTEN_PID when
   listen_fds > 0.  NULL-terminated, malloc'd (free with process_strv_free). */
char **process_env (const oci_strv *env, int listen_fds);

/* A NULL-terminated copy of a string array. */
char **process_strv (const oci_strv *v);
void process_strv_free (char **v);

/* For a child about to exec: fds 3 .. 3+keep-1 stay open and lose
   FD_CLOEXEC; every fd above is marked close-on-exec (close_range), so
   nothing of husk's leaks into the container (CVE-2016-9962). */
int process_close_fds_on_exec (int keep, struct husk_error **err);

/* strerror, lowercased as Go words errors ("no such file or directory"). */
const char *process_strerror (int errnum, char *buf, size_t len);

#endif
