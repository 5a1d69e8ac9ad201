/* husk events: print a container's events and statistics as JSON. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "cgroup/manage.h"

static const struct cmd_option events_options[] = {
  { "interval", 0, CMD_ARG_VALUE, "DURATION", "statistics interval (default: 5s)" },
  { "stats", 0, CMD_ARG_NONE, NULL, "print the statistics once and exit" },
  { 0 },
};

/* Go's duration syntax, the part runc users write: a number and one unit
   of ms, s, m or h ("5s", "250ms", "1.5s"). */
static int
parse_interval (const char *s, struct timespec *ts, struct husk_error **err)
{
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  double mult = strcmp (end, "ms") == 0  ? 1e-3
                : strcmp (end, "s") == 0 ? 1
                : strcmp (end, "m") == 0 ? 60
                : strcmp (end, "h") == 0 ? 3600
                                         : 0;
  if (end == s || errno || mult == 0 || v * mult <= 0 || v * mult > 86400)
    return husk_error_set (err, "--interval: invalid duration \"%s\" (e.g. 5s, 500ms)", s);
  double secs = v * mult;
  ts->tv_sec = (time_t)secs;
  ts->tv_nsec = (long)((secs - (double)ts->tv_sec) * 1e9);
  return 0;
}

static int
cmd_events_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  struct timespec interval = { 5, 0 };
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0
      || (cmd_opt (a, "interval") && parse_interval (cmd_opt (a, "interval"), &interval, err) < 0))
    return -1;
  /* Streaming: an {"type":"oom"} event whenever the OOM killer struck
     since the last look, as runc prints them, then the stats. */
  long long ooms = 0;
  if (!cmd_flag (a, "stats") && container_oom_kills (g->root, a->argv[0], &ooms, err) < 0)
    return -1;
  for (bool first = true;; first = false)
    {
      char *json = NULL;
      long long now = ooms;
      if (!first && !cmd_flag (a, "stats") && container_oom_kills (g->root, a->argv[0], &now, err) == 0
          && now > ooms)
        {
          printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", a->argv[0]);
          ooms = now;
        }
      if (*err)
        {
          husk_error_free (*err);
          *err = NULL;
        }
      bool running = false;
      if (container_stats (g->root, a->argv[0], &json, &running, err) < 0)
        {
          /* Streaming ends quietly when the container stops. */
          if (!first && !running)
            {
              husk_error_free (*err);
              *err = NULL;
              return 0;
            }
          return -1;
        }
      puts (json);
      fflush (stdout);
      free (json);
      if (cmd_flag (a, "stats"))
        return 0;
      nanosleep (&interval, NULL);
    }
}

const struct husk_command cmd_events = {
  .name = "events",
  .usage = "[options] <container-id>",
  .summary = "print a container's events and statistics as JSON",
  .takes_id = true,
  .options = events_options,
  .run = cmd_events_run,
};
