/*
 * Standard Webhooks signatures: the example vector published with the
 * specification (and used by its reference libraries), secrets that
 * round-trip, and malformed secrets refused.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common.h"
#include "tmpl.h"
#include "verr.h"
#include "whsig.h"

static void
test_whsig_spec_vector(void)
{
	unsigned char	 key[WHSIG_KEY_MAX];
	size_t		 len = 0;
	char		 sig[WHSIG_SIG_LEN];
	const char	*body = "{\"test\": 2432232314}";

	CU_ASSERT_EQUAL_FATAL(whsig_secret_parse(
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", key, &len), RC_OK);
	CU_ASSERT_EQUAL(len, 24);
	whsig_sign(key, len, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    body, strlen(body), sig);
	CU_ASSERT_STRING_EQUAL(sig,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* One byte more in the body: another signature. */
	whsig_sign(key, len, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	    "{\"test\": 2432232314} ", strlen(body) + 1, sig);
	CU_ASSERT_STRING_NOT_EQUAL(sig,
	    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

static void
test_whsig_secret_round_trip(void)
{
	unsigned char	 key[WHSIG_KEY_LEN], back[WHSIG_KEY_MAX];
	char		 s[WHSIG_SECRET_LEN];
	size_t		 i, len = 0;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 37 + 11);
	whsig_secret_fmt(key, sizeof(key), s);
	CU_ASSERT_EQUAL(strncmp(s, "whsec_", 6), 0);
	CU_ASSERT_EQUAL(strlen(s), 6 + 44);
	CU_ASSERT_EQUAL_FATAL(whsig_secret_parse(s, back, &len), RC_OK);
	CU_ASSERT_EQUAL(len, sizeof(key));
	CU_ASSERT_EQUAL(memcmp(key, back, len), 0);
}

static void
test_whsig_secret_refused(void)
{
	unsigned char	key[WHSIG_KEY_MAX];
	size_t		len = 0;

	CU_ASSERT_EQUAL(whsig_secret_parse("whsec_", key, &len), RC_INVALID);
	CU_ASSERT_EQUAL(whsig_secret_parse("whsec_abc", key, &len),
	    RC_INVALID);
	CU_ASSERT_EQUAL(whsig_secret_parse("whsec_ab!=", key, &len),
	    RC_INVALID);
	/* 66 bytes: over WHSIG_KEY_MAX. */
	CU_ASSERT_EQUAL(whsig_secret_parse("whsec_"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAA", key, &len), RC_INVALID);
}

/* The notify of json at body.notify: the errors as compact JSON. */
static const char *
notify_errs(const char *json)
{
	static char		 out[2048];
	struct json_object	*v = json_tokener_parse(json);
	struct verr		*ve = verr_new();
	struct jpath		 p;
	size_t			 i;

	jpath_init(&p, "body");
	jpath_key(&p, "notify");
	(void)tmpl_notify_check(v, &p, ve);
	out[0] = '\0';
	for (i = 0; i < verr_count(ve); i++) {
		struct json_object *e = json_object_array_get_idx(
		    verr_list(ve), i), *t, *l;

		json_object_object_get_ex(e, "type", &t);
		json_object_object_get_ex(e, "loc", &l);
		snprintf(out + strlen(out), sizeof(out) - strlen(out),
		    "%s%s@%s", i > 0 ? ";" : "", json_object_get_string(t),
		    json_object_to_json_string_ext(l,
		    JSON_C_TO_STRING_PLAIN));
	}
	verr_free(ve);
	json_object_put(v);
	return out;
}

static void
test_whsig_notify_check(void)
{
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":\"https://a.example/"
	    "h?x=1\",\"events\":[\"completed\",\"failed\",\"cancelled\","
	    "\"waiting\"]}"), "");
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":\"HTTP://a:8080\","
	    "\"events\":[\"failed\"]}"), "");
	CU_ASSERT_STRING_EQUAL(notify_errs("[]"), "dict_type@[\"body\","
	    "\"notify\"]");
	CU_ASSERT_STRING_EQUAL(notify_errs("{}"), "missing@[\"body\","
	    "\"notify\",\"url\"];missing@[\"body\",\"notify\","
	    "\"events\"]");
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":\"https://u@h/\","
	    "\"events\":[\"completed\"],\"x\":1}"), "value_error@"
	    "[\"body\",\"notify\",\"url\"];extra_forbidden@[\"body\","
	    "\"notify\",\"x\"]");
	/* An @ after the host is a path, not userinfo. */
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":\"https://h/a@b\","
	    "\"events\":[\"completed\"]}"), "");
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":\"https:///p\","
	    "\"events\":[\"completed\"]}"), "value_error@[\"body\","
	    "\"notify\",\"url\"]");
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":\"https://h/ x\","
	    "\"events\":[\"completed\"]}"), "value_error@[\"body\","
	    "\"notify\",\"url\"]");
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":1,\"events\":"
	    "\"completed\"}"), "string_type@[\"body\",\"notify\",\"url\"];"
	    "list_type@[\"body\",\"notify\",\"events\"]");
	CU_ASSERT_STRING_EQUAL(notify_errs("{\"url\":\"http://h\","
	    "\"events\":[\"failed\",\"failed\",3]}"), "value_error@"
	    "[\"body\",\"notify\",\"events\",1];enum@[\"body\","
	    "\"notify\",\"events\",2]");
}

void	test_whsig_register(void);

void
test_whsig_register(void)
{
	CU_pSuite	s = CU_add_suite("whsig", NULL, NULL);

	CU_add_test(s, "spec_vector", test_whsig_spec_vector);
	CU_add_test(s, "secret_round_trip", test_whsig_secret_round_trip);
	CU_add_test(s, "secret_refused", test_whsig_secret_refused);
	CU_add_test(s, "notify_check", test_whsig_notify_check);
}
