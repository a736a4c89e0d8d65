/*
 * roles.h: the roles a person (or a village-hall terminal) holds.
 *
 * Roles are a bit set.  On the wire and in files they are written as a
 * comma-separated list of the names below, in this order.
 */
#ifndef DINH_ROLES_H
#define DINH_ROLES_H

#include <stddef.h>

enum role {
	ROLE_ADMIN = 1u << 0,
	ROLE_CHAIR = 1u << 1,
	ROLE_VICE_CHAIR = 1u << 2,
	ROLE_CLERK = 1u << 3,
	ROLE_OFFICER = 1u << 4,
	ROLE_SECRETARY = 1u << 5,
	ROLE_DELEGATE = 1u << 6,
	ROLE_HALL = 1u << 7,
	ROLE_DESK = 1u << 8, /* bộ phận một cửa: receives dossiers, returns results */
};
#define ROLE_ALL 0x1ffu
/* Any signed-in person or hall. */
#define ROLE_ANY ROLE_ALL

/* Parses "clerk,officer" (spaces allowed, case-sensitive names:
 * admin, chair, vice-chair, clerk, officer, secretary, delegate, hall, desk).
 * E_INVAL for an unknown or empty name; *out unchanged then. */
int roles_parse(const char *s, unsigned *out);

/* Writes the comma-separated names of @roles into @out (always terminated).
 * Returns E_TOOBIG if it does not fit. */
int roles_format(unsigned roles, char *out, size_t size);

/* The name of one role bit, or NULL. */
const char *role_name(unsigned role);

#endif
