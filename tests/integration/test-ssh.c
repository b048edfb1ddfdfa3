/*
 * Integration tests of core/net.c, sshconn.c, sshexec.c and pgbridge.c
 * against the real two-site lab (tests/lab/lab.sh), brought up by
 * test-ssh.sh, which passes the lab's lab.env variables in the environment.
 *
 * Every test bounds its time: a hang is a failure, not a wait. The tests that
 * break a site (freeze, rekey) come last and undo what they can.
 * libpq runs in helper threads (as it will in the site agent's callers) while
 * the main thread drives sshconn_poll, which owns the session.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "pgbridge.h"
#include "sshconn.h"
#include "sshexec.h"
#include "sshloop.h"
#include "xmalloc.h"

/* The lab, from the environment. */
static const char *lab_dir, *lab_sh, *lab_base, *lab_user;

/* Returns an environment variable the wrapper must set. */
static const char *lab_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0') {
		fprintf(stderr, "test-ssh: %s is not set (run through test-ssh.sh)\n", name);
		exit(99);
	}
	return v;
}

/* Returns the lab's port for "SSH" or "PG" of site n. */
static unsigned lab_port(const char *what, int n)
{
	char name[64];
	snprintf(name, sizeof name, "LAB_%s_PORT_%d", what, n);
	return (unsigned)atoi(lab_env(name));
}

/* Builds the site description of lab site n (as drconsole.yml would give it). */
static struct site lab_site(int n)
{
	struct site s;
	memset(&s, 0, sizeof s);
	s.name = xasprintf("datacenter-%d", n);
	s.ssh.host = xstrdup("127.0.0.1");
	s.ssh.port = lab_port("SSH", n);
	s.ssh.user = xstrdup(lab_user);
	s.ssh.identity = xstrdup(lab_env("LAB_KEY"));
	s.ssh.known_hosts = xstrdup(lab_env("LAB_KNOWN_HOSTS"));
	s.pg.port = lab_port("PG", n);
	return s;
}

