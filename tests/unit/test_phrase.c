/*
 * core/phrase.c: a sentence formatted twice from one argument list. Without
 * a catalog both texts are the same; with the Korean catalog of the build
 * tree the screen's text is Korean while the recorded text (an event's, as
 * the watcher journals it; a reason's, as status --json prints it) stays
 * the English of the sources, byte for byte.
 */
#include "config.h"

#include <locale.h>
#include <sys/stat.h>

#include "unit.h"

#include "events.h"
#include "i18n.h"
#include "phrase.h"
#include "scratch_fixture.h"
#include "verdict.h"

/* Formats through phrase_vformat. */
__attribute__((format(printf, 3, 4))) static void both(char **text, char **shown,
                                                       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	phrase_vformat(fmt, ap, text, shown);
	va_end(ap);
}

/* No catalog: the screen's text is the recorded one. */
static void test_phrase_no_catalog(void **state)
{
	(void)state;
	char *text, *shown;
	both(&text, &shown, "%s reachable again after %s", "datacenter-2", "5s");
	assert_string_equal(text, "datacenter-2 reachable again after 5s");
	assert_string_equal(shown, text);
	free(text);
	free(shown);
}

/* Lays the built catalog out under dir and reads messages from it in Korean; 0 if not. */
static int phrase_korean(const char *dir)
{
#ifdef ENABLE_NLS
	char *sub = xasprintf("%s/ko", dir), *lc = xasprintf("%s/ko/LC_MESSAGES", dir);
	char *mo = xasprintf("%s/drconsole.mo", lc), *cmd;
	int ok = mkdir(sub, 0700) == 0 && mkdir(lc, 0700) == 0;
	/* po/ko.gmo is in the build tree of a checkout, in the source tree of a VPATH build */
	cmd = xasprintf("cp '%s/po/ko.gmo' '%s' 2>/dev/null || cp '%s/po/ko.gmo' '%s'", DR_BUILDDIR,
	                mo, DR_SRCDIR, mo);
	ok = ok && system(cmd) == 0 && setlocale(LC_ALL, "ko_KR.UTF-8") != NULL;
	if (ok) {
		bindtextdomain(PACKAGE, dir);
		textdomain(PACKAGE);
	}
	free(sub), free(lc), free(mo), free(cmd);
	return ok;
#else
	(void)dir;
	return 0;
#endif
}

/* With the Korean catalog: events and the verdict's change in Korean on screen, English kept. */
static void test_phrase_korean(void **state)
{
	if (!phrase_korean(*state)) {
		skip(); /* no ko_KR.UTF-8 locale, or built without NLS */
		return;
	}
	struct event_log log;
	event_log_init(&log, 8);
	event_log_add(&log, 0, EVENT_INFO, "datacenter-2", "%s reachable again", "datacenter-2");
	const struct event *e = event_log_get(&log, 0);
	assert_string_equal(e->text, "datacenter-2 reachable again");
	assert_string_equal(e->shown, "datacenter-2 다시 연결됨");

	struct verdict before = {0}, after = {0};
	before.level = VERDICT_OK;
	verdict_note(&after, VERDICT_WARNING, VERDICT_KIND_OTHER, "datacenter-1", "disk");
	events_verdict(&before, &after, 0, &log);
	e = event_log_get(&log, 0);
	assert_string_equal(e->text, "verdict warning (was ok): disk");
	assert_string_equal(e->shown, "판정 warning (이전 ok): disk");
	event_log_free(&log);
	setlocale(LC_ALL, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_phrase_no_catalog),
	    cmocka_unit_test_setup_teardown(test_phrase_korean, scratch_make, scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
