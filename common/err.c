/*
 * err.c: the names and messages of the E_* codes, and the thread-local
 * one-line detail recorded by err_set(); see err.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/i18n.h"

#define ERR_DETAIL_MAX 256

static _Thread_local char err_detail_buf[ERR_DETAIL_MAX];

struct err_entry {
	const char *name;
	const char *msg;
};

/* Indexed by -code; every code from E_OK to E_LAST + 1 has an entry.  The
 * messages are marked for translation: the CLI shows _(err_str(code)). */
static const struct err_entry err_table[] = {
	[0] = {"E_OK", N_("success")},
	[-E_NOMEM] = {"E_NOMEM", N_("out of memory")},
	[-E_INVAL] = {"E_INVAL", N_("invalid argument or value")},
	[-E_IO] = {"E_IO", N_("input/output error")},
	[-E_PROTO] = {"E_PROTO", N_("malformed frame or message")},
	[-E_TOOBIG] = {"E_TOOBIG", N_("a size limit was exceeded")},
	[-E_AGAIN] = {"E_AGAIN", N_("more input needed")},
	[-E_NOTFOUND] = {"E_NOTFOUND", N_("not found")},
	[-E_EXISTS] = {"E_EXISTS", N_("already exists")},
	[-E_PERM] = {"E_PERM", N_("role not allowed")},
	[-E_AUTH] = {"E_AUTH", N_("not authenticated")},
	[-E_REVOKED] = {"E_REVOKED", N_("certificate revoked")},
	[-E_TLS] = {"E_TLS", N_("TLS failure")},
	[-E_CRYPTO] = {"E_CRYPTO", N_("key, certificate or signature failure")},
	[-E_HASH] = {"E_HASH", N_("content does not match its SHA-256")},
	[-E_CONFIG] = {"E_CONFIG", N_("bad configuration")},
	[-E_VERSION] = {"E_VERSION", N_("no common protocol version")},
	[-E_UNKNOWN] = {"E_UNKNOWN", N_("unknown message type or operation")},
	[-E_TIMEOUT] = {"E_TIMEOUT", N_("timed out")},
	[-E_BUSY] = {"E_BUSY", N_("over capacity, try again later")},
	[-E_SHUTDOWN] = {"E_SHUTDOWN", N_("server is shutting down")},
	[-E_XML] = {"E_XML", N_("XML not well-formed or not allowed")},
	[-E_PASSWORD] = {"E_PASSWORD", N_("wrong password or PIN")},
	[-E_INTERNAL] = {"E_INTERNAL", N_("internal error")},
	[-E_CORRUPT] = {"E_CORRUPT", N_("stored data is inconsistent")},
	[-E_NOSPACE] = {"E_NOSPACE", N_("no space left on the server's disk")},
};

_Static_assert(sizeof(err_table) / sizeof(err_table[0]) == (size_t)-E_LAST,
	       "err_table must cover every code");

static const struct err_entry *err_lookup(int code)
{
	if (code > 0 || code <= E_LAST)
		return NULL;
	return &err_table[-code];
}

const char *err_str(int code)
{
	const struct err_entry *e = err_lookup(code);

	return e ? e->msg : N_("unknown error");
}

const char *err_name(int code)
{
	const struct err_entry *e = err_lookup(code);

	return e ? e->name : "E_INTERNAL";
}

int err_from_name(const char *name)
{
	if (!name)
		return E_UNKNOWN;
	for (int i = 0; i > E_LAST; i--)
		if (strcmp(err_table[-i].name, name) == 0)
			return i;
	return E_UNKNOWN;
}

int err_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_detail_buf, sizeof(err_detail_buf), fmt, ap);
	va_end(ap);
	return code;
}

const char *err_detail(void)
{
	return err_detail_buf;
}

void err_clear(void)
{
	err_detail_buf[0] = '\0';
}