/* Replaces a string field of a site. */
static void site_set(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

/* Frees what lab_site allocated. */
static void site_free(struct site *s)
{
	free(s->name);
	free(s->ssh.host);
	free(s->ssh.user);
	free(s->ssh.identity);
	free(s->ssh.known_hosts);
	free(s->ssh.jump);
	free(s->ssh.config);
}

/* Runs lab.sh with arguments on this test's lab; fails the test if it fails. */
static void lab_run(const char *args)
{
	char *cmd = xasprintf("timeout 60 %s --dir %s --port-base %s %s >/dev/null 2>&1", lab_sh,
	                      lab_dir, lab_base, args);
	int rc = system(cmd);
	free(cmd);
	assert_int_equal(rc, 0);
}

/* Returns the output of a shell command, trailing newline removed. */
static char *shell_output(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	pclose(p);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return xstrdup(buf);
}

/* Returns the SHA256 fingerprint of lab site n's current host key. */
static char *host_fingerprint(int n)
{
	char *cmd = xasprintf("ssh-keygen -l -E sha256 -f %s/site%d/ssh/ssh_host_ed25519_key.pub"
	                      " | awk '{ print $2 }'",
	                      lab_dir, n);
	char *fp = shell_output(cmd);
	free(cmd);
	return fp;
}

/* Opens a session to site n, failing the test (with the reason) if it cannot. */
static struct sshconn *open_site(const struct site *s, int64_t timeout_ms, int64_t *took_ms)
{
	struct sshconn_failure fail;
	int64_t t0 = clock_mono_ms();
	struct sshconn *c = sshconn_open(s, timeout_ms, &fail);
	if (took_ms != NULL)
		*took_ms = clock_mono_ms() - t0;
	if (c == NULL) {
		print_error("sshconn_open: %s: %s\n", sshconn_fail_kind_name(fail.kind),
		            fail.message);
		sshconn_failure_free(&fail);
		fail();
	}
	return c;
}

/* Expects sshconn_open to fail with kind; returns the failure and the time taken. */
static void open_fails(const struct site *s, int64_t timeout_ms, enum sshconn_fail_kind kind,
                       struct sshconn_failure *fail, int64_t *took_ms)
{
	int64_t t0 = clock_mono_ms();
	struct sshconn *c = sshconn_open(s, timeout_ms, fail);
	*took_ms = clock_mono_ms() - t0;
	if (c != NULL) {
		sshconn_free(c);
		fail_msg("sshconn_open succeeded; expected %s", sshconn_fail_kind_name(kind));
	}
	printf("# %s after %lld ms: %s\n", sshconn_fail_kind_name(fail->kind), (long long)*took_ms,
	       fail->message);
	assert_string_equal(sshconn_fail_kind_name(fail->kind), sshconn_fail_kind_name(kind));
}

/* Runs one command with sshconn_exec, failing the test on a transport error. */
static void run(struct sshconn *c, const char *cmd, int64_t timeout_ms, struct sshexec_result *r)
{
	char *cause = NULL;
	if (sshconn_exec(c, cmd, timeout_ms, r, &cause) != 0) {
		print_error("sshconn_exec(%s): %s\n", cmd, cause);
		free(cause);
		fail();
	}
}

/* ------------------------------------------------------------------------ */

/* Connects and runs echo: stdout, status, and the times it takes. */
static void test_connect_echo(void **state)
{
	struct site s = lab_site(1);
	int64_t took;
	struct sshconn *c = open_site(&s, 5000, &took);
	printf("# connect + auth to site 1: %lld ms\n", (long long)took);
	assert_true(took < 5000);

	struct sshexec_result r;
	int64_t t0 = clock_mono_ms();
	run(c, "echo hello", 5000, &r);
	int64_t first = clock_mono_ms() - t0;
	assert_string_equal(r.out, "hello\n");
	assert_int_equal(r.out_len, 6);
	assert_string_equal(r.err, "");
	assert_int_equal(r.status, 0);
	assert_null(r.signal);
	sshexec_result_free(&r);

	int64_t total = 0;
	for (int i = 0; i < 5; i++) {
		t0 = clock_mono_ms();
		run(c, "echo $LAB_SITE", 5000, &r);
		total += clock_mono_ms() - t0;
		assert_string_equal(r.out, "1\n");
		sshexec_result_free(&r);
	}
	printf("# exec round trip (remote shell start included): first %lld ms, "
	       "average of 5 %.1f ms\n",
	       (long long)first, (double)total / 5.0);
	assert_true(total < 5 * 10000);
	sshconn_free(c);
	site_free(&s);
}

/* stderr comes back separately; exit status and signal are reported. */
static void test_streams_status_signal(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	struct sshexec_result r;

	run(c, "echo out; echo err >&2", 5000, &r);
	assert_string_equal(r.out, "out\n");
	assert_string_equal(r.err, "err\n");
	assert_int_equal(r.status, 0);
	sshexec_result_free(&r);

	run(c, "exit 3", 5000, &r);
	assert_int_equal(r.status, 3);
	assert_null(r.signal);
	sshexec_result_free(&r);

	run(c, "kill -TERM $$", 5000, &r);
	assert_non_null(r.signal);
	assert_string_equal(r.signal, "TERM");
	assert_int_equal(r.status, -1);
	sshexec_result_free(&r);

	sshconn_free(c);
	site_free(&s);
}

/* Output beyond max_bytes is dropped and flagged, on both streams. */
static void test_truncation(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	char *cause = NULL;
	struct sshexec *e = sshexec_start(
	    c, "head -c 100000 /dev/zero | tr '\\0' x; head -c 5000 /dev/zero >&2; echo done >&2",
	    1000, &cause);
	assert_non_null(e);
	int64_t deadline = clock_mono_ms() + 5000;
	while (!sshexec_done(e) && clock_left_ms(deadline) > 0)
		assert_int_equal(sshconn_poll(c, 100), 0);
	assert_true(sshexec_done(e));
	assert_null(sshexec_error(e));
	size_t len;
	int truncated;
	const char *out = sshexec_stdout(e, &len, &truncated);
	assert_int_equal(len, 1000);
	assert_true(truncated);
	assert_int_equal(out[0], 'x');
	assert_int_equal(out[999], 'x');
	sshexec_stderr(e, &len, &truncated);
	assert_int_equal(len, 1000);
	assert_true(truncated);
	assert_int_equal(sshexec_status(e), 0);
	sshexec_free(e);

	/* The default limit of sshconn_exec (1 MiB): seq prints 1288895 bytes. */
	struct sshexec_result r;
	run(c, "seq 1 200000", 10000, &r);
	assert_int_equal(r.out_len, SSHEXEC_MAX_OUTPUT);
	assert_true(r.out_truncated);
	assert_int_equal(strncmp(r.out, "1\n2\n3\n", 6), 0);
	sshexec_result_free(&r);

	/* Small output is not flagged. */
	run(c, "printf abc", 5000, &r);
	assert_int_equal(r.out_len, 3);
	assert_false(r.out_truncated);
	sshexec_result_free(&r);
	sshconn_free(c);
	site_free(&s);
}

/* Starts n commands "BEFORE<index>AFTER" at once. */
static struct sshexec **start_many(struct sshconn *c, int n, const char *before, const char *after)
{
	struct sshexec **e = xcalloc((size_t)n, sizeof *e);
	char *cause = NULL;
	for (int i = 0; i < n; i++) {
		char *cmd = xasprintf("%s%d%s", before, i, after);
		e[i] = sshexec_start(c, cmd, 4096, &cause);
		free(cmd);
		assert_non_null(e[i]);
	}
	return e;
}

/* Drives the session until all n execs are done; fails past bound_ms. */
static int64_t wait_many(struct sshconn *c, struct sshexec **e, int n, int64_t bound_ms)
{
	int64_t t0 = clock_mono_ms(), deadline = t0 + bound_ms;
	for (;;) {
		int done = 0;
		for (int i = 0; i < n; i++)
			done += sshexec_done(e[i]);
		if (done == n)
			break;
		if (clock_left_ms(deadline) == 0)
			fail_msg("%d of %d commands still unfinished after %lld ms", n - done, n,
			         (long long)bound_ms);
		assert_int_equal(sshconn_poll(c, 200), 0);
	}
	for (int i = 0; i < n; i++)
		if (sshexec_error(e[i]) != NULL)
			fail_msg("exec %d: %s", i, sshexec_error(e[i]));
	return clock_mono_ms() - t0;
}

/*
 * Five commands at once on one session: all five channels run at the same
 * time on our side, and on the site their sleeps overlap (each reports when
 * its sleep began and ended; remote shells may still start one after the
 * other when a slow ~/.bashrc serialises them, so only an overlap is
 * required there). Then ten at once, past the eight session channels used at
 * a time: the rest wait their turn.
 */
static void test_concurrent(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	struct sshexec **e =
	    start_many(c, 5, "a=$(date +%s%N); sleep 3; b=$(date +%s%N); echo ", " $a $b");
	int64_t t0 = clock_mono_ms(), deadline = t0 + 30000;
	int running_max = 0;
	for (;;) {
		int done = 0, running = 0;
		for (int i = 0; i < 5; i++) {
			done += sshexec_done(e[i]);
			running += !sshexec_done(e[i]) &&
			           strncmp(sshexec_waiting_for(e[i]),
			                   "the command was still running", 29) == 0;
		}
		if (running > running_max)
			running_max = running;
		if (done == 5)
			break;
		if (clock_left_ms(deadline) == 0)
			fail_msg("%d of 5 commands still unfinished after 30 s", 5 - done);
		assert_int_equal(sshconn_poll(c, 100), 0);
	}
	int64_t took = clock_mono_ms() - t0;
	long long from[5], to[5];
	for (int i = 0; i < 5; i++) {
		int idx = -1;
		if (sshexec_error(e[i]) != NULL)
			fail_msg("exec %d: %s", i, sshexec_error(e[i]));
		assert_int_equal(sscanf(sshexec_stdout(e[i], NULL, NULL), "%d %lld %lld", &idx,
		                        &from[i], &to[i]),
		                 3);
		assert_int_equal(idx, i);
		assert_int_equal(sshexec_status(e[i]), 0);
		sshexec_free(e[i]);
	}
	free(e);
	int most = 0;
	for (int i = 0; i < 5; i++) {
		int at_once = 0; /* sleeps running when sleep i began */
		for (int j = 0; j < 5; j++)
			at_once += from[j] <= from[i] && from[i] < to[j];
		if (at_once > most)
			most = at_once;
	}
	printf("# 5 x 'sleep 3' at once: %lld ms; %d channels running at once here, "
	       "%d sleeping at once on the site\n",
	       (long long)took, running_max, most);
	assert_int_equal(running_max, 5);
	assert_true(most >= 2);

	/* sshd counts a session until its side of the close is done: let the five go first */
	for (int64_t until = clock_mono_ms() + 500; clock_left_ms(until) > 0;)
		assert_int_equal(sshconn_poll(c, clock_left_ms(until)), 0);
	e = start_many(c, 10, "echo ", "");
	took = wait_many(c, e, 10, 30000);
	printf("# 10 x 'echo' at once (8 channels at a time): %lld ms\n", (long long)took);
	for (int i = 0; i < 10; i++) {
		char want[16];
		snprintf(want, sizeof want, "%d\n", i);
		assert_string_equal(sshexec_stdout(e[i], NULL, NULL), want);
		sshexec_free(e[i]);
	}
	free(e);
	sshconn_free(c);
	site_free(&s);
}

/* Freed execs close their channels, opening or running; the session goes on. */
static void test_free_running_exec(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	char *cause = NULL;
	/* Three freed at once (their open still pending)... */
	for (int i = 0; i < 3; i++) {
		struct sshexec *e = sshexec_start(c, "sleep 5", 100, &cause);
		assert_non_null(e);
		sshexec_free(e);
	}
	/* ...and three freed while running. */
	struct sshexec **e = start_many(c, 3, "echo started ", "; exec sleep 5");
	int64_t deadline = clock_mono_ms() + 15000;
	for (int i = 0; i < 3; i++) {
		while (sshexec_stdout(e[i], NULL, NULL)[0] == '\0') {
			if (clock_left_ms(deadline) == 0)
				fail_msg("exec %d never started: %s", i, sshexec_waiting_for(e[i]));
			assert_int_equal(sshconn_poll(c, 100), 0);
		}
		assert_false(sshexec_done(e[i]));
		sshexec_free(e[i]);
	}
	free(e);
	struct sshexec_result r;
	run(c, "echo still here", 15000, &r);
	assert_string_equal(r.out, "still here\n");
	sshexec_result_free(&r);
	sshconn_free(c);
	site_free(&s);
}

/* An empty known_hosts: refused, with the offered key's SHA256 fingerprint. */
static void test_hostkey_unknown(void **state)
{
	struct site s = lab_site(1);
	char kh[] = "/tmp/drconsole-kh-XXXXXX";
	int fd = mkstemp(kh);
	assert_true(fd >= 0);
	close(fd);
	site_set(&s.ssh.known_hosts, kh);
	struct sshconn_failure fail;
	int64_t took;
	open_fails(&s, 5000, SSHCONN_FAIL_HOSTKEY_UNKNOWN, &fail, &took);
	char *fp = host_fingerprint(1);
	assert_non_null(strstr(fail.message, "SHA256:"));
	assert_non_null(strstr(fail.message, fp));
	assert_string_equal(fail.fingerprint, fp);
	assert_string_equal(fail.key_type, "ssh-ed25519");
	char *hp = xasprintf("[127.0.0.1]:%u", lab_port("SSH", 1));
	assert_string_equal(fail.host_port, hp);
	assert_non_null(fail.known_entry);
	assert_int_equal(strncmp(fail.known_entry, hp, strlen(hp)), 0);
	assert_true(took < 5000);
	/* Nothing was written to known_hosts. */
	struct stat st;
	assert_int_equal(stat(kh, &st), 0);
	assert_int_equal(st.st_size, 0);
	free(hp);
	free(fp);
	sshconn_failure_free(&fail);
	unlink(kh);
	site_free(&s);
}

/* A key the server does not know, or none: an auth failure, never a prompt. */
static void test_auth_failures(void **state)
{
	char tmp[] = "/tmp/drconsole-keys-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char *cmd = xasprintf("ssh-keygen -q -t ed25519 -N '' -f %s/wrong && "
	                      "ssh-keygen -q -t ed25519 -N secret -f %s/locked",
	                      tmp, tmp);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	struct site s = lab_site(1);
	struct sshconn_failure fail;
	int64_t took;

	char *wrong = xasprintf("%s/wrong", tmp);
	site_set(&s.ssh.identity, wrong);
	open_fails(&s, 5000, SSHCONN_FAIL_AUTH, &fail, &took);
	assert_non_null(strstr(fail.message, "was not accepted"));
	assert_true(took < 5000);
	sshconn_failure_free(&fail);

	char *locked = xasprintf("%s/locked", tmp);
	site_set(&s.ssh.identity, locked);
	open_fails(&s, 5000, SSHCONN_FAIL_AUTH, &fail, &took);
	char *want =
	    xasprintf("key %s is protected by a passphrase and no ssh-agent holds it", locked);
	assert_non_null(strstr(fail.message, want));
	assert_true(took < 5000);
	free(want);
	sshconn_failure_free(&fail);

	site_set(&s.ssh.identity, NULL);
	open_fails(&s, 5000, SSHCONN_FAIL_AUTH, &fail, &took);
	assert_true(took < 5000);
	sshconn_failure_free(&fail);

	cmd = xasprintf("rm -rf %s", tmp);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(wrong);
	free(locked);
	site_free(&s);
}

