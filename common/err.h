/*
 * err.h: the one error enum of dinh, and a thread-local one-line detail.
 *
 * Every function that can fail returns 0 (E_OK) or a negative E_* code.  The
 * place that finds the problem calls err_set(code, "what exactly") and returns
 * the code; callers pass the code up unchanged.  Errors of third-party
 * libraries (GnuTLS, libxml2, libgit2, poppler) are translated into E_* codes
 * inside the one wrapper that calls them.  The wire carries err_name().
 */
#ifndef DINH_ERR_H
#define DINH_ERR_H

#include <stdarg.h>

enum err_code {
	E_OK = 0,
	E_NOMEM = -1,     /* out of memory */
	E_INVAL = -2,     /* invalid argument or value */
	E_IO = -3,        /* a read/write/fsync failed */
	E_PROTO = -4,     /* malformed frame or message */
	E_TOOBIG = -5,    /* a cap was exceeded */
	E_AGAIN = -6,     /* need more input / would block (not a failure) */
	E_NOTFOUND = -7,  /* no such object */
	E_EXISTS = -8,    /* already exists */
	E_PERM = -9,      /* role not allowed */
	E_AUTH = -10,     /* peer not authenticated (certificate) */
	E_REVOKED = -11,  /* certificate revoked */
	E_TLS = -12,      /* TLS failure */
	E_CRYPTO = -13,   /* key, certificate or signature failure */
	E_HASH = -14,     /* content does not match its SHA-256 */
	E_CONFIG = -15,   /* bad configuration */
	E_VERSION = -16,  /* no common protocol version */
	E_UNKNOWN = -17,  /* unknown message type or operation */
	E_TIMEOUT = -18,  /* a deadline passed */
	E_BUSY = -19,     /* over capacity, try later */
	E_SHUTDOWN = -20, /* server is shutting down */
	E_XML = -21,      /* XML not well-formed or not allowed */
	E_PASSWORD = -22, /* wrong password or PIN */
	E_INTERNAL = -23, /* a bug: should never happen */
	E_CORRUPT = -24,  /* stored data disagrees with itself (index vs git) */
	E_NOSPACE = -25,  /* the disk is full */
	E_LAST = -26
};

/* The English message of @code ("role not allowed"); static, never NULL.
 * Callers that show it to a person pass it through gettext. */
const char *err_str(int code);

/* The stable wire name of @code ("E_PERM"); static, never NULL. */
const char *err_name(int code);

/* Parses a wire name back into a code; unknown names give E_UNKNOWN. */
int err_from_name(const char *name);

/* Records a one-line detail for the calling thread and returns @code, so
 * that `return err_set(E_PROTO, "frame of %u bytes", n);` reads naturally. */
int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The detail recorded by the last err_set() of this thread, or "" if none.
 * Borrowed; valid until the next err_set()/err_clear() of this thread. */
const char *err_detail(void);

/* Forgets the detail of this thread. */
void err_clear(void);

#endif
