/*
 * err.c: the names and messages of the E_* codes, and the thread-local
 * one-line detail recorded by err_set(); see err.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"

#define ERR_DETAIL_MAX 256

static _Thread_local char err_detail_buf[ERR_DETAIL_MAX];

struct err_entry {
	const char *name;
	const char *msg;
};

/* Indexed by -code; every code from E_OK to E_LAST + 1 has an entry. */
static const struct err_entry err_table[] = {
	[0] = {"E_OK", "success"},
	[-E_NOMEM] = {"E_NOMEM", "out of memory"},
	[-E_INVAL] = {"E_INVAL", "invalid argument or value"},
	[-E_IO] = {"E_IO", "input/output error"},
	[-E_PROTO] = {"E_PROTO", "malformed frame or message"},
	[-E_TOOBIG] = {"E_TOOBIG", "a size limit was exceeded"},
	[-E_AGAIN] = {"E_AGAIN", "more input needed"},
	[-E_NOTFOUND] = {"E_NOTFOUND", "not found"},
	[-E_EXISTS] = {"E_EXISTS", "already exists"},
	[-E_PERM] = {"E_PERM", "role not allowed"},
	[-E_AUTH] = {"E_AUTH", "not authenticated"},
	[-E_REVOKED] = {"E_REVOKED", "certificate revoked"},
	[-E_TLS] = {"E_TLS", "TLS failure"},
	[-E_CRYPTO] = {"E_CRYPTO", "key, certificate or signature failure"},
	[-E_HASH] = {"E_HASH", "content does not match its SHA-256"},
	[-E_CONFIG] = {"E_CONFIG", "bad configuration"},
	[-E_VERSION] = {"E_VERSION", "no common protocol version"},
	[-E_UNKNOWN] = {"E_UNKNOWN", "unknown message type or operation"},
	[-E_TIMEOUT] = {"E_TIMEOUT", "timed out"},
	[-E_BUSY] = {"E_BUSY", "over capacity, try again later"},
	[-E_SHUTDOWN] = {"E_SHUTDOWN", "server is shutting down"},
	[-E_XML] = {"E_XML", "XML not well-formed or not allowed"},
	[-E_PASSWORD] = {"E_PASSWORD", "wrong password or PIN"},
	[-E_INTERNAL] = {"E_INTERNAL", "internal error"},
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

	return e ? e->msg : "unknown error";
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
