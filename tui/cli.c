/*
 * What the commands share: their option parsing (-c FILE and --help), and
 * loading the catalog with every problem printed.
 */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "i18n.h"
#include "paths.h"
#include "textout.h"
#include "xmalloc.h"

/*
 * Parses a command's options (-c FILE, -h). Returns CLI_PARSED to go on,
 * 0 after printing the usage, or CLI_EXIT_USAGE after a usage error; optind
 * is left at the first operand.
 */
int cli_parse_options(int argc, char **argv, const char *usage, const char **config)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
	                                     {"help", no_argument, NULL, 'h'},
	                                     {NULL, 0, NULL, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			*config = optarg;
			break;
		case 'h':
			fputs(_(usage), stdout);
			return 0;
		default:
			return cli_option_error(argv[0], ch, argv);
		}
	}
	return CLI_PARSED;
}

/*
 * Says what getopt refused in command's options (ch ':' a missing value,
 * else an unknown option, the word just read); returns CLI_EXIT_USAGE.
 */
int cli_option_error(const char *command, int ch, char **argv)
{
	if (ch == ':')
		cli_usage_error(_("%s: option '%s' needs a value"), command, argv[optind - 1]);
	else
		cli_usage_error(_("%s: unknown option '%s'"), command, argv[optind - 1]);
	return CLI_EXIT_USAGE;
}

/*
 * Keeps the messages that follow in English, whatever the locale: for output
 * read by programs (--json, the watcher's journal and alerts), which must
 * not change with the reader's language.
 */
void cli_machine_text(void)
{
	setlocale(LC_MESSAGES, "C");
}

/* Returns the first error of d as "FILE:LINE:COL: message" (newly allocated), or NULL. */
static char *cli_first_error(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].level == DIAG_ERROR)
			return diag_format(&d->items[i]);
	return d->errors > 0 ? xstrdup(_("the config has errors")) : NULL;
}

/*
 * Loads the catalog for a config, printing every problem; returns 0 when
 * there are no errors, else -1 with *error (when error is not NULL) set to
 * the first one (newly allocated).
 */
int cli_load_catalog_why(const char *config, struct catalog *cat, int quiet_warnings, char **error)
{
	struct diag d;
	char *tried = NULL;
	char *path = paths_find_config(config, &tried);
	if (path == NULL) {
		char *why = xasprintf(_("no config found (tried %s); give one with -c FILE or "
		                      "$DRCONSOLE_CONFIG"),
		                      tried);
		textout_printf(stderr, "drconsole: %s\n", why);
		free(tried);
		memset(cat, 0, sizeof *cat);
		if (error != NULL)
			*error = why;
		else
			free(why);
		return -1;
	}
	free(tried);
	diag_init(&d);
	catalog_load(cat, path, &d);
	free(path);
	diag_sort(&d);
	if (d.errors > 0 || !quiet_warnings)
		diag_print(&d, stderr);
	int rc = d.errors > 0 ? -1 : 0;
	if (rc == -1 && error != NULL)
		*error = cli_first_error(&d);
	diag_free(&d);
	return rc;
}

/* Loads the catalog for a config, printing every problem; returns 0 when there are no errors. */
int cli_load_catalog(const char *config, struct catalog *cat, int quiet_warnings)
{
	return cli_load_catalog_why(config, cat, quiet_warnings, NULL);
}

/* Prints a usage error and the hint to --help. */
void cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("drconsole: ", stderr);
	va_start(ap, fmt);
	textout_vprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(_("\nTry 'drconsole --help' for more information.\n"), stderr);
}
