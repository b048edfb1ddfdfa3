/*
 * Building a plan. Built-in actions are described by what they will do on the
 * site (the SQL they send, what they compare), so the operator reads the same
 * exact operation in the plan as in the confirmation dialog.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "drillrun.h"
#include "duration.h"
#include "params.h"
#include "plan.h"
#include "template.h"
#include "xmalloc.h"

/* Describes the rebuild of a site as a standby of the other site. */
static char *plan_rebuild_text(const struct catalog *cat, const struct site *site)
{
	const struct site *src = site == conf_dr(&cat->cf) ? conf_primary(&cat->cf) : conf_dr(&cat->cf);
	return xasprintf("rebuild %s as a standby streaming from %s: pg_rewind when wal_log_hints "
	                 "= on or data checksums and a clean shutdown, else pg_basebackup (the old "
	                 "data folder kept aside), or its data kept when no rewind is needed; "
	                 "standby.signal, primary_conninfo, start, streaming checked",
	                 site ? site->name : "the site", src ? src->name : "the other site");
}

/* Describes what a built-in does on a site. */
char *plan_builtin_text(const struct catalog *cat, const struct action *a, const struct site *site,
                        const char *builtin)
{
	char *budget = duration_format(cat->cf.dr.sync_interval_ms);
	const char *dbname = site ? site->pg.dbname : "?";
	char *s;
	if (strcmp(builtin, "promote") == 0)
		s = xasprintf("SELECT pg_promote(true, %lld) on %s; refused while the old "
		              "primary is reachable and writable",
		              (long long)(a->timeout_ms / 1000), dbname);
	else if (strcmp(builtin, "replication_check") == 0)
		s = xasprintf("standby streaming from the primary, replay lag within %s", budget);
	else if (strcmp(builtin, "writable") == 0)
		s = xasprintf("a write in a temporary table succeeds on %s", dbname);
	else if (strcmp(builtin, "data_loss") == 0)
		s = xstrdup("last primary LSN seen vs the new primary's replayed LSN, in bytes "
		            "and seconds (the measured RPO)");
	else if (strcmp(builtin, "backup_verify") == 0)
		s = xasprintf("pg_restore --list on the newest %s in %s",
		              site && site->backups.pattern ? site->backups.pattern : "backup",
		              site && site->backups.dir ? site->backups.dir : "(no backups: dir)");
	else if (strcmp(builtin, "restore_test") == 0)
		s = xstrdup("restore the newest backup into a scratch database and check it");
	else if (strcmp(builtin, "fence") == 0)
		s = xstrdup("stop PostgreSQL (pg_ctl stop -m fast); if the site cannot be "
		            "reached, the operator attests it is down");
	else if (strcmp(builtin, "site_health") == 0)
		s = xstrdup("SSH reachable, PostgreSQL up, disk and load within limits");
	else if (strcmp(builtin, "service_check") == 0)
		s = xasprintf("run each configured service check (%zu)",
		              site ? site->n_services : (size_t)0);
	else if (strcmp(builtin, "rebuild_standby") == 0)
		s = plan_rebuild_text(cat, site);
	else if (strcmp(builtin, "stop_writes") == 0)
		s = xstrdup("clean shutdown of PostgreSQL (it first sends all of its WAL to the "
		            "streaming standby); its final checkpoint LSN read by pg_controldata; "
		            "refused when no standby streams");
	else if (strcmp(builtin, "lift_fence") == 0)
		s = xasprintf("disarm the kept fence of %s (fence.json) and this run's fence on "
		              "return, so that it may be promoted back",
		              site ? site->name : "the site");
	else if (strcmp(builtin, "promote_back") == 0)
		s = xasprintf("SELECT pg_promote(true, %lld) on %s once it received past the DR "
		              "site's final checkpoint; refused while its fence is kept",
		              (long long)(a->timeout_ms / 1000), dbname);
	else
		s = xasprintf("built-in %s", builtin);
	free(budget);
	return s;
}

/* Expands a template for a site; on failure reports it and returns NULL. */
static char *plan_expand(const struct catalog *cat, const struct site *site, const char *tmpl,
                         enum template_mode mode, const struct srcpos *pos, struct diag *d)
{
	struct params_ctx ctx = {&cat->cf, site};
	char err[256], *out = NULL;
	size_t off;
	if (template_expand(tmpl, mode, params_lookup, &ctx, &out, err, sizeof err, &off) == 0)
		return out;
	diag_error(d, pos->file, pos->line, pos->col, "%s", err);
	return NULL;
}

/* Fills one target: the command and the check as they will run on site. */
static void plan_target(const struct catalog *cat, const struct action *a, struct plan_target *t,
                        const struct site *site, struct diag *d)
{
	t->site = site;
	if (a->kind == ACTION_RUN)
		t->command = plan_expand(cat, site, a->run, TEMPLATE_SHELL, &a->run_pos, d);
	else if (a->kind == ACTION_BUILTIN)
		t->command = plan_builtin_text(cat, a, site, a->builtin);
	if (a->check != NULL && a->check_builtin)
		t->check = plan_builtin_text(cat, a, site, a->check);
	else if (a->check != NULL)
		t->check = plan_expand(cat, site, a->check, TEMPLATE_SHELL, &a->check_pos, d);
}

/* Resolves a scenario into a plan; returns 0, or -1 with the problems in d. */
int plan_build(struct plan *p, const struct catalog *cat, const struct scenario *sc, struct diag *d)
{
	size_t errors = d->errors;
	memset(p, 0, sizeof *p);
	p->scenario = sc;
	p->steps = xcalloc(sc->n_steps, sizeof *p->steps);
	for (size_t i = 0; i < sc->n_steps; i++) {
		const struct action *a = drillrun_action(cat, sc->steps[i].text);
		struct plan_step *st = &p->steps[p->n];
		if (a == NULL) {
			diag_error(d, sc->steps[i].pos.file, sc->steps[i].pos.line,
			           sc->steps[i].pos.col, "unknown action '%s'", sc->steps[i].text);
			continue;
		}
		st->action = a;
		p->total_ms += a->estimate_ms;
		const struct site *first = NULL;
		if (a->site == ACTION_SITE_PRIMARY || a->site == ACTION_SITE_BOTH)
			first = conf_primary(&cat->cf);
		else if (a->site == ACTION_SITE_DR)
			first = conf_dr(&cat->cf);
		if (a->description != NULL)
			st->instruction =
			    plan_expand(cat, first, a->description, TEMPLATE_TEXT, &a->desc_pos, d);
		/* A local step that runs something runs it here: one target, no site. */
		if (a->site != ACTION_SITE_LOCAL || a->kind != ACTION_MANUAL)
			plan_target(cat, a, &st->targets[st->n_targets++], first, d);
		if (a->site == ACTION_SITE_BOTH)
			plan_target(cat, a, &st->targets[st->n_targets++], conf_dr(&cat->cf), d);
		p->n++;
	}
	return d->errors > errors ? -1 : 0;
}

/* Returns what a typed confirmation of a step must match: its first site's name, or "local". */
const char *plan_confirm_word(const struct plan_step *st)
{
	const struct site *s = st->n_targets > 0 ? st->targets[0].site : NULL;
	return s != NULL ? s->name : "local";
}

/* Frees a plan. */
void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->steps[i].instruction);
		for (size_t j = 0; j < p->steps[i].n_targets; j++) {
			free(p->steps[i].targets[j].command);
			free(p->steps[i].targets[j].check);
		}
	}
	free(p->steps);
	memset(p, 0, sizeof *p);
}
