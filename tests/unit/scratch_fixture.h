/*
 * A scratch folder per unit test: made with mkdtemp before it, removed
 * with everything in it after (cmocka setup and teardown).
 */
#ifndef DR_SCRATCH_FIXTURE_H
#define DR_SCRATCH_FIXTURE_H

#include <dirent.h>

/* Makes a scratch folder /tmp/drconsole-test-XXXXXX into *state. */
static inline int scratch_make(void **state)
{
	char *dir = xstrdup("/tmp/drconsole-test-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

/* Removes the folder at path and everything in it. */
static inline void scratch_remove(const char *path)
{
	DIR *dp = opendir(path);
	for (struct dirent *de; dp != NULL && (de = readdir(dp)) != NULL;) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *sub = xasprintf("%s/%s", path, de->d_name);
		if (unlink(sub) == -1)
			scratch_remove(sub);
		free(sub);
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(path);
}

/* Removes the scratch folder. */
static inline int scratch_teardown(void **state)
{
	scratch_remove(*state);
	free(*state);
	return 0;
}

#endif
