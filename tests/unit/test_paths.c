/*
 * Tests of core/paths.c: ~ and relative expansion, dirname, the config
 * search order (-c, $DRCONSOLE_CONFIG, ./drconsole.yml, XDG or ~/.config,
 * sysconfdir) with the list of places tried, and the state and data dirs.
 * Each test works in its own mkdtemp folder; the environment and working
 * folder are put back after every test.
 */
#include "config.h"

#include "unit.h"

#include <ftw.h>
#include <pwd.h>
#include <sys/stat.h>

#include "paths.h"

/* What a test may change, saved before it runs. */
struct saved {
	char *cwd;
	char *env[5];
	char dir[64]; /* the test's scratch folder */
};

static const char *const env_names[5] = {"HOME", "DRCONSOLE_CONFIG", "XDG_CONFIG_HOME",
					 "XDG_STATE_HOME", "DRCONSOLE_DATADIR"};

/* Saves the environment and working folder, and makes a scratch folder. */
static int sandbox_setup(void **state)
{
	struct saved *s = xcalloc(1, sizeof *s);
	s->cwd = getcwd(NULL, 0);
	for (int i = 0; i < 5; i++) {
		const char *v = getenv(env_names[i]);
		s->env[i] = v ? xstrdup(v) : NULL;
	}
	snprintf(s->dir, sizeof s->dir, "/tmp/drconsole-paths-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	*state = s;
	return 0;
}

/* Removes one entry of the scratch tree. */
static int sandbox_remove(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Puts the environment and working folder back and removes the scratch folder. */
static int sandbox_teardown(void **state)
{
	struct saved *s = *state;
	int rc = chdir(s->cwd);
	for (int i = 0; i < 5; i++) {
		if (s->env[i] != NULL)
			setenv(env_names[i], s->env[i], 1);
		else
			unsetenv(env_names[i]);
		free(s->env[i]);
	}
	if (nftw(s->dir, sandbox_remove, 8, FTW_DEPTH | FTW_PHYS) != 0)
		rc = -1;
	free(s->cwd);
	free(s);
	return rc;
}

/* Creates a file (and its folders) below dir; returns its full path. */
static char *make_file(const char *dir, const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);
	for (char *p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0700) != 0 && !paths_is_dir(path))
			fail_msg("cannot create %s", path);
		*p = '/';
	}
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("sites: {}\n", fp);
	fclose(fp);
	return path;
}

/* Expands path against base and checks the result. */
static void expand_is(const char *path, const char *base, const char *want)
{
	char *got = paths_expand(path, base);
	if (strcmp(got, want) != 0)
		fail_msg("paths_expand('%s', '%s') is '%s', expected '%s'", path,
			 base ? base : "(null)", got, want);
	free(got);
}

/* ~ and ~/x use $HOME; relative paths join the base folder; absolute ones stay. */
static void test_paths_expand(void **state)
{
	(void)state;
	setenv("HOME", "/home/tester", 1);
	expand_is("~", NULL, "/home/tester");
	expand_is("~/x", NULL, "/home/tester/x");
	expand_is("~/x", "/srv/dr", "/home/tester/x");
	expand_is("~/.ssh/id_ed25519", NULL, "/home/tester/.ssh/id_ed25519");
	expand_is("rel/f.yml", "/srv/dr", "/srv/dr/rel/f.yml");
	expand_is("f.yml", "conf", "conf/f.yml");
	expand_is("rel", NULL, "rel");
	expand_is("/abs/f.yml", "/srv", "/abs/f.yml");
	expand_is("/abs/f.yml", NULL, "/abs/f.yml");
	/* ~user is not ours to expand: it is an ordinary relative name. */
	expand_is("~user/x", NULL, "~user/x");
	expand_is("~user/x", "/etc", "/etc/~user/x");
	expand_is("~x", NULL, "~x");
	expand_is("데이터/장애.yml", "/srv", "/srv/데이터/장애.yml");
}

/* Without $HOME (unset or empty), ~ is the password database's home. */
static void test_paths_expand_no_home(void **state)
{
	(void)state;
	struct passwd *pw = getpwuid(getuid());
	assert_non_null(pw);
	char *want = xasprintf("%s/x", pw->pw_dir);
	unsetenv("HOME");
	expand_is("~/x", NULL, want);
	setenv("HOME", "", 1);
	expand_is("~/x", NULL, want);
	free(want);
}

