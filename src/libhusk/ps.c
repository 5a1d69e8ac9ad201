/* `husk ps`'s table: ps(1) on the host, its lines kept for the
   container's pids, as runc 1.1 prints them. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "process.h"
#include "ps.h"

extern char **environ;

static const char *
skip_space (const char *s, const char *end)
{
  while (s < end && isspace ((unsigned char) *s))
    s++;
  return s;
}

static const char *
skip_field (const char *s, const char *end)
{
  while (s < end && !isspace ((unsigned char) *s))
    s++;
  return s;
}

/* Field `index` (whitespace-separated, as Go's strings.Fields) of
   [line, end) in *start / *len; false when the line has fewer fields. */
static bool
field_at (const char *line, const char *end, size_t index, const char **start, size_t *len)
{
  const char *p = skip_space (line, end);
  for (size_t i = 0; p < end; i++)
    {
      const char *f = skip_field (p, end);
      if (i == index)
        {
          *start = p;
          *len = (size_t) (f - p);
          return true;
        }
      p = skip_space (f, end);
    }
  return false;
}

/* The index of the field that is exactly "PID", or -1. */
static long
pid_column (const char *line, const char *end)
{
  const char *p = skip_space (line, end);
  for (long i = 0; p < end; i++)
    {
      const char *f = skip_field (p, end);
      if (f - p == 3 && memcmp (p, "PID", 3) == 0)
        return i;
      p = skip_space (f, end);
    }
  return -1;
}

static int
compare_pids (const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
  return (x > y) - (x < y);
}

int
ps_table_filter (const char *output, const pid_t *pids, size_t n, char **table, struct husk_error **err)
{
  const char *end = output + strlen (output);
  const char *hend = strchrnul (output, '\n');
  long col = pid_column (output, hend);
  if (col < 0)
    return husk_error_set (err, "ps: no PID column in its output's header \"%.*s\"",
                           (int) (hend - output > 200 ? 200 : hend - output), output);
  char *buf = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&buf, &size);
  if (out == NULL)
    return husk_error_sys (err, errno, "ps: open_memstream");
  fprintf (out, "%.*s\n", (int) (hend - output), output);
  size_t lineno = 1;
  for (const char *line = *hend ? hend + 1 : hend; line < end; lineno++)
    {
      const char *lend = strchrnul (line, '\n');
      const char *f;
      size_t len;
      /* Blank lines are skipped, as runc does. */
      if (field_at (line, lend, 0, &f, &len))
        {
          char num[16];
          char *numend;
          long pid = 0;
          bool ok = field_at (line, lend, (size_t) col, &f, &len) && len > 0 && len < sizeof num;
          if (ok)
            {
              memcpy (num, f, len);
              num[len] = '\0';
              errno = 0;
              pid = strtol (num, &numend, 10);
              ok = errno == 0 && *numend == '\0' && isdigit ((unsigned char) num[0]) && pid > 0;
            }
          if (!ok)
            {
              fclose (out);
              free (buf);
              return husk_error_set (err, "ps: line %zu of its output has no pid in the PID column: \"%.*s\"",
                                     lineno + 1, (int) (lend - line > 200 ? 200 : lend - line), line);
            }
          pid_t key = (pid_t) pid;
          if (bsearch (&key, pids, n, sizeof *pids, compare_pids))
            fprintf (out, "%.*s\n", (int) (lend - line), line);
        }
      line = *lend ? lend + 1 : lend;
    }
  if (fclose (out) != 0)
    {
      free (buf);
      return husk_error_sys (err, errno, "ps: write the table");
    }
  *table = buf;
  return 0;
}

/* The whole content of a memfd, NUL-terminated. */
static int
memfd_read_all (int fd, char **out, struct husk_error **err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return husk_error_sys (err, errno, "ps: read its output");
  size_t len = (size_t) st.st_size;
  _cleanup_free_ char *buf = xmalloc (len + 1);
  size_t got = 0;
  while (got < len)
    {
      ssize_t r = pread (fd, buf + got, len - got, (off_t) got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return husk_error_sys (err, errno, "ps: read its output");
      if (r == 0)
        break;
      got += (size_t) r;
    }
  buf[got] = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

/* "ps -o pid,comm" for messages. */
static char *
command_line (char *const *argv)
{
  char *s = xstrdup (argv[0]);
  for (size_t i = 1; argv[i]; i++)
    {
      char *t = xasprintf ("%s %s", s, argv[i]);
      free (s);
      s = t;
    }
  return s;
}

/* Runs argv with stdout and stderr captured (memfds: nothing to drain
   while it runs) and stdin from /dev/null; *out is its stdout.  A status
   other than exit 0 is an error carrying ps's first line on stderr. */
static int
ps_run (char *const *argv, char **out, struct husk_error **err)
{
  _cleanup_free_ char *path = NULL;
  if (process_find_executable (argv[0], environ, &path, err) < 0)
    return husk_error_wrap (err, "ps");
  _cleanup_free_ char *cmdline = command_line (argv);
  _cleanup_close_ int outfd = memfd_create ("husk-ps-out", MFD_CLOEXEC);
  _cleanup_close_ int errfd = memfd_create ("husk-ps-err", MFD_CLOEXEC);
  _cleanup_close_ int nullfd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (outfd < 0 || errfd < 0 || nullfd < 0)
    return husk_error_sys (err, errno, "%s: capture its output", cmdline);
  pid_t pid = fork ();
  if (pid < 0)
    return husk_error_sys (err, errno, "%s: fork", cmdline);
  if (pid == 0)
    {
      /* dup2 clears FD_CLOEXEC on 0, 1 and 2; everything else husk holds
         is O_CLOEXEC. */
      if (dup2 (nullfd, 0) < 0 || dup2 (outfd, 1) < 0 || dup2 (errfd, 2) < 0)
        _exit (127);
      execv (path, argv);
      dprintf (2, "exec \"%s\": %s\n", path, strerror (errno));
      _exit (127);
    }
  int status;
  if (process_wait (pid, &status) < 0)
    return husk_error_sys (err, errno, "%s: wait", cmdline);
  if (memfd_read_all (outfd, out, err) < 0)
    return -1;
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  free (*out);
  *out = NULL;
  _cleanup_free_ char *errtext = NULL;
  if (memfd_read_all (errfd, &errtext, err) < 0)
    return -1;
  const char *first = errtext;
  while (*first == '\n')
    first++;
  int flen = (int) (strchrnul (first, '\n') - first);
  if (WIFEXITED (status))
    return husk_error_set (err, "%s: exit status %d%s%.*s", cmdline, WEXITSTATUS (status),
                           flen ? ": " : "", flen > 300 ? 300 : flen, first);
  return husk_error_set (err, "%s: killed by signal %d", cmdline, WTERMSIG (status));
}

int
ps_table (char *const *args, const pid_t *pids, size_t n, char **table, struct husk_error **err)
{
  size_t nargs = 0;
  while (args && args[nargs])
    nargs++;
  _cleanup_free_ char **argv = xcalloc (nargs + 2 > 3 ? nargs + 2 : 3, sizeof *argv);
  argv[0] = (char *) "ps";
  if (nargs == 0)
    argv[1] = (char *) "-ef";
  for (size_t i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  _cleanup_free_ char *output = NULL;
  if (ps_run (argv, &output, err) < 0)
    return -1;
  return ps_table_filter (output, pids, n, table, err);
}
