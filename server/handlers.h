/*
 * handlers.h: the table of request operations, each with the roles allowed
 * to call it.  The session looks an operation up, checks the peer's roles
 * against it (E_PERM otherwise) and calls it (see session.h for the
 * contract).
 */
#ifndef DINH_HANDLERS_H
#define DINH_HANDLERS_H

#include <stdint.h>

#include "common/proto.h"
#include "server/session.h"

struct handler {
	const char *op;
	unsigned roles; /* ROLE_* bits allowed; ROLE_ANY for everyone */
	int (*fn)(struct session *s, uint32_t id, const struct proto_node *req);
};

/* NULL if @op is unknown. */
const struct handler *handler_find(const char *op);

#endif
