/*
 * Allocation wrappers in the tmux style: an allocation failure prints one line
 * and aborts, so the rest of the code can treat memory as always available.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Reports an allocation failure and stops the program. */
static void __attribute__((noreturn)) xmalloc_die(size_t size)
{
	fprintf(stderr, "drconsole: out of memory (allocating %zu bytes)\n", size);
	abort();
}

/* Allocates size bytes (at least one). */
void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		xmalloc_die(size);
	return p;
}

/* Allocates a zeroed array of nmemb elements of size bytes. */
void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		xmalloc_die(nmemb * size);
	return p;
}

/* Resizes ptr to size bytes. */
void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (p == NULL)
		xmalloc_die(size);
	return p;
}

/* Resizes ptr to nmemb elements of size bytes, refusing overflow. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > ((size_t)-1) / size)
		xmalloc_die((size_t)-1);
	return xrealloc(ptr, nmemb * size);
}

/* Duplicates a NUL-terminated string. */
char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Duplicates at most n bytes of s and terminates the copy. */
char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Formats into a newly allocated string. */
char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) == -1)
		xmalloc_die(0);
	return s;
}

/* Formats into a newly allocated string. */
char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}
