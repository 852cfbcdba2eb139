/*
 * The one part of the schedule code that does I/O, kept out of the pure
 * engine: reading a zone's TZif file from the system zoneinfo (tzdata)
 * and keeping a set of loaded zones; sched_tz.c parses the bytes. The name is checked against engine.md's pattern before it
 * becomes a path, so it cannot leave the zoneinfo directory.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "log.h"
#include "cron.h"

#define TZSET_MAX	4096	/* zones one set holds */

struct sched_tzset {
	char		 *dir;
	struct sched_tz	**zones;
	size_t		  n;
};

/*
 * Read the whole regular file at path into a new buffer (at most
 * SCHED_TZ_FILE_MAX bytes). RC_OK, RC_NOTFOUND (missing or not a regular
 * file), RC_INVALID (too large) or RC_ERR (logged).
 */
static int
read_small(const char *path, unsigned char **out, size_t *outlen)
{
	struct stat	 sb;
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd, rc = RC_ERR;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return RC_NOTFOUND;
		log_warn("open %s", path);
		return RC_ERR;
	}
	if (fstat(fd, &sb) == -1) {
		log_warn("fstat %s", path);
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = RC_NOTFOUND;
		goto out;
	}
	if (sb.st_size > SCHED_TZ_FILE_MAX) {
		rc = RC_INVALID;
		goto out;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	for (;;) {
		r = read(fd, buf + len, (size_t)sb.st_size + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			log_warn("read %s", path);
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > (size_t)sb.st_size) {
			/* It grew while we read it: tzdata being updated. */
			log_warnx("read %s: file changed while read", path);
			goto out;
		}
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = RC_OK;
out:
	free(buf);
	if (close(fd) == -1)
		log_warn("close %s", path);
	return rc;
}

int
sched_tz_load(const char *dir, const char *name, struct sched_tz **out,
    struct errmsg *err)
{
	unsigned char	*buf = NULL;
	char		 path[512];
	size_t		 len = 0;
	int		 rc, n;

	if (!sched_tz_name_valid(name)) {
		errmsg_set(err, "not a time zone name");
		return RC_INVALID;
	}
	/* Links whose target depends on the host, not on tzdata. */
	if (strcmp(name, "localtime") == 0 || strcmp(name, "posixrules") == 0) {
		errmsg_set(err, "unknown time zone");
		return RC_NOTFOUND;
	}
	n = snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL ? dir : SCHED_ZONEINFO_DIR, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		log_warnx("zoneinfo path too long: %s", name);
		return RC_ERR;
	}
	if ((rc = read_small(path, &buf, &len)) == RC_NOTFOUND) {
		errmsg_set(err, "unknown time zone");
		return RC_NOTFOUND;
	}
	if (rc == RC_INVALID) {
		errmsg_set(err, "time zone file too large");
		return RC_INVALID;
	}
	if (rc != RC_OK)
		return rc;
	rc = sched_tz_parse(name, buf, len, out, err);
	free(buf);
	return rc;
}

struct sched_tzset *
sched_tzset_new(const char *dir)
{
	struct sched_tzset	*set = xcalloc(1, sizeof(*set));

	set->dir = xstrdup(dir != NULL ? dir : SCHED_ZONEINFO_DIR);
	return set;
}

int
sched_tzset_get(struct sched_tzset *set, const char *name,
    const struct sched_tz **out, struct errmsg *err)
{
	struct sched_tz	*tz = NULL;
	size_t		 i;
	int		 rc;

	for (i = 0; i < set->n; i++)
		if (strcmp(sched_tz_name(set->zones[i]), name) == 0) {
			*out = set->zones[i];
			return RC_OK;
		}
	if (set->n == TZSET_MAX) {
		log_warnx("zone set full (%d zones): %s not kept", TZSET_MAX,
		    name);
		return RC_ERR;
	}
	if ((rc = sched_tz_load(set->dir, name, &tz, err)) != RC_OK)
		return rc;
	set->zones = xrealloc(set->zones,
	    (set->n + 1) * sizeof(struct sched_tz *));
	set->zones[set->n++] = tz;
	*out = tz;
	return RC_OK;
}

void
sched_tzset_free(struct sched_tzset *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		sched_tz_free(set->zones[i]);
	free(set->zones);
	free(set->dir);
	free(set);
}
