/*
 * ECMA-262 patterns on PCRE2 (engine.md, "JSON Schema details"): UTF and
 * Unicode properties, the ECMAScript-compatible options PCRE2 has
 * (\u escapes, empty classes, unset back-references, "$" at the end
 * only), and \d \w \b with their negations rewritten to ASCII classes
 * first, since PCRE2 10.42 makes them Unicode-wide under PCRE2_UCP while
 * ECMAScript means ASCII. Every match runs under the schema's match,
 * depth and heap limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tmpl_schema_int.h"

#define SRE_WORD	"A-Za-z0-9_"
#define SRE_WB		"(?:(?<=[" SRE_WORD "])(?![" SRE_WORD "])|" \
			"(?<![" SRE_WORD "])(?=[" SRE_WORD "]))"
#define SRE_NWB		"(?:(?<=[" SRE_WORD "])(?=[" SRE_WORD "])|" \
			"(?<![" SRE_WORD "])(?![" SRE_WORD "]))"

struct buf {
	char	*s;
	size_t	 n, cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/*
 * ECMAScript spells Unicode properties with long names and prefixes
 * (\p{Letter}, \p{gc=Lu}, \p{Script=Greek}); PCRE2 10.42 knows the short
 * ones. src[i] is the 'p' or 'P' after a backslash; appends the rewrite
 * and returns the index after the '}' (0 when not a braced property).
 */
static size_t
rewrite_prop(const char *src, size_t i, struct buf *out)
{
	static const char *const gc[][2] = {
		{ "Letter", "L" }, { "Cased_Letter", "L&" },
		{ "Uppercase_Letter", "Lu" }, { "Lowercase_Letter", "Ll" },
		{ "Titlecase_Letter", "Lt" }, { "Modifier_Letter", "Lm" },
		{ "Other_Letter", "Lo" }, { "Mark", "M" },
		{ "Combining_Mark", "M" }, { "Nonspacing_Mark", "Mn" },
		{ "Spacing_Mark", "Mc" }, { "Enclosing_Mark", "Me" },
		{ "Number", "N" }, { "Decimal_Number", "Nd" },
		{ "digit", "Nd" }, { "Letter_Number", "Nl" },
		{ "Other_Number", "No" }, { "Punctuation", "P" },
		{ "punct", "P" }, { "Connector_Punctuation", "Pc" },
		{ "Dash_Punctuation", "Pd" }, { "Open_Punctuation", "Ps" },
		{ "Close_Punctuation", "Pe" }, { "Initial_Punctuation", "Pi" },
		{ "Final_Punctuation", "Pf" }, { "Other_Punctuation", "Po" },
		{ "Symbol", "S" }, { "Math_Symbol", "Sm" },
		{ "Currency_Symbol", "Sc" }, { "Modifier_Symbol", "Sk" },
		{ "Other_Symbol", "So" }, { "Separator", "Z" },
		{ "Space_Separator", "Zs" }, { "Line_Separator", "Zl" },
		{ "Paragraph_Separator", "Zp" }, { "Other", "C" },
		{ "Control", "Cc" }, { "cntrl", "Cc" }, { "Format", "Cf" },
		{ "Unassigned", "Cn" }, { "Private_Use", "Co" },
		{ "Surrogate", "Cs" },
	};
	static const char *const prefix[] = { "General_Category=", "gc=",
	    "Script_Extensions=", "scx=", "Script=", "sc=" };
	const char	*name, *end;
	size_t		 k, len;

	if (src[i + 1] != '{' || (end = strchr(src + i + 2, '}')) == NULL)
		return 0;
	name = src + i + 2;
	for (k = 0; k < NITEMS(prefix); k++)
		if (strncmp(name, prefix[k], strlen(prefix[k])) == 0) {
			name += strlen(prefix[k]);
			break;
		}
	len = (size_t)(end - name);
	put(out, src[i] == 'p' ? "\\p{" : "\\P{", 3);
	for (k = 0; k < NITEMS(gc); k++)
		if (strlen(gc[k][0]) == len && strncmp(name, gc[k][0], len) == 0)
			break;
	if (k < NITEMS(gc))
		puts_(out, gc[k][1]);
	else
		put(out, name, len);
	puts_(out, "}");
	return (size_t)(end - src) + 1;
}

/*
 * One character class starting at src[i] == '['; appends its rewrite to
 * out and returns the index after its ']' (or the end).
 */
