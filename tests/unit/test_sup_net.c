/*
 * SSRF policy: blocked ranges, embedded IPv4 forms, allowlist parsing.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "sup_step.h"

void	test_sup_net_register(void);

/* sup_net_addr_allowed for the text address s (IPv4 or IPv6). */
static int
allowed(const struct sup_net_allow *allow, const char *s)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (inet_pton(AF_INET, s, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		return sup_net_addr_allowed(allow,
		    (struct sockaddr *)&sin, sizeof(sin));
	}
	if (inet_pton(AF_INET6, s, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		return sup_net_addr_allowed(allow,
		    (struct sockaddr *)&sin6, sizeof(sin6));
	}
	CU_FAIL_FATAL("test address does not parse");
	return -1;
}

static struct sup_net_allow *
parse_ok(const char *csv)
{
	struct sup_net_allow	*a = NULL;
	struct errmsg		 err = { "" };

	CU_ASSERT_EQUAL(sup_net_allow_parse(csv, &a, &err), RC_OK);
	CU_ASSERT_STRING_EQUAL(err.text, "");
	CU_ASSERT_PTR_NOT_NULL(a);
	return a;
}

static void
test_sup_net_blocks_special_ipv4(void)
{
	static const char *const blocked[] = {
		"127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1",
		"172.31.255.255", "192.168.0.1", "100.64.0.1",
		"100.127.255.255", "169.254.169.254", "0.0.0.0", "0.1.2.3",
		"224.0.0.1", "239.255.255.250", "240.0.0.1",
		"255.255.255.255", "192.0.2.1", "198.51.100.7",
		"203.0.113.9", "198.18.0.1", "198.19.255.255", "192.0.0.8",
		"192.88.99.1"
	};
	size_t	i;

	for (i = 0; i < NITEMS(blocked); i++)
		CU_ASSERT_EQUAL(allowed(NULL, blocked[i]), 0);
}

static void
test_sup_net_allows_public_ipv4(void)
{
	static const char *const ok[] = {
		"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255",
		"100.63.255.255", "100.128.0.0", "169.253.255.255",
		"198.17.255.255", "198.20.0.0", "192.0.3.1", "223.255.255.255",
		"11.0.0.1", "9.255.255.255", "128.0.0.1"
	};
	size_t	i;

	for (i = 0; i < NITEMS(ok); i++)
		CU_ASSERT_EQUAL(allowed(NULL, ok[i]), 1);
}

static void
test_sup_net_blocks_special_ipv6(void)
{
	static const char *const blocked[] = {
		"::1", "::", "fe80::1", "febf::1", "fc00::1", "fdff::1",
		"ff02::1", "ff0e::1", "2001:db8::1", "2001:db8:ffff::1",
		"fec0::1", "100::1", "2001::1", "64:ff9b:1::1", "3fff::1"
	};
	size_t	i;

	for (i = 0; i < NITEMS(blocked); i++)
		CU_ASSERT_EQUAL(allowed(NULL, blocked[i]), 0);
}

static void
test_sup_net_allows_public_ipv6(void)
{
	CU_ASSERT_EQUAL(allowed(NULL, "2001:4860:4860::8888"), 1);
	CU_ASSERT_EQUAL(allowed(NULL, "2606:4700:4700::1111"), 1);
	CU_ASSERT_EQUAL(allowed(NULL, "2a00:1450:4001::1"), 1);
	CU_ASSERT_EQUAL(allowed(NULL, "fe00::1"), 1);	/* not fe80::/10 */
}

static void
test_sup_net_judges_embedded_ipv4_by_its_address(void)
{
	/* IPv4-mapped. */
	CU_ASSERT_EQUAL(allowed(NULL, "::ffff:127.0.0.1"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "::ffff:10.0.0.1"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "::ffff:169.254.169.254"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "::ffff:7f00:1"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "::ffff:8.8.8.8"), 1);
	/* IPv4-compatible. */
	CU_ASSERT_EQUAL(allowed(NULL, "::127.0.0.1"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "::192.168.1.1"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "::8.8.8.8"), 1);
	/* NAT64. */
	CU_ASSERT_EQUAL(allowed(NULL, "64:ff9b::127.0.0.1"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "64:ff9b::a9fe:a9fe"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "64:ff9b::8.8.8.8"), 1);
	/* 6to4. */
	CU_ASSERT_EQUAL(allowed(NULL, "2002:7f00:1::1"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "2002:a00:1::"), 0);
	CU_ASSERT_EQUAL(allowed(NULL, "2002:808:808::1"), 1);
}

static void
test_sup_net_allowlist_host_overrides_block(void)
{
	struct sup_net_allow	*a;

	a = parse_ok("127.0.0.1/32");
	CU_ASSERT_EQUAL(sup_net_allow_count(a), 1);
	CU_ASSERT_EQUAL(allowed(a, "127.0.0.1"), 1);
	CU_ASSERT_EQUAL(allowed(a, "127.0.0.2"), 0);
	CU_ASSERT_EQUAL(allowed(a, "::ffff:127.0.0.1"), 1);
	CU_ASSERT_EQUAL(allowed(a, "::ffff:127.0.0.2"), 0);
	CU_ASSERT_EQUAL(allowed(a, "::1"), 0);
	CU_ASSERT_EQUAL(allowed(a, "10.0.0.1"), 0);
	CU_ASSERT_EQUAL(allowed(a, "8.8.8.8"), 1);
	sup_net_allow_free(a);
}

static void
test_sup_net_allowlist_networks_and_ipv6(void)
{
	struct sup_net_allow	*a;

	a = parse_ok(" 10.1.0.0/16 ,fd00::/8,\t::1, 172.20.0.0/14 ");
	CU_ASSERT_EQUAL(sup_net_allow_count(a), 4);
	CU_ASSERT_EQUAL(allowed(a, "10.1.255.255"), 1);
	CU_ASSERT_EQUAL(allowed(a, "10.2.0.0"), 0);
	CU_ASSERT_EQUAL(allowed(a, "fd12::1"), 1);
	CU_ASSERT_EQUAL(allowed(a, "fc00::1"), 0);
	CU_ASSERT_EQUAL(allowed(a, "::1"), 1);
	CU_ASSERT_EQUAL(allowed(a, "172.23.255.255"), 1);
	CU_ASSERT_EQUAL(allowed(a, "172.24.0.0"), 0);
	CU_ASSERT_EQUAL(allowed(a, "127.0.0.1"), 0);
	sup_net_allow_free(a);

	a = parse_ok("0.0.0.0/0");
	CU_ASSERT_EQUAL(allowed(a, "127.0.0.1"), 1);
	CU_ASSERT_EQUAL(allowed(a, "::1"), 0);
	sup_net_allow_free(a);
}

static void
test_sup_net_empty_allowlist_is_valid(void)
{
	struct sup_net_allow	*a;

	a = parse_ok("");
	CU_ASSERT_EQUAL(sup_net_allow_count(a), 0);
	CU_ASSERT_EQUAL(allowed(a, "127.0.0.1"), 0);
	sup_net_allow_free(a);
	a = parse_ok(NULL);
	CU_ASSERT_EQUAL(sup_net_allow_count(a), 0);
	sup_net_allow_free(a);
	a = parse_ok("  ");
	CU_ASSERT_EQUAL(sup_net_allow_count(a), 0);
	sup_net_allow_free(a);
}

static void
test_sup_net_rejects_bad_cidr(void)
{
	static const struct {
		const char	*csv;
		const char	*err;
	} bad[] = {
		{ "127.0.0.1/33", "http_allow: \"127.0.0.1/33\": prefix "
		    "length must be a number from 0 to 32" },
		{ "::1/129", "http_allow: \"::1/129\": prefix length must be "
		    "a number from 0 to 128" },
		{ "10.0.0.0/", "http_allow: \"10.0.0.0/\": prefix length "
		    "must be a number from 0 to 32" },
		{ "10.0.0.0/-1", "http_allow: \"10.0.0.0/-1\": prefix length "
		    "must be a number from 0 to 32" },
		{ "10.0.0.0/8x", "http_allow: \"10.0.0.0/8x\": prefix length "
		    "must be a number from 0 to 32" },
		{ "10.0.0.0/0008", "http_allow: \"10.0.0.0/0008\": prefix "
		    "length must be a number from 0 to 32" },
		{ "10.0.0.1/8", "http_allow: \"10.0.0.1/8\": host bits set "
		    "beyond /8" },
		{ "fd00::1/8", "http_allow: \"fd00::1/8\": host bits set "
		    "beyond /8" },
		{ "256.0.0.1", "http_allow: \"256.0.0.1\": not an IPv4 "
		    "address" },
		{ "2130706433", "http_allow: \"2130706433\": not an IPv4 "
		    "address" },
		{ "0x7f.1", "http_allow: \"0x7f.1\": not an IPv4 address" },
		{ "localhost", "http_allow: \"localhost\": not an IPv4 "
		    "address" },
		{ "fe80::1%eth0", "http_allow: \"fe80::1%eth0\": not an IPv6 "
		    "address" },
		{ "10.0.0.0 /8", "http_allow: \"10.0.0.0 /8\": not an IPv4 "
		    "address" },
		{ "10.0.0.0/8,", "http_allow: empty entry in \"10.0.0.0/8,\"" },
		{ ",10.0.0.0/8", "http_allow: empty entry in \",10.0.0.0/8\"" },
		{ "10.0.0.0/8,,::1", "http_allow: empty entry in "
		    "\"10.0.0.0/8,,::1\"" },
		{ "10.0.0.0/8, ", "http_allow: empty entry in "
		    "\"10.0.0.0/8, \"" },
	};
	struct sup_net_allow	*a;
	struct errmsg		 err;
	size_t			 i;

	for (i = 0; i < NITEMS(bad); i++) {
		a = NULL;
		err.text[0] = '\0';
		CU_ASSERT_EQUAL(sup_net_allow_parse(bad[i].csv, &a, &err),
		    RC_INVALID);
		CU_ASSERT_PTR_NULL(a);
		CU_ASSERT_STRING_EQUAL(err.text, bad[i].err);
	}
}

static void
test_sup_net_rejects_overlong_entry(void)
{
	struct sup_net_allow	*a = NULL;
	struct errmsg		 err;
	char			 csv[200];

	memset(csv, '1', sizeof(csv) - 1);
	csv[sizeof(csv) - 1] = '\0';
	CU_ASSERT_EQUAL(sup_net_allow_parse(csv, &a, &err),
	    RC_INVALID);
	CU_ASSERT_PTR_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.text, "is too long"));
}

