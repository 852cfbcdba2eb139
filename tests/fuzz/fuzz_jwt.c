/*
 * libFuzzer driver for auth_verify: the input is the token of an
 * "Authorization: Bearer <input>" header, verified with an HS256
 * configuration. The seeds in tests/fuzz/corpus/jwt are signed with
 * FUZZ_SECRET and expire in 2100, so mutations reach the claim checks.
 *
 * clang -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Iinclude $(pkg-config --cflags json-c libjwt openssl) \
 *     tests/fuzz/fuzz_jwt.c src/auth/auth_jwt.c src/auth/auth_claims.c \
 *     src/common/[a-z]*.c \
 *     $(pkg-config --libs json-c libjwt openssl uuid inih) -o fuzz_jwt
 * ./fuzz_jwt -max_len=9000 tests/fuzz/corpus/jwt
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "config.h"
#include "auth.h"

/* A test secret only; the seeds are signed with it. */
#define FUZZ_SECRET	"wfm-fuzz-only-hs256-secret-0123456789"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct config	 cfg;
static struct auth	*verifier;

static void
fuzz_setup(void)
{
	struct errmsg	 err;

	cfg.auth.algorithm = AUTH_HS256;
	cfg.auth.jwt_secret = FUZZ_SECRET;
	cfg.auth.jwt_secret_len = sizeof(FUZZ_SECRET) - 1;
	cfg.auth.leeway_seconds = 30;
	cfg.auth.roles_claim = "roles";
	if (auth_open(&cfg, &verifier, &err) != RC_OK)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct principal	 p;
	struct errmsg		 why = { "" };
	char			*h;
	int			 rc;

	if (verifier == NULL)
		fuzz_setup();
	/* Past the limit only the length check runs; keep inputs useful. */
	if (size > AUTH_HEADER_MAX + 64)
		return 0;
	h = xmalloc(size + 8);
	memcpy(h, "Bearer ", 7);
	memcpy(h + 7, data, size);
	h[7 + size] = '\0';
	rc = auth_verify(verifier, h, &p, &why);
	/* The contract: a static sentence on denial, a sane principal else. */
	if (rc == RC_OK) {
		if (why.text[0] != '\0' || p.sub[0] == '\0' ||
		    strlen(p.sub) > AUTH_SUB_MAX || p.roles > 0xf)
			abort();
	} else if (rc != RC_DENIED || why.text[0] == '\0')
		abort();
	free(h);
	return 0;
}
