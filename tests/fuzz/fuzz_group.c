/*
 * libFuzzer driver for the group insert's wire format (src/http/
 * http_group.c): http_group_decode of any bytes. Besides memory errors
 * it checks the contract: a message it accepts has every string the
 * insert needs, and encoding what it decoded gives back the very same
 * bytes (no field is lost, no byte left unchecked).
 * Build: make fuzz-build.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "http_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_exec_new	 x;
	uint64_t		 seq;
	int64_t			 deadline;
	char			*in, *out;
	size_t			 n;

	if (size > GROUP_MSG_MAX)
		return 0;
	in = malloc(size + 1);
	out = malloc(GROUP_MSG_MAX);
	if (in == NULL || out == NULL)
		abort();
	memcpy(in, data, size);
	if (http_group_decode(in, size, &x, &seq, &deadline) == RC_OK) {
		if (x.id == NULL || x.user == NULL || x.name == NULL ||
		    x.template_id == NULL || x.input == NULL || x.hash == NULL)
			abort();
		n = http_group_encode(&x, seq, deadline, out, GROUP_MSG_MAX);
		if (n != size || memcmp(out, data, size) != 0)
			abort();
	}
	free(in);
	free(out);
	return 0;
}