/* The folder part of a path. */
static void test_paths_dirname(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"a/b/c", "a/b"},
		{"c", "."},
		{"", "."},
		{"/c", "/"},
		{"/", "/"},
		{"./x", "."},
		{"/etc/drconsole/drconsole.yml", "/etc/drconsole"},
		{"데이터/파일.yml", "데이터"},
		{"../up.yml", ".."},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = paths_dirname(cases[i][0]);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("paths_dirname('%s') is '%s', expected '%s'", cases[i][0], got,
				 cases[i][1]);
		free(got);
	}
}

/* -c wins over everything and is taken as given, even when it does not exist. */
static void test_paths_find_config_given(void **state)
{
	struct saved *s = *state;
	assert_int_equal(chdir(s->dir), 0);
	free(make_file(s->dir, "drconsole.yml"));
	setenv("DRCONSOLE_CONFIG", "/env/config.yml", 1);
	char *tried = NULL;
	char *found = paths_find_config("given.yml", &tried);
	assert_string_equal(found, "given.yml");
	assert_null(tried);
	free(found);
}

/* $DRCONSOLE_CONFIG comes next, taken as given; an empty value is ignored. */
static void test_paths_find_config_env(void **state)
{
	struct saved *s = *state;
	assert_int_equal(chdir(s->dir), 0);
	free(make_file(s->dir, "drconsole.yml"));
	setenv("DRCONSOLE_CONFIG", "/env/config.yml", 1);
	char *tried = NULL;
	char *found = paths_find_config(NULL, &tried);
	assert_string_equal(found, "/env/config.yml");
	assert_null(tried);
	free(found);

	setenv("DRCONSOLE_CONFIG", "", 1);
	found = paths_find_config(NULL, &tried);
	assert_string_equal(found, "drconsole.yml");
	assert_null(tried);
	free(found);
}

/* ./drconsole.yml is taken before the XDG file. */
static void test_paths_find_config_cwd(void **state)
{
	struct saved *s = *state;
	char *cwd = xasprintf("%s/work", s->dir);
	char *xdg = xasprintf("%s/xdg", s->dir);
	free(make_file(cwd, "drconsole.yml"));
	free(make_file(xdg, "drconsole/drconsole.yml"));
	assert_int_equal(chdir(cwd), 0);
	unsetenv("DRCONSOLE_CONFIG");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	char *tried = NULL;
	char *found = paths_find_config(NULL, &tried);
	assert_string_equal(found, "drconsole.yml");
	assert_null(tried);
	free(found);
	free(cwd);
	free(xdg);
}

/* Without ./drconsole.yml, $XDG_CONFIG_HOME/drconsole/drconsole.yml is found. */
static void test_paths_find_config_xdg(void **state)
{
	struct saved *s = *state;
	char *cwd = xasprintf("%s/work", s->dir);
	char *xdg = xasprintf("%s/xdg", s->dir);
	char *want = make_file(xdg, "drconsole/drconsole.yml");
	char *dir_not_file = xasprintf("%s/drconsole.yml", cwd);
	assert_int_equal(mkdir(cwd, 0700), 0);
	/* A folder named drconsole.yml is not a config file. */
	assert_int_equal(mkdir(dir_not_file, 0700), 0);
	assert_int_equal(chdir(cwd), 0);
	unsetenv("DRCONSOLE_CONFIG");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	char *tried = NULL;
	char *found = paths_find_config(NULL, &tried);
	assert_non_null(found);
	assert_string_equal(found, want);
	assert_string_equal(tried, "drconsole.yml");
	free(found);
	free(tried);
	free(want);
	free(dir_not_file);
	free(cwd);
	free(xdg);
}

/* Without $XDG_CONFIG_HOME, or with a relative one, ~/.config/drconsole is used. */
static void test_paths_find_config_home(void **state)
{
	struct saved *s = *state;
	char *home = xasprintf("%s/home", s->dir);
	char *want = make_file(home, ".config/drconsole/drconsole.yml");
	assert_int_equal(chdir(s->dir), 0);
	unsetenv("DRCONSOLE_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", home, 1);
	char *found = paths_find_config(NULL, NULL);
	assert_non_null(found);
	assert_string_equal(found, want);
	free(found);

	setenv("XDG_CONFIG_HOME", "relative/xdg", 1);
	char *tried = NULL;
	found = paths_find_config(NULL, &tried);
	assert_non_null(found);
	assert_string_equal(found, want);
	assert_string_equal(tried, "drconsole.yml");
	free(found);
	free(tried);
	free(want);
	free(home);
}

