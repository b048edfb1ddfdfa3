/*
 * Tests of core/params.c: every placeholder form a step may use resolves to the
 * right value for the step's own site, for the primary and DR roles, for the
 * deployment's params and for the DR settings; anything else is unknown (NULL),
 * which the template layer reports.
 */
#include "config.h"

#include <pwd.h>

#include "unit.h"

#include "params.h"
#include "template.h"

static const char config_text[] =
	"dr:\n"
	"  primary_site: datacenter-1\n"
	"  dr_site: datacenter-2\n"
	"  failover_mode: automatic\n"
	"  sync_interval: 5m\n"
	"sites:\n"
	"  - name: datacenter-1\n"
	"    ssh: {host: db1.example.com, port: 2222, user: drops}\n"
	"    postgres: {port: 5433, dbname: erp_chatbot, user: drmonitor}\n"
	"    backups: {dir: /backup, pattern: \"db_backup_*.dump\"}\n"
	"  - name: datacenter-2\n"
	"    ssh: {host: db2.example.com}\n"
	"params:\n"
	"  app: \"erp chat; rm -rf /\"\n"
	"  region: 서울\n";

/* The loaded config shared by the tests. */
struct fixture {
	char *file;
	struct conf cf;
};

/* Loads the config once for the group. */
static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof *fx);
	struct diag d;
	diag_init(&d);
	fx->file = unit_write_file(config_text);
	int rc = conf_load(&fx->cf, fx->file, &d);
	if (d.n != 0)
		diag_print(&d, stderr);
	diag_free(&d);
	*state = fx;
	return rc == 0 ? 0 : -1;
}

/* Frees the config and removes its file. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	conf_free(&fx->cf);
	unlink(fx->file);
	free(fx->file);
	free(fx);
	return 0;
}

/* Fails unless name resolves to want for the step's site (want NULL: unknown). */
static void expect_param(const struct conf *cf, const struct site *site, const char *name,
			 const char *want)
{
	struct params_ctx ctx = {cf, site};
	char *got = params_lookup(&ctx, name);
	if (want == NULL && got != NULL)
		fail_msg("{{%s}} gave '%s', expected it to be unknown", name, got);
	if (want != NULL && got == NULL)
		fail_msg("{{%s}} is unknown, expected '%s'", name, want);
	if (want != NULL && strcmp(got, want) != 0)
		fail_msg("{{%s}} gave '%s', expected '%s'", name, got, want);
	free(got);
}

/* {{site.X}}: the step's own site, every field. */
static void test_params_site_fields(void **state)
{
	const struct conf *cf = &((struct fixture *)*state)->cf;
	const struct site *primary = conf_primary(cf), *dr = conf_dr(cf);
	assert_non_null(primary);
	assert_non_null(dr);

	expect_param(cf, primary, "site.name", "datacenter-1");
	expect_param(cf, primary, "site.host", "db1.example.com");
	expect_param(cf, primary, "site.port", "2222");
	expect_param(cf, primary, "site.user", "drops");
	expect_param(cf, primary, "site.postgres.port", "5433");
	expect_param(cf, primary, "site.postgres.dbname", "erp_chatbot");
	expect_param(cf, primary, "site.postgres.user", "drmonitor");
	expect_param(cf, primary, "site.backups.dir", "/backup");
	expect_param(cf, primary, "site.backups.pattern", "db_backup_*.dump");

	/* The DR site leaves most out: the defaults show through. */
	expect_param(cf, dr, "site.name", "datacenter-2");
	expect_param(cf, dr, "site.host", "db2.example.com");
	expect_param(cf, dr, "site.port", "22");
	expect_param(cf, dr, "site.postgres.port", "5432");
	expect_param(cf, dr, "site.postgres.dbname", "postgres");
	struct passwd *pw = getpwuid(getuid());
	assert_non_null(pw);
	expect_param(cf, dr, "site.user", pw->pw_name);
}

