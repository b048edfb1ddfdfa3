/*
 * Tests of core/runid.c: the id's exact form, the host part cleaned and cut
 * into a safe file name, two new ids apart, and the shape check accepting
 * every made id and nothing else (a journal's old "<stamp>-<n>" name included).
 */
#include "config.h"

#include "unit.h"

#include "runid.h"

/* 2026-11-27 06:15:00.123 UTC. */
#define T0 1795760100123LL

/* Fails unless host becomes the id want (at T0, pid 4242, random 0x9f3c2a1b7d4e6f01). */
static void made(const char *host, const char *want)
{
	char *id = runid_make(T0, host, 4242, 0x9f3c2a1b7d4e6f01ULL);
	if (strcmp(id, want) != 0)
		fail_msg("runid_make(\"%s\") is [%s], expected [%s]", host ? host : "(null)", id,
		         want);
	assert_true(runid_ok(id, strlen(id)));
	free(id);
}

/* The stamp, the host, the pid and the random part in hex, joined by dashes. */
static void test_make(void **state)
{
	(void)state;
	made("jump1", "20261127T061500Z-jump1-4242-9f3c2a1b7d4e6f01");
	made("db-jump-01.dc1.example.com", "20261127T061500Z-db-jump-01.dc1.example.com-4242-"
	                                   "9f3c2a1b7d4e6f01");
	made("점프", "20261127T061500Z-______-4242-9f3c2a1b7d4e6f01");
	made("../a/b c", "20261127T061500Z-_._a_b_c-4242-9f3c2a1b7d4e6f01");
	made("", "20261127T061500Z-unknown-4242-9f3c2a1b7d4e6f01");
	made(NULL, "20261127T061500Z-unknown-4242-9f3c2a1b7d4e6f01");
	made("a-very-long-host-name-that-goes-on.and.on.example.com",
	     "20261127T061500Z-a-very-long-host-name-that-goes--4242-9f3c2a1b7d4e6f01");
	char *id = runid_make(0, "h", 1, 0);
	assert_string_equal(id, "19700101T000000Z-h-1-0000000000000000");
	assert_true(runid_ok(id, strlen(id)));
	free(id);
	id = runid_make(T0, "h", 2147483647, UINT64_MAX);
	assert_string_equal(id, "20261127T061500Z-h-2147483647-ffffffffffffffff");
	assert_true(strlen(id) <= RUNID_MAX);
	free(id);
}

/* A new id names this host and process, and two new ids differ in their random part. */
static void test_new(void **state)
{
	(void)state;
	char host[256] = "", *want;
	assert_int_equal(gethostname(host, sizeof host - 1), 0);
	char *a = runid_new(T0), *b = runid_new(T0);
	assert_true(runid_ok(a, strlen(a)));
	assert_string_not_equal(a, b);
	want = runid_make(T0, host, (int)getpid(), 0);
	size_t same = strlen(want) - 16; /* all but the random part */
	assert_int_equal(strlen(a), strlen(want));
	assert_int_equal(strncmp(a, want, same), 0);
	assert_int_equal(strncmp(b, want, same), 0);
	free(want);
	free(a);
	free(b);
}

/* Fails unless s is refused as an id. */
static void not_id(const char *s)
{
	if (runid_ok(s, strlen(s)))
		fail_msg("[%s] passes as a run id", s);
}

/* Only the shape runid_make gives passes; the length given is what is looked at. */
static void test_ok(void **state)
{
	(void)state;
	const char *good = "20261127T061500Z-jump1-4242-9f3c2a1b7d4e6f01";
	assert_true(runid_ok(good, strlen(good)));
	assert_true(runid_ok("20261127T061500Z-a-b-1-0123456789abcdef.jsonl", 39));
	assert_false(runid_ok(good, strlen(good) - 1));
	assert_false(runid_ok(NULL, 0));
	not_id("");
	not_id("20261127T061500Z-1");
	not_id("20261127T061500Z-10.jsonl");
	not_id("20261127T061500Z-jump1-4242-9F3C2A1B7D4E6F01");
	not_id("20261127T061500Z-jump1-4242-9f3c2a1b7d4e6f0");
	not_id("20261127T061500Z-jump1-4242-9f3c2a1b7d4e6f011");
	not_id("20261127T061500Z-jump1-4242_9f3c2a1b7d4e6f01");
	not_id("20261127T061500Z-jump1--9f3c2a1b7d4e6f01");
	not_id("20261127T061500Z-4242-9f3c2a1b7d4e6f01");
	not_id("20261127T061500Z--4242-9f3c2a1b7d4e6f01");
	not_id("20261127T061500Z-.hidden-4242-9f3c2a1b7d4e6f01");
	not_id("20261127T061500Z-a/b-4242-9f3c2a1b7d4e6f01");
	not_id("20261127T061500Z-jump1-12345678901-9f3c2a1b7d4e6f01");
	not_id("20261127 061500Z-jump1-4242-9f3c2a1b7d4e6f01");
	not_id("2026112xT061500Z-jump1-4242-9f3c2a1b7d4e6f01");
	not_id("20261127T061500-jump1-4242-9f3c2a1b7d4e6f01");
	not_id("20261127T061500Z-a-very-long-host-name-that-goes-on-4242-9f3c2a1b7d4e6f01");
	char with_nul[] = "20261127T061500Z-ju\0p1-4242-9f3c2a1b7d4e6f01";
	assert_false(runid_ok(with_nul, sizeof with_nul - 1));
}

/* Runs the tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_make),
	    cmocka_unit_test(test_new),
	    cmocka_unit_test(test_ok),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
