/* The container's process: its executable (found as execvp would), its
   environment, and the fds it is given. */
#ifndef HUSK_PROCESS_H
#define HUSK_PROCESS_H

#include <stdbool.h>

#include <sys/stat.h>

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

/* HOME, as runc sets it: when env has none (or an empty one), the home
   directory of uid in /etc/passwd as the process sees it (the
   container's, after pivot_root or setns), else "/".  *env is replaced by
   a new array (the old one's strings are reused, the old array is not
   freed: the caller execs soon).  Returns 0: nothing here fails. */
int process_set_home (char ***env, uint32_t uid);

/* A NULL-terminated copy of a string array. */
char **process_strv (const oci_strv *v);
void process_strv_free (char **v);

/* For a child about to exec: fds 3 .. 3+keep-1 stay open and lose
   FD_CLOEXEC; every fd above is marked close-on-exec (close_range), so
   nothing of husk's leaks into the container (CVE-2016-9962). */
int process_close_fds_on_exec (int keep, struct husk_error **err);

/* strerror, lowercased as Go words errors ("no such file or directory"). */
const char *process_strerror (int errnum, char *buf, size_t len);

/* write(2) until all of buf is written, retrying EINTR: 0, or -1 with
   errno set. */
int process_write_all (int fd, const void *buf, size_t len);

/* A file written whole or not at all: data goes to NAME+SUFFIX (relative
   to dirfd, never through a symlink), renamed to NAME, so a reader never
   sees a partial file.  0, or -1 with errno set and no temp file left. */
int process_write_atomic (int dirfd, const char *name, const char *suffix, const char *data, size_t len,
                          mode_t mode);

/* --pid-file: written to a temp file beside it, then renamed, so a reader
   never sees a partial pid. */
int process_write_pid_file (const char *path, int pid, struct husk_error **err);

/* waitpid, retried on EINTR. */
int process_wait (int pid, int *status);

/* Every signal back to its default disposition, none blocked: the state a
   container process starts in (init and exec alike). */
int process_reset_signals (struct husk_error **err);

/* process.cwd made as runc makes it (os.MkdirAll after pivot_root, before
   the root goes read-only): each missing directory is created, mode 0755,
   resolved inside `root` (an fd of the container's "/"), without magic
   links: nothing is made through one (a "/proc/self/fd/N/x" cwd would
   otherwise make x where fd N points, outside the root); the chdir after
   it fails or is checked (process_check_cwd_inside).  A component that is a file fails
   with ENOTDIR, a dangling symlink with EEXIST, as in runc:
     config.json: process.cwd "/f/x": mkdir "/f": not a directory */
int process_make_cwd (const char *label, int root, const char *cwd, struct husk_error **err);

/* CVE-2024-21626: after chdir, the cwd must be inside the current root.
   A cwd such as "/proc/self/fd/7", fd 7 a host directory still open, would
   be outside it; the kernel reports such a cwd as "(unreachable)...", which
   getcwd turns into ENOENT.  `label` names the field in the message. */
int process_check_cwd_inside (const char *label, const char *cwd, struct husk_error **err);

/* CVE-2019-5736: an executable that is husk's own binary (`self`, taken
   with stat ("/proc/self/exe") while the host's /proc is in view), e.g. a
   symlink to /proc/self/exe in the image, is refused; so is a "#!" script
   whose interpreter (or its interpreter's, as deep as the kernel goes)
   is husk's binary, e.g. "#!/proc/self/exe". */
int process_refuse_husk_binary (const char *exe, const char *arg0, const struct stat *self,
                                struct husk_error **err);

/* A session keyring of its own, named "_ses.ID" (ID: the container's), as
   runc names it: otherwise the container shares the keys of the session
   husk was started in.  `create` makes it; `exec` joins the same one by
   name (the kernel finds it in the container's user namespace).
   Searchable, as runc makes it, by its user, or in a new user namespace
   by others (possessor rights alone would not let a process that drops
   them find it), and carrying the SELinux label of P, written through the
   host's /proc LSM_PROC (lsm_apply_keycreate).  ID NULL
   (--no-new-keyring): nothing.  Kernels without keyrings: nothing. */
int process_join_keyring (const char *id, const struct oci_process *p, int lsm_proc, const char *source,
                          struct husk_error **err);

#endif
