/*
 * Tests of core/secret.c: key names that stand for passwords, values that
 * carry one (libpq keyword, PGPASSWORD=, user:password@ in a URI), and the
 * scan of a whole tree with its count and the position of every finding.
 */
#include "config.h"

#include "unit.h"

#include "secret.h"

/* Key names like password, passwd and passphrase, in any case, anywhere in the name. */
static void test_secret_key_name(void **state)
{
	(void)state;
	static const char *const yes[] = {"password", "PGPASSWORD", "db_passwd", "passphrase",
					  "Password", "ssh_key_passphrase", "admin_password_file",
					  "PASSWD"};
	static const char *const no[] = {"pass_through", "pass", "passport", "user", "pwd",
					 "secret_key_file", "", "bypass", "passwor"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!secret_key_name(yes[i]))
			fail_msg("'%s' should be taken for a password key", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (secret_key_name(no[i]))
			fail_msg("'%s' should not be taken for a password key", no[i]);
}

/* Values carrying a password are found; look-alikes are not. */
static void test_secret_in_text(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"password=secret",
		"password = x",
		"host=db1 password=s3cret dbname=app",
		"host=db1 PASSWORD\t=x",
		"PGPASSWORD=x psql",
		"env PGPASSWORD=x psql -h db1",
		"pgpassword=x",
		"postgres://u:p@h/db",
		"postgresql://replicator:pw@db1:5432/postgres",
		"psql 'postgres://u:p@h/db'",
		"first http://a/ then postgres://u:p@h/db",
	};
	static const char *const no[] = {
		"postgres://u@h/db",
		"https://host:443/x",
		"https://host:443/x@y",
		"postgres://u:@h/db",
		"ssh://[::1]:22/",
		"user:pw@host",
		"enter the password: ",
		"password",
		"the password is in ~/.pgpass",
		"passfile=/home/pg/.pgpass",
		"",
		"host=db1 user=app",
	};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!secret_in_text(yes[i]))
			fail_msg("a password should be found in '%s'", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (secret_in_text(no[i]))
			fail_msg("no password should be found in '%s'", no[i]);
}

/* The scan reports every key and value with a password, once, at its position. */
static void test_secret_scan_tree(void **state)
{
	(void)state;
	const char *text = "sites:\n"
			   "  a:\n"
			   "    password: x\n"
			   "    dsn: \"host=a password=s\"\n"
			   "  b:\n"
			   "    url: postgres://u:p@h/db\n"
			   "    ok: postgres://u@h/db\n"
			   "list:\n"
			   "  - PGPASSWORD=x psql\n"
			   "  - pass_through: yes\n"
			   "  - db_passwd:\n"
			   "      nested: password=inner\n"
			   "  - [deep, \"password = y\"]\n"
			   "https://host:443/x: fine\n";
	struct ydoc doc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(yaml_doc_parse(&doc, "s.yml", text, strlen(text), &d), 0);
	struct yctx c = {"s.yml", &d};
	assert_int_equal(secret_scan(&c, doc.root), 6);
	assert_int_equal(d.errors, 6);
	static const char *const want[] = {
		"s.yml:3:5: error: key 'password': a password may not be written in the config "
		"(use ~/.pgpass, a service file or ssh-agent)",
		"s.yml:4:10: error: a password is written in this value: drconsole never keeps "
		"secrets in its config (use ~/.pgpass, a service file or ssh-agent)",
		"s.yml:6:10: error: a password is written in this value: drconsole never keeps "
		"secrets in its config (use ~/.pgpass, a service file or ssh-agent)",
		"s.yml:9:5: error: a password is written in this value: drconsole never keeps "
		"secrets in its config (use ~/.pgpass, a service file or ssh-agent)",
		"s.yml:11:5: error: key 'db_passwd': a password may not be written in the config "
		"(use ~/.pgpass, a service file or ssh-agent)",
		"s.yml:13:12: error: a password is written in this value: drconsole never keeps "
		"secrets in its config (use ~/.pgpass, a service file or ssh-agent)",
	};
	for (size_t i = 0; i < d.n; i++) {
		char *got = diag_format(&d.items[i]);
		if (strcmp(got, want[i]) != 0)
			fail_msg("finding %zu is '%s', expected '%s'", i, got, want[i]);
		free(got);
	}
	yaml_doc_free(&doc);
	diag_free(&d);
}

/* Nothing to find gives 0 and no message; a NULL tree is fine. */
static void test_secret_scan_clean(void **state)
{
	(void)state;
	const char *text = "sites:\n  a: {host: db1, user: app, passfile: ~/.pgpass}\n"
			   "uri: postgres://app@db1/app\n";
	struct ydoc doc;
	struct diag d;
	diag_init(&d);
	assert_int_equal(yaml_doc_parse(&doc, "s.yml", text, strlen(text), &d), 0);
	struct yctx c = {"s.yml", &d};
	assert_int_equal(secret_scan(&c, doc.root), 0);
	assert_int_equal(secret_scan(&c, NULL), 0);
	assert_int_equal(d.n, 0);
	yaml_doc_free(&doc);

	/* A lone scalar document is scanned too. */
	assert_int_equal(yaml_doc_parse(&doc, "s.yml", "password=x\n", 11, &d), 0);
	assert_int_equal(secret_scan(&c, doc.root), 1);
	assert_true(unit_diag_has(&d, "s.yml:1:1: error: a password is written in this value"));
	yaml_doc_free(&doc);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_key_name),
		cmocka_unit_test(test_secret_in_text),
		cmocka_unit_test(test_secret_scan_tree),
		cmocka_unit_test(test_secret_scan_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
