/*
 * journal_plant: writes a run's journal with the project's own journal
 * writer (journal_create, journal_append: chained, with its head file and
 * seal) at chosen times, for the command-line tests that need runs in a
 * state dir (tests/check-schedule.sh, tests/tui/test-golden.sh):
 *
 *   journal_plant STATE_DIR START END RESULT DATA
 *
 * START and END are RFC 3339 times: the run starts at START (its file name
 * and run_started) and its end record is written at END. RESULT is done or
 * aborted (a run_finished with that result), detached (the console quit),
 * or open (no end). DATA is run_started's data, a JSON object. Prints the
 * run id.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "caltime.h"
#include "journal.h"

static int64_t plant_now; /* the time every record is written at */

/* The journal's clock: the time set for the record being written. */
static int64_t plant_clock(void)
{
	return plant_now;
}

/* Says why the run could not be planted, and fails. */
static int plant_fail(const char *what, const char *why)
{
	fprintf(stderr, "journal_plant: %s: %s\n", what, why ? why : "?");
	return 1;
}

/* Writes the run's end record, as RESULT says; 0, or -1 with *cause. */
static int plant_end(struct journal *j, const char *result, char **cause)
{
	if (strcmp(result, "open") == 0)
		return 0;
	if (strcmp(result, "detached") == 0)
		return journal_detach(j, "the console quit", cause);
	return journal_append(j, JOURNAL_RUN_FINISHED, json_pack("{s:s}", "result", result), cause);
}

/* Plants one run as the arguments say. */
int main(int argc, char **argv)
{
	int64_t start, end;
	json_error_t e;
	char *path = NULL, *cause = NULL;
	if (argc != 6)
		return plant_fail("usage", "journal_plant STATE_DIR START END RESULT DATA");
	if (caltime_parse(argv[2], &start) == -1 || caltime_parse(argv[3], &end) == -1)
		return plant_fail("START and END", "RFC 3339 times, such as 2026-11-01T12:00:00Z");
	json_t *data = json_loads(argv[5], 0, &e);
	if (!json_is_object(data))
		return plant_fail("DATA", e.text);
	plant_now = start;
	struct journal *j = journal_create(argv[1], plant_clock, &path, &cause);
	if (j == NULL || journal_append(j, JOURNAL_RUN_STARTED, data, &cause) == -1)
		return plant_fail(argv[1], cause);
	plant_now = end;
	if (plant_end(j, argv[4], &cause) == -1)
		return plant_fail(argv[4], cause);
	journal_close(j);
	*strstr(path, ".jsonl") = '\0';
	printf("%s\n", strrchr(path, '/') + 1);
	free(path);
	return 0;
}