/* With an ssh-agent holding the key, the agent is used (the key file may be locked). */
static void test_auth_agent(void **state)
{
	char tmp[] = "/tmp/drconsole-agent-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char *cmd = xasprintf(
	    "ssh-agent -a %s/sock | sed -n 's/^SSH_AGENT_PID=\\([0-9]*\\);.*/\\1/p'", tmp);
	char *pid = shell_output(cmd);
	free(cmd);
	assert_true(atoi(pid) > 0);
	char *sock = xasprintf("%s/sock", tmp);
	cmd = xasprintf("SSH_AUTH_SOCK=%s ssh-add -q %s 2>/dev/null && "
	                "ssh-keygen -q -t ed25519 -N secret -f %s/locked",
	                sock, lab_env("LAB_KEY"), tmp);
	int rc = system(cmd);
	free(cmd);

	setenv("SSH_AUTH_SOCK", sock, 1);
	struct site s = lab_site(1);
	char *locked = xasprintf("%s/locked", tmp);
	site_set(&s.ssh.identity, locked);
	struct sshconn_failure fail;
	int64_t t0 = clock_mono_ms();
	struct sshconn *c = rc == 0 ? sshconn_open(&s, 5000, &fail) : NULL;
	int64_t took = clock_mono_ms() - t0;
	unsetenv("SSH_AUTH_SOCK");
	cmd = xasprintf("kill %d; rm -rf %s", atoi(pid), tmp);
	assert_int_equal(system(cmd), 0);
	free(cmd);

	assert_int_equal(rc, 0);
	if (c == NULL) {
		print_error("%s\n", fail.message);
		sshconn_failure_free(&fail);
		fail();
	}
	printf("# connect with the key in ssh-agent: %lld ms\n", (long long)took);
	struct sshexec_result r;
	run(c, "echo agent", 5000, &r);
	assert_string_equal(r.out, "agent\n");
	sshexec_result_free(&r);
	sshconn_free(c);
	free(locked);
	free(sock);
	free(pid);
	site_free(&s);
}

/* A port nobody listens on fails at once; a bad name fails with a message. */
static void test_refused(void **state)
{
	struct site s = lab_site(1);
	unsigned port = (unsigned)atoi(lab_base) + 30;
	s.ssh.port = port;
	struct sshconn_failure fail;
	int64_t took;
	open_fails(&s, 5000, SSHCONN_FAIL_CONNECT, &fail, &took);
	char *want = xasprintf("connection refused by 127.0.0.1:%u", port);
	assert_non_null(strstr(fail.message, want));
	assert_true(took < 1000);
	free(want);
	sshconn_failure_free(&fail);

	site_set(&s.ssh.host, "no-such-host.invalid");
	open_fails(&s, 5000, SSHCONN_FAIL_CONNECT, &fail, &took);
	assert_non_null(strstr(fail.message, "no-such-host.invalid"));
	assert_true(took < 5500);
	sshconn_failure_free(&fail);
	site_free(&s);
}

