dist_man_MANS += contrib/husk.1
dist_bashcompletion_DATA += contrib/completions/husk
