/*
 * Where files are. Relative paths in a file are relative to that file's folder;
 * "~" and "~/x" expand to $HOME. The config is looked up in the order the
 * manual gives; data (scenarios, layouts) comes from the source tree when the
 * program runs from its build folder, and from the installed data dir otherwise.
 */
#include "config.h"

#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "xmalloc.h"

/* Returns the user's home directory. */
static const char *paths_home(void)
{
	const char *home = getenv("HOME");
	if (home != NULL && *home != '\0')
		return home;
	struct passwd *pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : "/";
}

/* Expands ~ and makes a relative path relative to base_dir (when given). */
char *paths_expand(const char *path, const char *base_dir)
{
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
		return xasprintf("%s%s", paths_home(), path + 1);
	if (path[0] == '/' || base_dir == NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", base_dir, path);
}

/* Returns the folder part of a path ("." when there is none). */
char *paths_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Tells whether path is an existing directory. */
int paths_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Tells whether path is an existing regular file. */
int paths_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Appends a candidate to the list of places tried (for the error message). */
static void paths_tried(char **tried, const char *path)
{
	if (tried == NULL)
		return;
	char *next = xasprintf("%s%s%s", *tried ? *tried : "", *tried ? ", " : "", path);
	free(*tried);
	*tried = next;
}

/* Finds the config: -c, $DRCONSOLE_CONFIG, ./drconsole.yml, XDG, /etc. NULL if none. */
char *paths_find_config(const char *given, char **tried)
{
	if (given != NULL)
		return xstrdup(given);
	const char *env = getenv("DRCONSOLE_CONFIG");
	if (env != NULL && *env != '\0')
		return xstrdup(env);

	char *candidates[3];
	const char *xdg = getenv("XDG_CONFIG_HOME");
	candidates[0] = xstrdup("drconsole.yml");
	if (xdg != NULL && xdg[0] == '/')
		candidates[1] = xasprintf("%s/drconsole/drconsole.yml", xdg);
	else
		candidates[1] = xasprintf("%s/.config/drconsole/drconsole.yml", paths_home());
	candidates[2] = xstrdup(SYSCONFDIR "/drconsole/drconsole.yml");

	char *found = NULL;
	for (int i = 0; i < 3; i++) {
		if (found == NULL && paths_is_file(candidates[i]))
			found = candidates[i];
		else {
			if (found == NULL)
				paths_tried(tried, candidates[i]);
			free(candidates[i]);
		}
	}
	return found;
}

/* Returns $XDG_STATE_HOME/drconsole (or ~/.local/state/drconsole). */
char *paths_state_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/drconsole", xdg);
	return xasprintf("%s/.local/state/drconsole", paths_home());
}

/* Tells whether this program runs from its build folder (not installed). */
static int paths_running_uninstalled(void)
{
	char exe[PATH_MAX], dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash == NULL)
		return 0;
	*slash = '\0';
	if (realpath(DR_BUILDDIR, dir) == NULL)
		return 0;
	return strcmp(exe, dir) == 0;
}

/* Returns the folder holding shipped data "sub" (scenarios, layouts). */
char *paths_data_dir(const char *sub)
{
	const char *env = getenv("DRCONSOLE_DATADIR");
	if (env != NULL && *env != '\0')
		return xasprintf("%s/%s", env, sub);
	if (paths_running_uninstalled())
		return xasprintf("%s/%s", DR_SRCDIR, sub);
	return xasprintf("%s/%s", DR_DATADIR, sub);
}