/* Site 2 reached through site 1 as the jump host. */
static void test_jump(void **state)
{
	struct site s = lab_site(2);
	char *jump = xasprintf("%s@127.0.0.1:%u", lab_user, lab_port("SSH", 1));
	site_set(&s.ssh.jump, jump);
	int64_t took;
	struct sshconn *c = open_site(&s, 10000, &took);
	printf("# connect to site 2 through site 1: %lld ms\n", (long long)took);
	struct sshexec_result r;
	run(c, "echo $LAB_SITE", 5000, &r);
	assert_string_equal(r.out, "2\n");
	sshexec_result_free(&r);
	int64_t t0 = clock_mono_ms();
	sshconn_free(c);
	assert_true(clock_mono_ms() - t0 < 2000);

	/* A jump host that does not answer. */
	char *bad = xasprintf("%s@127.0.0.1:%u", lab_user, (unsigned)atoi(lab_base) + 30);
	site_set(&s.ssh.jump, bad);
	struct sshconn_failure fail;
	open_fails(&s, 5000, SSHCONN_FAIL_CONNECT, &fail, &took);
	assert_non_null(strstr(fail.message, "jump host"));
	assert_true(took < 6000);
	sshconn_failure_free(&fail);
	free(bad);
	free(jump);
	site_free(&s);
}