static void
test_sup_net_blocks_other_families_and_short_lengths(void)
{
	struct sockaddr_in	sin;
	struct sockaddr		sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	CU_ASSERT_EQUAL(sup_net_addr_allowed(NULL, &sa, sizeof(sa)), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	CU_ASSERT_EQUAL(inet_pton(AF_INET, "8.8.8.8", &sin.sin_addr), 1);
	CU_ASSERT_EQUAL(sup_net_addr_allowed(NULL, (struct sockaddr *)&sin,
	    sizeof(sin)), 1);
	CU_ASSERT_EQUAL(sup_net_addr_allowed(NULL, (struct sockaddr *)&sin,
	    sizeof(sin) - 1), 0);
	CU_ASSERT_EQUAL(sup_net_addr_allowed(NULL, NULL, 0), 0);
}

void
test_sup_net_register(void)
{
	CU_pSuite	s;

	s = CU_add_suite("sup_net", NULL, NULL);
	CU_add_test(s, "test_sup_net_blocks_special_ipv4",
	    test_sup_net_blocks_special_ipv4);
	CU_add_test(s, "test_sup_net_allows_public_ipv4",
	    test_sup_net_allows_public_ipv4);
	CU_add_test(s, "test_sup_net_blocks_special_ipv6",
	    test_sup_net_blocks_special_ipv6);
	CU_add_test(s, "test_sup_net_allows_public_ipv6",
	    test_sup_net_allows_public_ipv6);
	CU_add_test(s, "test_sup_net_judges_embedded_ipv4_by_its_address",
	    test_sup_net_judges_embedded_ipv4_by_its_address);
	CU_add_test(s, "test_sup_net_allowlist_host_overrides_block",
	    test_sup_net_allowlist_host_overrides_block);
	CU_add_test(s, "test_sup_net_allowlist_networks_and_ipv6",
	    test_sup_net_allowlist_networks_and_ipv6);
	CU_add_test(s, "test_sup_net_empty_allowlist_is_valid",
	    test_sup_net_empty_allowlist_is_valid);
	CU_add_test(s, "test_sup_net_rejects_bad_cidr",
	    test_sup_net_rejects_bad_cidr);
	CU_add_test(s, "test_sup_net_rejects_overlong_entry",
	    test_sup_net_rejects_overlong_entry);
	CU_add_test(s, "test_sup_net_blocks_other_families_and_short_lengths",
	    test_sup_net_blocks_other_families_and_short_lengths);
}
