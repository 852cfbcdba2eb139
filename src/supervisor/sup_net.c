/*
 * SSRF policy: which addresses an http step may connect to. The
 * special-purpose ranges come from the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890 and successors).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "sup_step.h"

#define NET_MAX_ENTRIES	256
#define NET_ENTRY_MAX	64		/* longest accepted entry text */

struct net_cidr {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned	prefix;
	uint8_t		addr[16];	/* first 4 bytes for AF_INET */
};

struct sup_net_allow {
	struct net_cidr	*v;
	size_t		 n;
};

static const struct net_cidr net_blocked[] = {
	{ AF_INET, 8, { 0 } },				/* "this" network */
	{ AF_INET, 8, { 10 } },				/* private */
	{ AF_INET, 10, { 100, 64 } },			/* CGNAT */
	{ AF_INET, 8, { 127 } },			/* loopback */
	{ AF_INET, 16, { 169, 254 } },			/* link-local */
	{ AF_INET, 12, { 172, 16 } },			/* private */
	{ AF_INET, 24, { 192, 0, 0 } },			/* IETF protocol */
	{ AF_INET, 24, { 192, 0, 2 } },			/* TEST-NET-1 */
	{ AF_INET, 24, { 192, 88, 99 } },		/* 6to4 relay */
	{ AF_INET, 16, { 192, 168 } },			/* private */
	{ AF_INET, 15, { 198, 18 } },			/* benchmarking */
	{ AF_INET, 24, { 198, 51, 100 } },		/* TEST-NET-2 */
	{ AF_INET, 24, { 203, 0, 113 } },		/* TEST-NET-3 */
	{ AF_INET, 4, { 224 } },			/* multicast */
	{ AF_INET, 4, { 240 } },			/* reserved, broadcast */
	{ AF_INET6, 128, { 0 } },			/* unspecified */
	{ AF_INET6, 128, { [15] = 1 } },		/* loopback */
	{ AF_INET6, 48, { 0, 0x64, 0xff, 0x9b, 0, 1 } },	/* local NAT64 */
	{ AF_INET6, 64, { 0x01, 0x00 } },		/* discard-only */
	{ AF_INET6, 23, { 0x20, 0x01 } },		/* IETF protocol */
	{ AF_INET6, 32, { 0x20, 0x01, 0x0d, 0xb8 } },	/* documentation */
	{ AF_INET6, 20, { 0x3f, 0xff } },		/* documentation */
	{ AF_INET6, 7, { 0xfc } },			/* unique local */
	{ AF_INET6, 10, { 0xfe, 0x80 } },		/* link-local */
	{ AF_INET6, 10, { 0xfe, 0xc0 } },		/* site-local */
	{ AF_INET6, 8, { 0xff } },			/* multicast */
};

/* 1 when the address a of family af lies in c. */
static int
net_match(const struct net_cidr *c, int af, const uint8_t *a)
{
	unsigned	full, rest;
	uint8_t		mask;

	if (c->family != af)
		return 0;
	full = c->prefix / 8;
	rest = c->prefix % 8;
	if (memcmp(c->addr, a, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (a[full] & mask);
}

static int
net_in_list(const struct net_cidr *v, size_t n, int af, const uint8_t *a)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (net_match(&v[i], af, a))
			return 1;
	return 0;
}

/*
 * If the IPv6 address a embeds an IPv4 address the packets really go to
 * (mapped, compatible, NAT64, 6to4), copy it to v4 and return 1.
 */
static int
net_embedded_v4(const uint8_t *a, uint8_t *v4)
{
	static const uint8_t	mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t	compat[12] = { 0 };
	static const uint8_t	nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (memcmp(a, mapped, 12) == 0 || memcmp(a, compat, 12) == 0 ||
	    memcmp(a, nat64, 12) == 0) {
		memcpy(v4, a + 12, 4);
		return 1;
	}
	if (a[0] == 0x20 && a[1] == 0x02) {
		memcpy(v4, a + 2, 4);
		return 1;
	}
	return 0;
}

static int
net_allowed(const struct sup_net_allow *allow, int af, const uint8_t *a)
{
	uint8_t	v4[4];

	if (allow != NULL && net_in_list(allow->v, allow->n, af, a))
		return 1;
	if (af == AF_INET6 &&
	    !net_in_list(net_blocked, NITEMS(net_blocked), af, a) &&
	    net_embedded_v4(a, v4))
		return net_allowed(allow, AF_INET, v4);
	return !net_in_list(net_blocked, NITEMS(net_blocked), af, a);
}

int
sup_net_addr_allowed(const struct sup_net_allow *allow,
    const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET && len >= sizeof(*sin)) {
		sin = (const struct sockaddr_in *)(const void *)sa;
		return net_allowed(allow, AF_INET,
		    (const uint8_t *)&sin->sin_addr);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(*sin6)) {
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		return net_allowed(allow, AF_INET6,
		    (const uint8_t *)&sin6->sin6_addr);
	}
	return 0;
}