/* Writes an ssh client config for the tests below; returns its path (free, unlink). */
static char *ssh_config_file(const char *text)
{
	char *path = xstrdup("/tmp/drconsole-sshcfg-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/*
 * A ProxyJump in the ssh config (ssh.config) takes site 2 through site 1,
 * as ssh.jump does, through one hop or two; a ProxyCommand is refused naming the
 * file and line.
 */
static void test_proxyjump(void **state)
{
	(void)state;
	struct site s = lab_site(2);
	char *text = xasprintf("Host dc2\n  HostName 127.0.0.1\n  ProxyJump %s@127.0.0.1:%u\n"
	                       "Host dc2-far\n  HostName 127.0.0.1\n  ProxyJump 127.0.0.1:%u,%s@127.0.0.1:%u\n"
	                       "Host dc2-cmd\n  HostName 127.0.0.1\n  ProxyCommand nc %%h %%p\n",
	                       lab_user, lab_port("SSH", 1), lab_port("SSH", 1), lab_user,
	                       lab_port("SSH", 1));
	char *cfg = ssh_config_file(text);
	site_set(&s.ssh.config, cfg);
	site_set(&s.ssh.host, "dc2");
	int64_t took;
	struct sshconn *c = open_site(&s, 10000, &took);
	char *jump = xasprintf("%s@127.0.0.1:%u", lab_user, lab_port("SSH", 1));
	assert_string_equal(c->jump, jump);
	char *origin = xasprintf("%s:3", cfg);
	assert_string_equal(c->jump_origin, origin);
	struct sshexec_result r;
	run(c, "echo $LAB_SITE", 5000, &r);
	assert_string_equal(r.out, "2\n");
	sshexec_result_free(&r);
	sshconn_free(c);

	/* Two hops: site 1's sshd, then site 1's again, each hop's ssh strict. */
	site_set(&s.ssh.host, "dc2-far");
	c = open_site(&s, 15000, &took);
	printf("# connect to site 2 through two hops: %lld ms\n", (long long)took);
	assert_non_null(strstr(c->jump, ","));
	char *far = xasprintf("%s:6", cfg);
	assert_string_equal(c->jump_origin, far);
	free(far);
	run(c, "echo $LAB_SITE", 5000, &r);
	assert_string_equal(r.out, "2\n");
	sshexec_result_free(&r);
	sshconn_free(c);

	struct sshconn_failure fail;
	char *want;

	site_set(&s.ssh.host, "dc2-cmd");
	open_fails(&s, 5000, SSHCONN_FAIL_CONNECT, &fail, &took);
	want = xasprintf("%s:9: ProxyCommand", cfg);
	assert_non_null(strstr(fail.message, want));
	free(want);
	sshconn_failure_free(&fail);
	unlink(cfg);
	free(cfg);
	free(text);
	free(origin);
	free(jump);
	site_free(&s);
}

/*
 * Fails unless fail offers lab site n's key as that of jump host hop (what
 * the host-key dialog shows): its fingerprint, its known_hosts name, the file
 * and the line that accepting it adds. Frees fail.
 */
static void expect_hop_offered(struct sshconn_failure *fail, const char *hop, int n,
                               const char *kh)
{
	printf("# %s\n", fail->message);
	char *fp = host_fingerprint(n);
	char *hp = xasprintf("[127.0.0.1]:%u", lab_port("SSH", n));
	char *named = xasprintf("jump host %s", hop);
	assert_non_null(strstr(fail->message, named));
	assert_non_null(strstr(fail->message, fp));
	assert_string_equal(fail->fingerprint, fp);
	assert_string_equal(fail->host_port, hp);
	assert_string_equal(fail->jump, hop);
	assert_string_equal(fail->known_file, kh);
	assert_non_null(fail->known_entry);
	assert_int_equal(strncmp(fail->known_entry, hp, strlen(hp)), 0);
	sshconn_failure_free(fail);
	free(named);
	free(hp);
	free(fp);
}

/*
 * The jump host's key is not in known_hosts: the failure names the jump host
 * and carries its fingerprint and the line accepting it adds, as a site's does.
 */
static void test_jump_hostkey_unknown(void **state)
{
	(void)state;
	struct site s = lab_site(2);
	char kh[] = "/tmp/drconsole-kh-XXXXXX";
	int fd = mkstemp(kh);
	assert_true(fd >= 0);
	close(fd);
	site_set(&s.ssh.known_hosts, kh);
	char *jump = xasprintf("%s@127.0.0.1:%u", lab_user, lab_port("SSH", 1));
	site_set(&s.ssh.jump, jump);
	struct sshconn_failure fail;
	int64_t took;
	open_fails(&s, 8000, SSHCONN_FAIL_HOSTKEY_UNKNOWN, &fail, &took);
	expect_hop_offered(&fail, jump, 1, kh);
	free(jump);
	unlink(kh);
	site_free(&s);
}

/*
 * Two hops, the second one's key unknown: the failure names that hop and
 * carries its fingerprint and the line accepting it adds (what the host-key
 * dialog offers), as for a site's own key.
 */
static void test_jump_chain_hostkey_unknown(void **state)
{
	(void)state;
	struct site s = lab_site(1);
	char kh[] = "/tmp/drconsole-kh-XXXXXX";
	int fd = mkstemp(kh);
	assert_true(fd >= 0);
	close(fd);
	char *hp2 = xasprintf("[127.0.0.1]:%u", lab_port("SSH", 2));
	char *keep = xasprintf("grep -vF '%s ' %s >%s", hp2, lab_env("LAB_KNOWN_HOSTS"), kh);
	assert_int_equal(system(keep), 0);
	site_set(&s.ssh.known_hosts, kh);
	char *hop2 = xasprintf("%s@127.0.0.1:%u", lab_user, lab_port("SSH", 2));
	char *jump = xasprintf("%s@127.0.0.1:%u,%s", lab_user, lab_port("SSH", 1), hop2);
	site_set(&s.ssh.jump, jump);
	struct sshconn_failure fail;
	int64_t took;
	open_fails(&s, 10000, SSHCONN_FAIL_HOSTKEY_UNKNOWN, &fail, &took);
	assert_non_null(strstr(fail.message, "(hop 2 of 2)"));
	expect_hop_offered(&fail, hop2, 2, kh);
	free(jump);
	free(hop2);
	free(keep);
	free(hp2);
	unlink(kh);
	site_free(&s);
}

/* Counts this process's open descriptors. */
static int count_fds(void)
{
	char *out = shell_output("ls /proc/$PPID/fd | wc -l");
	int n = atoi(out);
	free(out);
	return n;
}

/*
 * Fails unless this process is back to want descriptors within 2 s (one a
 * library closes a moment later is not a leak), listing them when it is not.
 */
static void expect_fds(int want)
{
	int n = count_fds();
	for (int i = 0; i < 20 && n != want; i++) {
		usleep(100000);
		n = count_fds();
	}
	if (n != want) {
		char *list = shell_output("ls -l /proc/$PPID/fd");
		print_error("%d descriptors open, %d expected:\n%s", n, want, list);
		free(list);
	}
	assert_int_equal(n, want);
}

/*
 * A session whose server side dies: the exec fails with the reason, the
 * session reports it, and freeing it closes no descriptor but its own (libssh
 * already closed the socket, and the number may have been given out again).
 * Failed opens leak no descriptor either.
 */
static void test_session_lost(void **state)
{
	struct site s = lab_site(1);
	int before = count_fds();
	struct sshconn *c = open_site(&s, 5000, NULL);
	struct sshexec_result r;
	char *cause = NULL;
	int64_t t0 = clock_mono_ms();
	int rc = sshconn_exec(c, "kill -KILL $PPID", 10000, &r, &cause);
	int64_t took = clock_mono_ms() - t0;
	printf("# server side killed: exec failed after %lld ms: %s\n", (long long)took,
	       rc == -1 ? cause : "(it did not fail)");
	assert_int_equal(rc, -1);
	assert_non_null(strstr(cause, "lost"));
	free(cause);
	assert_false(sshconn_alive(c));
	assert_non_null(strstr(sshconn_error(c), "lost"));
	assert_int_equal(sshconn_poll(c, 0), -1);
	assert_null(sshexec_start(c, "true", 10, &cause));
	free(cause);

	int probe = open("/dev/null", O_RDONLY); /* likely the socket's old number */
	assert_true(probe >= 0);
	sshconn_free(c);
	assert_int_not_equal(fcntl(probe, F_GETFD), -1);
	close(probe);

	/* Failed opens: refused, unknown key, bad key. */
	struct sshconn_failure fail;
	s.ssh.port = (unsigned)atoi(lab_base) + 30;
	assert_null(sshconn_open(&s, 3000, &fail));
	sshconn_failure_free(&fail);
	s.ssh.port = lab_port("SSH", 1);
	site_set(&s.ssh.known_hosts, "/dev/null");
	assert_null(sshconn_open(&s, 3000, &fail));
	sshconn_failure_free(&fail);
	site_set(&s.ssh.known_hosts, lab_env("LAB_KNOWN_HOSTS"));
	site_set(&s.ssh.identity, "/dev/null");
	assert_null(sshconn_open(&s, 3000, &fail));
	sshconn_failure_free(&fail);
	expect_fds(before);
	site_free(&s);
}

/* ------------------------------------------------------------------------ */
/* The bridge, with libpq in helper threads. */

struct pgjob {
	char *conninfo;
	const char *sql;
	int done;         /* set last (atomic) */
	int started;      /* the query was sent (atomic) */
	PGcancel *cancel; /* made before the query, for the canceller */
	char *value;      /* first column of the first row */
	char *error;
	int64_t query_ms;
};

/* Thread: connect through the bridge, run one query, keep the result. */
static void *pgjob_run(void *arg)
{
	struct pgjob *j = arg;
	PGconn *conn = PQconnectdb(j->conninfo);
	if (PQstatus(conn) != CONNECTION_OK) {
		j->error = xstrdup(PQerrorMessage(conn));
		goto out;
	}
	j->cancel = PQgetCancel(conn);
	__atomic_store_n(&j->started, 1, __ATOMIC_RELEASE);
	int64_t t0 = clock_mono_ms();
	PGresult *res = PQexec(conn, j->sql);
	j->query_ms = clock_mono_ms() - t0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
		j->value = xstrdup(PQgetvalue(res, 0, 0));
	else
		j->error = xstrdup(PQresultErrorMessage(res));
	PQclear(res);
out:
	PQfinish(conn);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Starts a libpq job on the bridge directory. */
static void pgjob_start(struct pgjob *j, pthread_t *t, const char *dir, unsigned port,
                        const char *sql)
{
	memset(j, 0, sizeof *j);
	j->conninfo = xasprintf("host=%s port=%u dbname=erp_chatbot user=postgres "
	                        "connect_timeout=10",
	                        dir, port);
	j->sql = sql;
	assert_int_equal(pthread_create(t, NULL, pgjob_run, j), 0);
}

/* Frees what a job holds. */
static void pgjob_free(struct pgjob *j)
{
	free(j->conninfo);
	free(j->value);
	free(j->error);
	if (j->cancel != NULL)
		PQfreeCancel(j->cancel);
}

/* Drives the session until every job is done or the bound passes. */
static void pump_until_done(struct sshconn *c, struct pgjob **jobs, int n, int64_t bound_ms)
{
	int64_t deadline = clock_mono_ms() + bound_ms;
	for (;;) {
		int done = 0;
		for (int i = 0; i < n; i++)
			done += __atomic_load_n(&jobs[i]->done, __ATOMIC_ACQUIRE);
		if (done == n)
			return;
		if (clock_left_ms(deadline) == 0)
			fail_msg("libpq jobs still running after %lld ms", (long long)bound_ms);
		assert_int_equal(sshconn_poll(c, 50), 0);
	}
}

/* Makes the bridge directory's path for this test. */
static char *bridge_dir(void)
{
	return xasprintf("/tmp/drconsole-bridge.%ld", (long)getpid());
}

/* A query through the bridge, two connections at once, and directory hygiene. */
static void test_bridge_query(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	char *dir = bridge_dir(), *cause = NULL;
	unsigned port = lab_port("PG", 1);
	if (sshconn_bridge_open(c, dir, port, &cause) != 0)
		fail_msg("bridge: %s", cause);
	struct stat st;
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	char *sock = xasprintf("%s/.s.PGSQL.%u", dir, port);
	assert_int_equal(lstat(sock, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));

	struct pgjob a, b;
	pthread_t ta, tb;
	struct pgjob *jobs[2] = {&a, &b};
	int64_t t0 = clock_mono_ms();
	pgjob_start(&a, &ta, dir, port, "select count(*) from pgbench_accounts");
	pump_until_done(c, jobs, 1, 15000);
	pthread_join(ta, NULL);
	printf("# count(*) through the bridge: %lld ms (connect included)\n",
	       (long long)(clock_mono_ms() - t0));
	if (a.error != NULL)
		fail_msg("libpq: %s", a.error);
	assert_string_equal(a.value, "100000");
	pgjob_free(&a);

	/* Two at once: each sleeps 1 s, together well under 2 s of sleeping in a row. */
	t0 = clock_mono_ms();
	pgjob_start(&a, &ta, dir, port, "select pg_sleep(1)::text || 'a'");
	pgjob_start(&b, &tb, dir, port, "select sum(abalance)::text from pgbench_accounts");
	pump_until_done(c, jobs, 2, 15000);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	int64_t took = clock_mono_ms() - t0;
	printf("# two connections at once: %lld ms\n", (long long)took);
	if (a.error != NULL || b.error != NULL)
		fail_msg("libpq: %s %s", a.error ? a.error : "", b.error ? b.error : "");
	assert_string_equal(a.value, "a");
	assert_string_equal(b.value, "0");
	assert_true(took < 5000);
	pgjob_free(&a);
	pgjob_free(&b);

	/* Clients are gone once libpq closed them. */
	int64_t deadline = clock_mono_ms() + 3000;
	while (sshconn_bridge_clients(c) > 0 && clock_left_ms(deadline) > 0)
		assert_int_equal(sshconn_poll(c, 50), 0);
	assert_int_equal(sshconn_bridge_clients(c), 0);

	/* Bulk both ways: 20 MB down, 5 MB up, an exec running alongside. */
	char *big = xmalloc(5000000 + 64);
	strcpy(big, "select length('");
	memset(big + strlen(big), 'y', 5000000);
	strcpy(big + strlen("select length('") + 5000000, "')::text");
	t0 = clock_mono_ms();
	pgjob_start(&a, &ta, dir, port, "select repeat('x', 20000000)");
	pgjob_start(&b, &tb, dir, port, big);
	struct sshexec_result r;
	char *cause2 = NULL;
	struct sshexec *e = sshexec_start(c, "seq 1 100000", 10, &cause2);
	assert_non_null(e);
	pump_until_done(c, jobs, 2, 30000);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	took = clock_mono_ms() - t0;
	if (a.error != NULL || b.error != NULL)
		fail_msg("libpq: %s %s", a.error ? a.error : "", b.error ? b.error : "");
	assert_int_equal(strlen(a.value), 20000000);
	assert_string_equal(b.value, "5000000");
	printf("# 20 MB down + 5 MB up through the bridge at once: %lld ms (%.1f MB/s)\n",
	       (long long)took, 25000.0 / (double)(took > 0 ? took : 1));
	pgjob_free(&a);
	pgjob_free(&b);
	free(big);
	deadline = clock_mono_ms() + 15000;
	while (!sshexec_done(e) && clock_left_ms(deadline) > 0)
		assert_int_equal(sshconn_poll(c, 100), 0);
	assert_true(sshexec_done(e));
	assert_null(sshexec_error(e));
	sshexec_free(e);

	/* An exec still works while the bridge is up. */
	run(c, "echo both", 5000, &r);
	assert_string_equal(r.out, "both\n");
	sshexec_result_free(&r);

	sshconn_bridge_close(c);
	assert_int_equal(lstat(sock, &st), -1);
	assert_int_equal(lstat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	free(sock);
	free(dir);
	sshconn_free(c);
	site_free(&s);
}

/* A PQcancel request, sent from a thread of its own (PQcancel blocks). */
struct canceller {
	PGcancel *cancel;
	int done; /* atomic */
	int ok;
	char err[256];
};

/* Thread: sends the cancel request. */
static void *canceller_run(void *arg)
{
	struct canceller *k = arg;
	k->ok = PQcancel(k->cancel, k->err, sizeof k->err);
	__atomic_store_n(&k->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* PQcancel through the bridge (a second connection) cancels a long query. */
static void test_bridge_cancel(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	char *dir = bridge_dir(), *cause = NULL;
	unsigned port = lab_port("PG", 1);
	if (sshconn_bridge_open(c, dir, port, &cause) != 0)
		fail_msg("bridge: %s", cause);

	struct pgjob a;
	pthread_t ta, tc;
	struct pgjob *jobs[1] = {&a};
	pgjob_start(&a, &ta, dir, port, "select pg_sleep(30)");
	int64_t deadline = clock_mono_ms() + 10000;
	while (!__atomic_load_n(&a.started, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&a.done, __ATOMIC_ACQUIRE)) {
		assert_true(clock_left_ms(deadline) > 0);
		assert_int_equal(sshconn_poll(c, 50), 0);
	}
	assert_null(a.error);
	/* Let the query reach the server, then cancel from another thread. */
	deadline = clock_mono_ms() + 500;
	while (clock_left_ms(deadline) > 0)
		assert_int_equal(sshconn_poll(c, 50), 0);

	struct canceller k = {.cancel = a.cancel};
	int64_t t0 = clock_mono_ms();
	assert_int_equal(pthread_create(&tc, NULL, canceller_run, &k), 0);
	pump_until_done(c, jobs, 1, 10000);
	int64_t took = clock_mono_ms() - t0;
	pthread_join(ta, NULL);
	deadline = clock_mono_ms() + 5000;
	while (!__atomic_load_n(&k.done, __ATOMIC_ACQUIRE)) {
		assert_true(clock_left_ms(deadline) > 0);
		assert_int_equal(sshconn_poll(c, 50), 0);
	}
	pthread_join(tc, NULL);
	printf("# pg_sleep(30) cancelled through the bridge after %lld ms: %s", (long long)took,
	       a.error ? a.error : "(no error)\n");
	if (!k.ok)
		fail_msg("PQcancel: %s", k.err);
	assert_null(a.value);
	assert_non_null(a.error);
	assert_non_null(strstr(a.error, "canceling statement due to user request"));
	assert_true(took < 5000);
	pgjob_free(&a);
	sshconn_bridge_close(c);
	free(dir);
	sshconn_free(c);
	site_free(&s);
}

/* A target port nobody listens on: the client is closed at once, not left hanging. */
static void test_bridge_refused(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	char *dir = bridge_dir(), *cause = NULL;
	unsigned port = (unsigned)atoi(lab_base) + 31;
	if (sshconn_bridge_open(c, dir, port, &cause) != 0)
		fail_msg("bridge: %s", cause);
	/* A second bridge on the same session is refused. */
	assert_int_equal(sshconn_bridge_open(c, dir, port, &cause), -1);
	free(cause);

	struct pgjob a;
	pthread_t ta;
	struct pgjob *jobs[1] = {&a};
	int64_t t0 = clock_mono_ms();
	pgjob_start(&a, &ta, dir, port, "select 1");
	pump_until_done(c, jobs, 1, 5000);
	pthread_join(ta, NULL);
	int64_t took = clock_mono_ms() - t0;
	printf("# libpq through the bridge to a closed port failed after %lld ms: %s",
	       (long long)took, a.error ? a.error : "?\n");
	assert_non_null(a.error);
	assert_true(took < 2000);
	assert_int_equal(sshconn_bridge_clients(c), 0);
	pgjob_free(&a);

	/* The session is unharmed. */
	struct sshexec_result r;
	run(c, "echo fine", 5000, &r);
	assert_string_equal(r.out, "fine\n");
	sshexec_result_free(&r);

	/* A directory that is not private is refused. */
	sshconn_bridge_close(c);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(sshconn_bridge_open(c, dir, port, &cause), -1);
	assert_non_null(strstr(cause, "0700"));
	free(cause);
	rmdir(dir);
	free(dir);
	sshconn_free(c);
	site_free(&s);
}

/* A frozen site: connecting times out within the timeout (+1 s). */
static void test_frozen_connect(void **state)
{
	struct site s = lab_site(2);
	lab_run("freeze 2");
	struct sshconn_failure fail;
	int64_t took;
	int64_t t0 = clock_mono_ms();
	struct sshconn *c = sshconn_open(&s, 2000, &fail);
	took = clock_mono_ms() - t0;
	lab_run("thaw 2");
	if (c != NULL) {
		sshconn_free(c);
		fail_msg("connected to a frozen site");
	}
	printf("# frozen site: %s after %lld ms: %s\n", sshconn_fail_kind_name(fail.kind),
	       (long long)took, fail.message);
	assert_int_equal(fail.kind, SSHCONN_FAIL_TIMEOUT);
	assert_non_null(strstr(fail.message, "timed out"));
	assert_true(took >= 1900 && took < 3000);
	sshconn_failure_free(&fail);

	/* Through a jump host that is frozen (site 1 on the way to site 2). */
	char *jump = xasprintf("%s@127.0.0.1:%u", lab_user, lab_port("SSH", 1));
	site_set(&s.ssh.jump, jump);
	lab_run("freeze 1");
	t0 = clock_mono_ms();
	c = sshconn_open(&s, 2000, &fail);
	took = clock_mono_ms() - t0;
	lab_run("thaw 1");
	if (c != NULL) {
		sshconn_free(c);
		fail_msg("connected through a frozen jump host");
	}
	printf("# frozen jump host: %s after %lld ms: %s\n", sshconn_fail_kind_name(fail.kind),
	       (long long)took, fail.message);
	assert_int_equal(fail.kind, SSHCONN_FAIL_TIMEOUT);
	assert_true(took >= 1900 && took < 3000);
	sshconn_failure_free(&fail);
	free(jump);
	site_free(&s);
}

/* A session whose site freezes: the exec fails by its deadline; free is prompt. */
static void test_frozen_exec(void **state)
{
	struct site s = lab_site(2);
	struct sshconn *c = open_site(&s, 3000, NULL);
	struct sshexec_result r;
	run(c, "echo $LAB_SITE", 5000, &r);
	assert_string_equal(r.out, "2\n");
	sshexec_result_free(&r);

	char *dir = bridge_dir(), *cause = NULL;
	if (sshconn_bridge_open(c, dir, lab_port("PG", 2), &cause) != 0)
		fail_msg("bridge: %s", cause);

	lab_run("freeze 2");
	/* A libpq client arrives: its channel cannot open (3 s session timeout). */
	struct pgjob a;
	pthread_t ta;
	struct pgjob *jobs[1] = {&a};
	int64_t pg_t0 = clock_mono_ms();
	pgjob_start(&a, &ta, dir, lab_port("PG", 2), "select 1");

	int64_t t0 = clock_mono_ms();
	int rc = sshconn_exec(c, "echo hi", 2000, &r, &cause);
	int64_t took = clock_mono_ms() - t0;
	printf("# exec on a frozen site: failed after %lld ms: %s\n", (long long)took,
	       rc == -1 ? cause : "(it did not fail)");
	assert_int_equal(rc, -1);
	assert_non_null(strstr(cause, "timed out after"));
	assert_true(took >= 1900 && took < 3000);
	free(cause);

	pump_until_done(c, jobs, 1, 5000);
	pthread_join(ta, NULL);
	took = clock_mono_ms() - pg_t0;
	printf("# libpq through the bridge of a frozen site: failed after %lld ms: %s",
	       (long long)took, a.error ? a.error : "(it did not fail)\n");
	assert_non_null(a.error);
	assert_true(took < 4500);
	pgjob_free(&a);

	t0 = clock_mono_ms();
	sshconn_free(c);
	took = clock_mono_ms() - t0;
	printf("# sshconn_free on the frozen session: %lld ms\n", (long long)took);
	assert_true(took < 500);
	struct stat st;
	assert_int_equal(lstat(dir, &st), -1);
	lab_run("thaw 2");

	/* And the site is reachable again afterwards. */
	c = open_site(&s, 5000, NULL);
	run(c, "echo back", 5000, &r);
	assert_string_equal(r.out, "back\n");
	sshexec_result_free(&r);
	sshconn_free(c);
	free(dir);
	site_free(&s);
}

/*
 * An exec bounded by the site's silence (the backup verification): a silent
 * command on a live site runs past the silence bound (sshd answers the
 * pings); a frozen site ends it within the bound, said unheard.
 */
static void test_frozen_exec_heard(void **state)
{
	struct site s = lab_site(2);
	struct sshconn *c = open_site(&s, 3000, NULL);
	struct sshexec_result r;
	char *cause = NULL;
	int unheard = -1;
	int64_t t0 = clock_mono_ms();
	if (sshconn_exec_heard(c, "sleep 3; echo done", 18000, 1000, &r, &unheard, &cause) != 0)
		fail_msg("a silent command on a live site: %s", cause);
	assert_string_equal(r.out, "done\n");
	assert_int_equal(unheard, 0);
	assert_true(clock_mono_ms() - t0 >= 2900);
	sshexec_result_free(&r);

	lab_run("freeze 2");
	t0 = clock_mono_ms();
	int rc = sshconn_exec_heard(c, "echo hi", 18000, 2000, &r, &unheard, &cause);
	int64_t took = clock_mono_ms() - t0;
	lab_run("thaw 2");
	printf("# an exec on a frozen site, silence bound 2 s: failed after %lld ms: %s\n",
	       (long long)took, rc == -1 ? cause : "(it did not fail)");
	assert_int_equal(rc, -1);
	assert_int_equal(unheard, 1);
	assert_non_null(strstr(cause, "sent nothing"));
	assert_true(took >= 1900 && took < 3000);
	free(cause);
	sshconn_free(c);
	site_free(&s);
}

/*
 * A site that freezes while a new probe loop's shell starts: the wait ends
 * within the probe timeout (the site sends nothing), not after the start
 * budget; a shell that is slow but whose sshd answers keeps its budget.
 */
static void test_frozen_loop_start(void **state)
{
	struct site s = lab_site(2);
	struct sshconn *c = open_site(&s, 3000, NULL);
	struct sshloop *l = sshloop_new();
	struct sshloop_limits lim = {2000, 15000};
	char *out = NULL, *cause = NULL;
	lab_run("freeze 2");
	int64_t t0 = clock_mono_ms();
	int rc = sshloop_ask(l, c, "echo hi", &lim, &out, &cause);
	int64_t took = clock_mono_ms() - t0;
	lab_run("thaw 2");
	printf("# a loop starting on a frozen site: result %d after %lld ms: %s\n", rc,
	       (long long)took, cause ? cause : "(no cause)");
	assert_int_equal(rc, SSHLOOP_FAILED);
	assert_non_null(strstr(cause, "sent nothing"));
	assert_true(took >= 1900 && took < 3000);
	free(cause);
	sshloop_free(l);
	sshconn_free(c);

	/* Banners, then 3 s of silence from the shell: sshd's answers keep the start going. */
	lab_run("shell 2 slow");
	c = open_site(&s, 5000, NULL);
	l = sshloop_new();
	/* a silence bound below the shell's 3 s, with room for a busy machine's sshd to answer */
	struct sshloop_limits quick = {2000, 15000};
	t0 = clock_mono_ms();
	rc = sshloop_ask(l, c, "echo hi", &quick, &out, &cause);
	took = clock_mono_ms() - t0;
	lab_run("shell 2 plain");
	printf("# a loop whose shell takes 3 s to start: result %d after %lld ms: %s\n", rc,
	       (long long)took, cause ? cause : "(answered)");
	assert_int_equal(rc, SSHLOOP_ANSWERED);
	assert_string_equal(out, "hi\n");
	assert_true(took >= 2900);
	free(out);
	sshloop_free(l);
	sshconn_free(c);
	site_free(&s);
}

/* Asks the loop for one answer, failing the test on an error. */
static char *ask(struct sshloop *l, struct sshconn *c, const char *body)
{
	char *out = NULL, *cause = NULL;
	struct sshloop_limits lim = {5000, 5000};
	if (sshloop_ask(l, c, body, &lim, &out, &cause) != SSHLOOP_ANSWERED)
		fail_msg("sshloop_ask(%s): %s", body, cause);
	return out;
}

/*
 * The probe loop: one remote command answers many asks, each answer whole and
 * its own, whatever the body; an answer that came too late keeps the loop and
 * is what the next ask gets; a second miss and a loop that died each start
 * another.
 */
static void test_loop(void **state)
{
	struct site s = lab_site(1);
	struct sshconn *c = open_site(&s, 5000, NULL);
	struct sshloop *l = sshloop_new();
	char *out = ask(l, c, "echo one; echo $LAB_SITE");
	assert_string_equal(out, "one\n1\n");
	free(out);
	int64_t t0 = clock_mono_ms();
	for (int i = 0; i < 5; i++) {
		out = ask(l, c, "echo one; echo $LAB_SITE");
		assert_string_equal(out, "one\n1\n");
		free(out);
	}
	printf("# loop round trip: average of 5 %.1f ms\n", (double)(clock_mono_ms() - t0) / 5.0);
	assert_int_equal(sshloop_starts(l), 1);

	/* Its own output may look like the closing line: only the real one ends it. */
	out = ask(l, c, "echo 'drseq 1'; echo x");
	assert_string_equal(out, "drseq 1\nx\n");
	free(out);
	assert_int_equal(sshloop_starts(l), 1);

	/* Merely slow: the loop is kept, and the late answer is the next ask's. */
	char *cause = NULL;
	struct sshloop_limits quick = {500, 5000};
	t0 = clock_mono_ms();
	assert_int_equal(sshloop_ask(l, c, "sleep 2; echo late", &quick, &out, &cause),
	                 SSHLOOP_LATE);
	int64_t took = clock_mono_ms() - t0;
	printf("# a slow answer: given up after %lld ms: %s\n", (long long)took, cause);
	assert_non_null(strstr(cause, "timed out after"));
	assert_true(took >= 450 && took < 2000);
	assert_null(out);
	free(cause);
	out = ask(l, c, "echo after");
	assert_string_equal(out, "late\n");
	free(out);
	out = ask(l, c, "echo after");
	assert_string_equal(out, "after\n");
	free(out);
	assert_int_equal(sshloop_starts(l), 1);

	/* Missed twice in a row: the loop is dropped. */
	assert_int_equal(sshloop_ask(l, c, "sleep 3", &quick, &out, &cause), SSHLOOP_LATE);
	free(cause);
	assert_int_equal(sshloop_ask(l, c, "sleep 3", &quick, &out, &cause), SSHLOOP_FAILED);
	printf("# missed twice: %s\n", cause);
	assert_non_null(strstr(cause, "twice in a row"));
	free(cause);
	out = ask(l, c, "echo again");
	assert_string_equal(out, "again\n");
	free(out);
	assert_int_equal(sshloop_starts(l), 2);

	/* The loop's shell killed ($$ in the body is the loop's shell): ended, not a lost session.
	 */
	assert_int_equal(sshloop_ask(l, c, "kill -9 $$", &quick, &out, &cause), SSHLOOP_ENDED);
	printf("# the loop killed: %s\n", cause);
	assert_non_null(strstr(cause, "signal KILL"));
	free(cause);
	out = ask(l, c, "echo again");
	assert_string_equal(out, "again\n");
	free(out);
	assert_int_equal(sshloop_starts(l), 3);
	sshloop_free(l);
	sshconn_free(c);
	site_free(&s);
}

/* A changed host key: refused, "CHANGED", with both fingerprints. */
static void test_hostkey_changed(void **state)
{
	struct site s = lab_site(1);
	char *old_fp = host_fingerprint(1);
	lab_run("rekey 1");
	char *new_fp = host_fingerprint(1);
	assert_string_not_equal(old_fp, new_fp);
	struct sshconn_failure fail;
	int64_t took;
	open_fails(&s, 5000, SSHCONN_FAIL_HOSTKEY_CHANGED, &fail, &took);
	assert_non_null(strstr(fail.message, "CHANGED"));
	assert_non_null(strstr(fail.message, old_fp));
	assert_non_null(strstr(fail.message, new_fp));
	assert_string_equal(fail.fingerprint, new_fp);
	assert_non_null(strstr(fail.known, old_fp));
	assert_non_null(strstr(fail.known, lab_env("LAB_KNOWN_HOSTS")));
	assert_true(took < 5000);
	sshconn_failure_free(&fail);
	free(old_fp);
	free(new_fp);
	site_free(&s);
}

/* Runs the tests in order (the ones that break a site last); 77 without a lab. */
int main(void)
{
	lab_dir = getenv("LAB_DIR");
	if (lab_dir == NULL || *lab_dir == '\0') {
		printf("SKIP: LAB_DIR is not set; run tests/integration/test-ssh.sh\n");
		return 77;
	}
	lab_sh = lab_env("LAB_SH");
	lab_base = lab_env("LAB_PORT_BASE");
	lab_user = lab_env("LAB_USER");
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_echo),
		cmocka_unit_test(test_streams_status_signal),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_free_running_exec),
		cmocka_unit_test(test_hostkey_unknown),
		cmocka_unit_test(test_auth_failures),
		cmocka_unit_test(test_auth_agent),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_jump),
		cmocka_unit_test(test_proxyjump),
		cmocka_unit_test(test_jump_hostkey_unknown),
		cmocka_unit_test(test_jump_chain_hostkey_unknown),
		cmocka_unit_test(test_session_lost),
		cmocka_unit_test(test_bridge_query),
		cmocka_unit_test(test_bridge_cancel),
		cmocka_unit_test(test_bridge_refused),
		cmocka_unit_test(test_frozen_connect),
		cmocka_unit_test(test_frozen_exec),
		cmocka_unit_test(test_frozen_exec_heard),
		cmocka_unit_test(test_frozen_loop_start),
		cmocka_unit_test(test_hostkey_changed),
	};
	/* clang-format on */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