/* When nothing exists, NULL, with every place tried listed in order. */
static void test_paths_find_config_none(void **state)
{
	struct saved *s = *state;
	const char *sys = SYSCONFDIR "/drconsole/drconsole.yml";
	if (paths_is_file(sys)) {
		fprintf(stderr, "%s exists on this machine: cannot test 'not found'\n", sys);
		skip();
	}
	char *xdg = xasprintf("%s/xdg", s->dir);
	assert_int_equal(chdir(s->dir), 0);
	unsetenv("DRCONSOLE_CONFIG");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	char *tried = NULL;
	assert_null(paths_find_config(NULL, &tried));
	char *want = xasprintf("drconsole.yml, %s/drconsole/drconsole.yml, %s", xdg, sys);
	assert_string_equal(tried, want);
	free(want);
	free(tried);

	/* The ~/.config place is listed when XDG is not set. */
	char *home = xasprintf("%s/home", s->dir);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", home, 1);
	tried = NULL;
	assert_null(paths_find_config(NULL, &tried));
	want = xasprintf("drconsole.yml, %s/.config/drconsole/drconsole.yml, %s", home, sys);
	assert_string_equal(tried, want);
	free(want);
	free(tried);

	/* tried may be NULL. */
	assert_null(paths_find_config(NULL, NULL));
	free(home);
	free(xdg);
}

/* The state folder: $XDG_STATE_HOME/drconsole when absolute, else ~/.local/state/drconsole. */
static void test_paths_state_dir(void **state)
{
	(void)state;
	setenv("HOME", "/home/tester", 1);
	setenv("XDG_STATE_HOME", "/var/xdg-state", 1);
	char *got = paths_state_dir();
	assert_string_equal(got, "/var/xdg-state/drconsole");
	free(got);
	unsetenv("XDG_STATE_HOME");
	got = paths_state_dir();
	assert_string_equal(got, "/home/tester/.local/state/drconsole");
	free(got);
	setenv("XDG_STATE_HOME", "", 1);
	got = paths_state_dir();
	assert_string_equal(got, "/home/tester/.local/state/drconsole");
	free(got);
	setenv("XDG_STATE_HOME", "relative", 1);
	got = paths_state_dir();
	assert_string_equal(got, "/home/tester/.local/state/drconsole");
	free(got);
}

/* Data comes from $DRCONSOLE_DATADIR, else (a test is not the installed program) DR_DATADIR. */
static void test_paths_data_dir(void **state)
{
	(void)state;
	setenv("DRCONSOLE_DATADIR", "/opt/dr", 1);
	char *got = paths_data_dir("scenarios");
	assert_string_equal(got, "/opt/dr/scenarios");
	free(got);
	unsetenv("DRCONSOLE_DATADIR");
	got = paths_data_dir("layouts");
	assert_string_equal(got, DR_DATADIR "/layouts");
	free(got);
}

/* paths_is_dir and paths_is_file tell folders, files and missing paths apart. */
static void test_paths_is_dir_file(void **state)
{
	struct saved *s = *state;
	char *file = make_file(s->dir, "sub/f.yml");
	char *sub = paths_dirname(file);
	char *missing = xasprintf("%s/missing", s->dir);
	char *link = xasprintf("%s/link.yml", s->dir);
	assert_int_equal(symlink(file, link), 0);
	assert_true(paths_is_dir(s->dir));
	assert_true(paths_is_dir(sub));
	assert_false(paths_is_dir(file));
	assert_false(paths_is_dir(missing));
	assert_true(paths_is_file(file));
	assert_true(paths_is_file(link));
	assert_false(paths_is_file(sub));
	assert_false(paths_is_file(missing));
	assert_false(paths_is_file(""));
	free(file);
	free(sub);
	free(missing);
	free(link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paths_expand, sandbox_setup, sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_expand_no_home, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test(test_paths_dirname),
		cmocka_unit_test_setup_teardown(test_paths_find_config_given, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_find_config_env, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_find_config_cwd, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_find_config_xdg, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_find_config_home, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_find_config_none, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_state_dir, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_data_dir, sandbox_setup,
						sandbox_teardown),
		cmocka_unit_test_setup_teardown(test_paths_is_dir_file, sandbox_setup,
						sandbox_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
