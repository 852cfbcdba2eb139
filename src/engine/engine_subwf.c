/*
 * Sub-workflows: the names of child executions, which make starting a
 * child idempotent (a resumed step finds the child it already started),
 * and the names a client may not take for that reason.
 */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "engine.h"

int
engine_child_name(char *buf, size_t len, const char *parent_id,
    const char *step_id, int map_index, long long redrive, int attempt)
{
	size_t	o, i;
	int	n;

	n = snprintf(buf, len, "%s.", parent_id);
	if (n < 0 || (size_t)n >= len)
		return RC_INVALID;
	o = (size_t)n;
	for (i = 0; step_id[i] != '\0'; i++) {
		if (o + 1 >= len)
			return RC_INVALID;
		buf[o] = step_id[i];
		if (buf[o] == '_')
			buf[o] = '-';
		o++;
	}
	buf[o] = '\0';
	if (map_index >= 0)
		n = snprintf(buf + o, len - o, ".%d.%lld.%d", map_index,
		    redrive, attempt);
	else
		n = snprintf(buf + o, len - o, ".%lld.%d", redrive, attempt);
	if (n < 0 || (size_t)n >= len - o)
		return RC_INVALID;
	/* Every byte is ASCII: bytes are characters. */
	return strlen(buf) <= ENGINE_EXEC_NAME_MAX ? RC_OK : RC_INVALID;
}

static int
hexdig(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

int
engine_exec_name_reserved(const char *name)
{
	static const int	dash[] = { 8, 13, 18, 23 };
	size_t			i, k = 0;

	if (strncmp(name, "sched.", 6) == 0)
		return 1;
	for (i = 0; i < 36; i++) {
		if (k < NITEMS(dash) && (size_t)dash[k] == i) {
			if (name[i] != '-')
				return 0;
			k++;
		} else if (!hexdig(name[i]))
			return 0;
	}
	return name[36] == '.';
}