/* {{primary.X}} and {{dr.X}} (and site.primary.X, site.dr.X) name the roles' sites. */
static void test_params_roles(void **state)
{
	const struct conf *cf = &((struct fixture *)*state)->cf;
	const struct site *primary = conf_primary(cf), *dr = conf_dr(cf);
	const struct site *sites[] = {primary, dr, NULL};
	for (size_t i = 0; i < 3; i++) {
		const struct site *s = sites[i];
		expect_param(cf, s, "primary.name", "datacenter-1");
		expect_param(cf, s, "primary.host", "db1.example.com");
		expect_param(cf, s, "primary.port", "2222");
		expect_param(cf, s, "primary.postgres.port", "5433");
		expect_param(cf, s, "dr.name", "datacenter-2");
		expect_param(cf, s, "dr.host", "db2.example.com");
		expect_param(cf, s, "dr.postgres.port", "5432");
		expect_param(cf, s, "dr.postgres.dbname", "postgres");
		expect_param(cf, s, "site.dr.name", "datacenter-2");
		expect_param(cf, s, "site.dr.host", "db2.example.com");
		expect_param(cf, s, "site.primary.name", "datacenter-1");
		expect_param(cf, s, "site.primary.backups.dir", "/backup");
	}
}

/* {{params.NAME}}, {{sync_interval}} (seconds) and {{failover_mode}}. */
static void test_params_values(void **state)
{
	const struct conf *cf = &((struct fixture *)*state)->cf;
	const struct site *dr = conf_dr(cf);
	expect_param(cf, dr, "params.app", "erp chat; rm -rf /");
	expect_param(cf, dr, "params.region", "서울");
	expect_param(cf, NULL, "params.app", "erp chat; rm -rf /");
	expect_param(cf, dr, "sync_interval", "300");
	expect_param(cf, dr, "failover_mode", "automatic");
	expect_param(cf, NULL, "failover_mode", "automatic");
}

/* Names that are not placeholders, fields a site does not have, and a local step's site. */
static void test_params_unknown(void **state)
{
	const struct conf *cf = &((struct fixture *)*state)->cf;
	const struct site *dr = conf_dr(cf);
	static const char *const unknown[] = {
		"site",          "site.",          "site.nope",        "site.name.x",
		"site.postgres", "site.ssh.host",  "Site.name",        "primary",
		"primary.",      "primary.nope",   "dr",               "dr.",
		"dr.password",   "site.dr",        "params",           "params.",
		"params.missing", "params.APP",    "sync_interval.x",  "sync",
		"failover",      "nothing",        "",                 "standby.name",
	};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		expect_param(cf, dr, unknown[i], NULL);
	/* A local step has no site of its own. */
	expect_param(cf, NULL, "site.name", NULL);
	expect_param(cf, NULL, "site.host", NULL);
	/* The DR site keeps no backups and names no PostgreSQL user. */
	expect_param(cf, dr, "site.backups.dir", NULL);
	expect_param(cf, dr, "site.postgres.user", NULL);
}

/* Through the template layer, values become single shell words. */
static void test_params_in_a_command(void **state)
{
	const struct conf *cf = &((struct fixture *)*state)->cf;
	struct params_ctx ctx = {cf, conf_dr(cf)};
	char err[256], *out = NULL;
	size_t off = 0;
	assert_int_equal(template_expand("/usr/local/bin/switch-db {{params.app}} {{site.host}} "
					 "{{ sync_interval }}",
					 TEMPLATE_SHELL, params_lookup, &ctx, &out, err, sizeof err,
					 &off),
			 0);
	assert_string_equal(out,
			    "/usr/local/bin/switch-db 'erp chat; rm -rf /' db2.example.com 300");
	free(out);
	assert_int_equal(template_expand("notify {{params.region}} {{site.nope}}", TEMPLATE_SHELL,
					 params_lookup, &ctx, &out, err, sizeof err, &off),
			 -1);
	assert_string_equal(err, "unknown placeholder {{site.nope}}");
	assert_int_equal(off, 25);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_site_fields),
		cmocka_unit_test(test_params_roles),
		cmocka_unit_test(test_params_values),
		cmocka_unit_test(test_params_unknown),
		cmocka_unit_test(test_params_in_a_command),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
