/* File locations: ~ expansion, paths relative to a file, XDG directories, data directories. */
#ifndef DR_PATHS_H
#define DR_PATHS_H

char *paths_expand(const char *path, const char *base_dir);
char *paths_dirname(const char *path);
char *paths_find_config(const char *given, char **tried);
char *paths_state_dir(void);
char *paths_data_dir(const char *sub);
int paths_is_dir(const char *path);
int paths_is_file(const char *path);

#endif
