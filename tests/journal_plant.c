/*
 * journal_plant: writes a run's journal with the project's own journal
 * writer (journal_create, journal_append: chained, with its head file and
 * seal) at chosen times, for the command-line tests that need runs in a
 * state dir (tests/check-schedule.sh, tests/tui/test-golden.sh):
 *
 *   journal_plant STATE_DIR START END RESULT DATA [AT TYPE DATA]...
 *
 * START and END are RFC 3339 times: the run starts at START (its file name
 * and run_started) and its end record is written at END. RESULT is done or
 * aborted (a run_finished with that result), detached (the console quit),
 * or open (no end). DATA is run_started's data, a JSON object. Each AT TYPE
 * DATA after it is one more record between them, written at time AT (the
 * steps of a run, as the runbook engine journals them). Prints the run id.
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

/* Writes the records of the triples AT TYPE DATA in argv, n of them; 0, or 1 after saying why. */
static int plant_records(struct journal *j, char **argv, int n)
{
	json_error_t e;
	char *cause = NULL;
	for (int i = 0; i + 2 < n; i += 3) {
		json_t *data = json_loads(argv[i + 2], 0, &e);
		if (caltime_parse(argv[i], &plant_now) == -1)
			return plant_fail(argv[i], "not an RFC 3339 time");
		if (!json_is_object(data))
			return plant_fail(argv[i + 2], e.text);
		if (journal_append(j, argv[i + 1], data, &cause) == -1)
			return plant_fail(argv[i + 1], cause);
	}
	return 0;
}

/* Plants one run as the arguments say. */
int main(int argc, char **argv)
{
	int64_t start, end;
	json_error_t e;
	char *path = NULL, *cause = NULL;
	if (argc < 6 || (argc - 6) % 3 != 0)
		return plant_fail("usage",
		                  "journal_plant STATE_DIR START END RESULT DATA [AT TYPE DATA]...");
	if (caltime_parse(argv[2], &start) == -1 || caltime_parse(argv[3], &end) == -1)
		return plant_fail("START and END", "RFC 3339 times, such as 2026-11-01T12:00:00Z");
	json_t *data = json_loads(argv[5], 0, &e);
	if (!json_is_object(data))
		return plant_fail("DATA", e.text);
	plant_now = start;
	struct journal *j = journal_create(argv[1], plant_clock, &path, &cause);
	if (j == NULL || journal_append(j, JOURNAL_RUN_STARTED, data, &cause) == -1)
		return plant_fail(argv[1], cause);
	if (plant_records(j, argv + 6, argc - 6) != 0)
		return 1;
	plant_now = end;
	if (plant_end(j, argv[4], &cause) == -1)
		return plant_fail(argv[4], cause);
	journal_close(j);
	*strstr(path, ".jsonl") = '\0';
	printf("%s\n", strrchr(path, '/') + 1);
	free(path);
	return 0;
}