static size_t
rewrite_class(const char *src, size_t i, struct buf *out)
{
	struct buf	 body = { NULL, 0, 0 };
	size_t		 n = strlen(src), k;
	int		 neg = 0, nd = 0, nw = 0;

	i++;
	if (src[i] == '^') {
		neg = 1;
		i++;
	}
	put(&body, "", 0);
	for (; i < n && src[i] != ']'; i++) {
		if (src[i] != '\\' || i + 1 >= n) {
			put(&body, src + i, 1);
			continue;
		}
		i++;
		if ((src[i] == 'p' || src[i] == 'P') &&
		    (k = rewrite_prop(src, i, &body)) != 0) {
			i = k - 1;
			continue;
		}
		switch (src[i]) {
		case 'd':
			puts_(&body, "0-9");
			break;
		case 'w':
			puts_(&body, SRE_WORD);
			break;
		case 'b':
			puts_(&body, "\\x08");
			break;
		case 'D':
			nd = 1;
			break;
		case 'W':
			nw = 1;
			break;
		default:
			put(&body, src + i - 1, 2);
			break;
		}
	}
	if (!nd && !nw) {
		puts_(out, neg ? "[^" : "[");
		put(out, body.s, body.n);
		puts_(out, "]");
	} else if (!neg) {
		/* [X\D] is X or a non-digit. */
		puts_(out, "(?:");
		if (body.n > 0) {
			puts_(out, "[");
			put(out, body.s, body.n);
			puts_(out, "]|");
		}
		if (nd)
			puts_(out, nw ? "[^0-9]|[^" SRE_WORD "]" : "[^0-9]");
		else
			puts_(out, "[^" SRE_WORD "]");
		puts_(out, ")");
	} else {
		/* [^X\D] is a digit not in X. */
		puts_(out, "(?:");
		if (body.n > 0) {
			puts_(out, "(?![");
			put(out, body.s, body.n);
			puts_(out, "])");
		}
		puts_(out, nd ? "[0-9]" : "[" SRE_WORD "]");
		puts_(out, ")");
	}
	free(body.s);
	return i < n ? i + 1 : n;
}

/* The pattern with the ECMAScript meaning of \d \w \b made explicit. */
static char *
rewrite(const char *src)
{
	struct buf	 out = { NULL, 0, 0 };
	size_t		 i = 0, n = strlen(src), k;

	put(&out, "", 0);
	while (i < n) {
		if (src[i] == '[') {
			i = rewrite_class(src, i, &out);
			continue;
		}
		if (src[i] != '\\' || i + 1 >= n) {
			put(&out, src + i, 1);
			i++;
			continue;
		}
		if ((src[i + 1] == 'p' || src[i + 1] == 'P') &&
		    (k = rewrite_prop(src, i + 1, &out)) != 0) {
			i = k;
			continue;
		}
		switch (src[i + 1]) {
		case 'd':
			puts_(&out, "[0-9]");
			break;
		case 'D':
			puts_(&out, "[^0-9]");
			break;
		case 'w':
			puts_(&out, "[" SRE_WORD "]");
			break;
		case 'W':
			puts_(&out, "[^" SRE_WORD "]");
			break;
		case 'b':
			puts_(&out, SRE_WB);
			break;
		case 'B':
			puts_(&out, SRE_NWB);
			break;
		default:
			put(&out, src + i, 2);
			break;
		}
		i += 2;
	}
	return out.s;
}

pcre2_code *
sre_compile(const char *src, struct errmsg *err)
{
	pcre2_compile_context	*cc;
	pcre2_code		*re;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 off;
	char			*pat;
	int			 code;

	if ((cc = pcre2_compile_context_create(NULL)) == NULL) {
		errmsg_set(err, "out of memory");
		return NULL;
	}
	(void)pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
	(void)pcre2_set_parens_nest_limit(cc, 64);
	(void)pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
	pat = rewrite(src);
	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_BSUX | PCRE2_ALLOW_EMPTY_CLASS |
	    PCRE2_MATCH_UNSET_BACKREF | PCRE2_DOLLAR_ENDONLY |
	    PCRE2_NEVER_BACKSLASH_C, &code, &off, cc);
	pcre2_compile_context_free(cc);
	free(pat);
	if (re == NULL) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		errmsg_set(err, "%s", (char *)msg);
	}
	return re;
}

int
sre_match(struct schema *s, const pcre2_code *re, const char *str, size_t n)
{
	int	 rc;

	rc = pcre2_match(re, (PCRE2_SPTR)str, n, 0, 0, s->md, s->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT)
		return -1;
	return 0;
}
