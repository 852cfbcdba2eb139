/*
 * libFuzzer driver for the expression language: the input is parsed as
 * one expression and evaluated against a fixed small context, then used
 * as a template string for expr_render, expr_check_value and
 * expr_value_refs. Build:
 *
 *	clang -fsanitize=fuzzer,address,undefined -Iinclude \
 *	    tests/fuzz/fuzz_expr.c src/engine/expr_*.c src/common/xalloc.c \
 *	    src/common/log.c src/common/verr.c src/common/util.c \
 *	    $(pkg-config --cflags --libs json-c uuid) -lm
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "common.h"
#include "expr.h"
#include "verr.h"

#define FUZZ_INPUT_MAX	(64 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char ctx_json[] =
    "{\"input\": {\"n\": 3, \"f\": 2.5, \"z\": 0, \"s\": \"hi\", \"e\": \"\","
    " \"a\": [1, 2.0, \"x\", null, [true]], \"o\": {\"k\": {\"v\": -1}},"
    " \"min\": -9223372036854775808, \"max\": 9223372036854775807,"
    " \"u\": 18446744073709551615},"
    " \"steps\": {\"s1\": {\"output\": {\"x\": 1, \"body\": {\"id\": \"c\"}},"
    " \"status\": \"completed\"}},"
    " \"execution\": {\"id\": \"e\", \"name\": \"n\", \"user_id\": \"u\"},"
    " \"secrets\": {\"T\": \"tok\"}}";

static struct json_object *ctx;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr		*e = NULL;
	struct json_object	*out = NULL, *str;
	struct verr		*ve;
	struct jpath		 p;
	struct errmsg		 err;

	if (ctx == NULL && (ctx = json_tokener_parse(ctx_json)) == NULL)
		abort();
	if (size > FUZZ_INPUT_MAX)
		return 0;

	if (expr_parse((const char *)data, size, &e, &err) ==
	    RC_OK) {
		if (expr_eval(e, ctx, &out, &err) == RC_OK) {
			(void)expr_truthy(out);
			json_object_put(out);
			out = NULL;
		}
		expr_free(e);
	}

	if ((str = json_object_new_string_len((const char *)data,
	    (int)size)) == NULL)
		abort();
	if (expr_render(str, ctx, &out, &err) == RC_OK)
		json_object_put(out);
	ve = verr_new();
	jpath_init(&p, "body");
	(void)expr_check_value(str, &p, ve);
	if (p.n != 1)
		abort();
	verr_free(ve);
	(void)expr_value_refs(str, "secrets");
	json_object_put(str);
	return 0;
}
