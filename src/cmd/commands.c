/* The command table, in `husk --help` order. */
#include <config.h>

#include <string.h>

#include "cmd.h"

extern const struct husk_command cmd_create;
extern const struct husk_command cmd_start;
extern const struct husk_command cmd_run;
extern const struct husk_command cmd_state;
extern const struct husk_command cmd_kill;
extern const struct husk_command cmd_delete;
extern const struct husk_command cmd_list;
extern const struct husk_command cmd_ps;
extern const struct husk_command cmd_exec;
extern const struct husk_command cmd_pause;
extern const struct husk_command cmd_resume;
extern const struct husk_command cmd_update;
extern const struct husk_command cmd_events;
extern const struct husk_command cmd_spec;
extern const struct husk_command cmd_features;
extern const struct husk_command cmd_checkpoint;
extern const struct husk_command cmd_restore;

const struct husk_command *const husk_commands[] = {
  &cmd_create,
  &cmd_start,
  &cmd_run,
  &cmd_state,
  &cmd_kill,
  &cmd_delete,
  &cmd_list,
  &cmd_ps,
  &cmd_exec,
  &cmd_pause,
  &cmd_resume,
  &cmd_update,
  &cmd_events,
  &cmd_spec,
  &cmd_features,
  &cmd_checkpoint,
  &cmd_restore,
  NULL,
};

const struct husk_command *
cmd_find (const char *name)
{
  for (size_t i = 0; husk_commands[i]; i++)
    if (strcmp (husk_commands[i]->name, name) == 0)
      return husk_commands[i];
  return NULL;
}