/* Parse one trimmed entry s into c; RC_OK or RC_INVALID with err set. */
static int
net_parse_entry(const char *s, struct net_cidr *c, struct errmsg *err)
{
	char		 buf[NET_ENTRY_MAX];
	char		*slash, *p;
	unsigned	 max, i;
	unsigned long	 pfx;
	uint8_t		 mask;

	memset(c, 0, sizeof(*c));
	if (strlen(s) >= sizeof(buf)) {
		errmsg_set(err, "http_allow: entry \"%.*s...\" is too "
		    "long", NET_ENTRY_MAX, s);
		return RC_INVALID;
	}
	memcpy(buf, s, strlen(s) + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	c->family = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	max = c->family == AF_INET ? 32 : 128;
	if (inet_pton(c->family, buf, c->addr) != 1) {
		errmsg_set(err, "http_allow: \"%s\": not an IPv%c "
		    "address", s, c->family == AF_INET ? '4' : '6');
		return RC_INVALID;
	}
	c->prefix = max;
	if (slash != NULL) {
		p = slash + 1;
		for (i = 0; p[i] != '\0'; i++)
			if (!isdigit((unsigned char)p[i]))
				break;
		if (i == 0 || i > 3 || p[i] != '\0' ||
		    (pfx = strtoul(p, NULL, 10)) > max) {
			errmsg_set(err, "http_allow: \"%s\": prefix "
			    "length must be a number from 0 to %u", s, max);
			return RC_INVALID;
		}
		c->prefix = (unsigned)pfx;
	}
	/* Host bits beyond the prefix are a typo, not a network. */
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= c->prefix)
			mask = 0xff;
		else if ((i + 1) * 8 <= c->prefix)
			mask = 0;
		else
			mask = (uint8_t)(0xff >> (c->prefix - i * 8));
		if ((c->addr[i] & mask) != 0) {
			errmsg_set(err, "http_allow: \"%s\": host bits "
			    "set beyond /%u", s, c->prefix);
			return RC_INVALID;
		}
	}
	return RC_OK;
}

int
sup_net_allow_parse(const char *csv, struct sup_net_allow **out,
    struct errmsg *err)
{
	struct sup_net_allow	*a;
	const char		*p, *e, *q;
	char			*entry;
	int			 rc = RC_OK;

	a = xcalloc(1, sizeof(*a));
	p = csv != NULL ? csv : "";
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p != '\0') {
		if ((e = strchr(p, ',')) == NULL)
			e = p + strlen(p);
		q = e;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		while (p < q && (*p == ' ' || *p == '\t'))
			p++;
		if (q == p) {
			errmsg_set(err, "http_allow: empty entry in "
			    "\"%s\"", csv);
			rc = RC_INVALID;
			goto out;
		}
		if (a->n == NET_MAX_ENTRIES) {
			errmsg_set(err, "http_allow: more than %d "
			    "entries", NET_MAX_ENTRIES);
			rc = RC_INVALID;
			goto out;
		}
		a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
		entry = xstrndup(p, (size_t)(q - p));
		rc = net_parse_entry(entry, &a->v[a->n], err);
		free(entry);
		if (rc != RC_OK)
			goto out;
		a->n++;
		if (*e == '\0')
			break;
		p = e + 1;
		if (*p == '\0') {
			errmsg_set(err, "http_allow: empty entry in "
			    "\"%s\"", csv);
			rc = RC_INVALID;
			goto out;
		}
	}
	*out = a;
	a = NULL;
out:
	sup_net_allow_free(a);
	return rc;
}

void
sup_net_allow_free(struct sup_net_allow *a)
{
	if (a == NULL)
		return;
	free(a->v);
	free(a);
}

size_t
sup_net_allow_count(const struct sup_net_allow *a)
{
	return a != NULL ? a->n : 0;
}
