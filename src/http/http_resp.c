/*
 * Building answers: JSON bodies, {"detail": ...} errors, 422 lists and
 * extra headers. The only place that maps enum rc to an HTTP status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "http.h"
#include "log.h"

void
http_resp_json(struct http_req *r, int status, struct json_object *body)
{
	json_object_put(r->reply);
	free(r->text);
	r->text = NULL;
	r->reply = body;
	r->status = status;
}

void
http_resp_text(struct http_req *r, int status, char *text, size_t len)
{
	json_object_put(r->reply);
	r->reply = NULL;
	free(r->text);
	r->text = text;
	r->textlen = len;
	r->status = status;
}

void
http_resp_detail(struct http_req *r, int status, const char *detail)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "detail", json_object_new_string(detail));
	http_resp_json(r, status, o);
}

void
http_resp_verr(struct http_req *r, const struct verr *ve)
{
	struct json_object	*o = json_object_new_object();

	json_object_object_add(o, "detail", json_object_get(verr_list(ve)));
	http_resp_json(r, 422, o);
}

void
http_resp_header(struct http_req *r, const char *fmt, ...)
{
	va_list	ap;
	char	*h;

	if (r->nhdr >= HTTP_HEADERS_MAX) {
		log_warnx("too many response headers");
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&h, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	r->hdr[r->nhdr++] = h;
}

void
http_resp_rc(struct http_req *r, int rc, const char *notfound)
{
	switch (rc) {
	case RC_NOTFOUND:
		http_resp_detail(r, 404, notfound);
		break;
	case RC_AGAIN:
		http_resp_detail(r, 503, "Database unavailable, retry later");
		http_resp_header(r, "Retry-After: %d", HTTP_RETRY_DB);
		break;
	case RC_CONFLICT:
		http_resp_detail(r, 409, "Conflict");
		break;
	case RC_DENIED:
		http_resp_detail(r, 403, "Access denied");
		break;
	case RC_INVALID:
		/* The database refused a value for good (store.h). */
		http_resp_detail(r, 422, "A value cannot be stored");
		break;
	default:
		http_resp_detail(r, 500, "Internal Server Error");
		break;
	}
}
