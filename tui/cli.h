/* The command-line commands (the console itself lives in its own files). */
#ifndef DR_CLI_H
#define DR_CLI_H

#define CLI_EXIT_USAGE 2
#define CLI_PARSED     -1

struct catalog;

int cmd_check(int argc, char **argv);
int cmd_fence(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_schedule(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_console(const char *config, const char *layout_name, const char *drill, const char *mode);
int cmd_follow(const char *config, const char *layout_name, const char *run, int no_probe);
int cmd_view(int argc, char **argv, const char *layout_name);
int console_view(const char *config, const char *layout_name, const char *path, const char *run);
int cli_option_error(const char *command, int ch, char **argv);
int cli_parse_options(int argc, char **argv, const char *usage, const char **config);
int cli_load_catalog(const char *config, struct catalog *cat, int quiet_warnings);
int cli_load_catalog_why(const char *config, struct catalog *cat, int quiet_warnings, char **error);
void cli_machine_text(void);
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
