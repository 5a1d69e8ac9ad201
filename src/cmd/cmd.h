/* The command table: each command's options, help and entry point.
   Command files parse and print only; the work is done in libhusk. */
#ifndef HUSK_CMD_H
#define HUSK_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "log.h"
#include "container_id.h"

/* Global options, as runc spells them. */
struct husk_globals
{
  const char *root;          /* --root, default HUSK_DEFAULT_ROOT */
  const char *log;           /* --log */
  enum log_format log_format;/* --log-format */
  bool debug;                /* --debug */
  bool trace;                /* --trace (trace.h) */
  bool systemd_cgroup;       /* --systemd-cgroup */
  const char *cgroup_manager;/* --cgroup-manager (crun's; podman passes "disabled") */
  const char *rootless;      /* --rootless true|false|auto (runc's values) */
  const char *criu;          /* --criu (accepted; checkpoint is refused) */
};

enum cmd_arg
{
  CMD_ARG_NONE,     /* a flag: --detach, or --detach=true|false as Go's flag package allows */
  CMD_ARG_VALUE,    /* --bundle DIR; the last one given wins */
  CMD_ARG_LIST,     /* --env K=V, repeatable; every value is kept */
  CMD_ARG_INT,      /* a VALUE that must be an integer (runc's IntFlag) */
  CMD_ARG_INT_LIST, /* a LIST of integers (runc's Int64SliceFlag) */
};

struct cmd_option
{
  const char *name;       /* long name without dashes */
  char short_name;        /* 0 if none */
  enum cmd_arg arg;
  const char *metavar;    /* for --help: "DIR", "FILE", ... */
  const char *help;
};

struct cmd_args
{
  const struct husk_command *cmd;
  const struct cmd_option *options;
  const char **values;    /* per option: last value, or "true"/NULL for flags */
  const char ***lists;    /* per CMD_ARG_LIST option: NULL-terminated values */
  size_t *list_len;
  int argc;               /* positional arguments after the options */
  char **argv;
};

struct husk_command
{
  const char *name;
  const char *usage;      /* after "husk NAME ": "[options] <container-id>" */
  const char *summary;    /* one line for `husk --help` */
  const char *description;/* a paragraph for `husk NAME --help`, may be NULL */
  bool takes_id;          /* argv[0] is a container id, validated before run */
  bool no_reorder;        /* flags end at the first positional word (runc's
                             SkipArgReorder: exec and ps, whose words after
                             the id are the process's); otherwise flags may
                             also follow the positional words */
  const struct cmd_option *options; /* terminated by an all-zero entry */
  /* Returns the exit status; -1 with *err on a failure (exit status 1), or
     a status above 0 with *err set for a failure with another status
     (exec's 255, as runc). */
  int (*run) (struct husk_globals *g, struct cmd_args *a, struct husk_error **err);
};

/* Every command husk accepts, in `husk --help` order; NULL-terminated. */
extern const struct husk_command *const husk_commands[];
const struct husk_command *cmd_find (const char *name);

/* Parses argv[1..] of a command into *a as runc 1.1 parses its command
   lines (see cmd.c); argv's words may be reordered.  Returns 1 if --help
   was asked, 0 to go on, -1 with *err on a bad option. */
int cmd_parse (const struct husk_command *cmd, int argc, char **argv,
               struct cmd_args *a, struct husk_error **err);
void cmd_args_free (struct cmd_args *a);
void cmd_print_help (const struct husk_command *cmd, FILE *out);

/* Option values by long name. */
const char *cmd_opt (const struct cmd_args *a, const char *name);
bool cmd_flag (const struct cmd_args *a, const char *name);
const char *const *cmd_opt_list (const struct cmd_args *a, const char *name, size_t *n);

/* The integer value of an option, within min..max; *out is left alone
   when the option is not given. */
int cmd_opt_int (const struct cmd_args *a, const char *name, int min, int max, int *out,
                 struct husk_error **err);

/* Checks the positional argument count: exactly `min` when max == min. */
int cmd_expect_args (const struct husk_command *cmd, const struct cmd_args *a,
                     int min, int max, struct husk_error **err);

/* A command (or option) husk accepts on the command line but cannot honour
   yet: refused clearly, never ignored. */
int cmd_refuse_unimplemented (struct husk_globals *g, struct cmd_args *a, struct husk_error **err);

#endif
