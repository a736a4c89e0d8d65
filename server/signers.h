/*
 * signers.h: which person each document-signing certificate of the commune
 * CA belongs to, so that a signed PDF handed to the workflow can be matched
 * to the person acting.  Stored as a GLib key file `signers.ini` in the
 * data directory, rewritten atomically on every change; one group per
 * certificate, named by the SHA-256 of its DER (lowercase hex):
 *
 *   [5d0c...]
 *   person=nguyen-van-an     (an id of the people registry, or "@seal")
 *   serial=<certificate serial, hex>
 *   profile=official|citizen|seal
 *   issued=<unix time>
 *   revoked=<unix time, absent if valid>
 *
 * Owned and touched by the loop thread only.
 */
#ifndef DINH_SIGNERS_H
#define DINH_SIGNERS_H

#include <time.h>

#include "signing/ca.h"

#define SIGNERS_SEAL "@seal" /* the person of the agency seal certificate */

struct signers;

/* Loads @path (a missing file is an empty registry). */
int signers_open(struct signers **out, const char *path);
void signers_free(struct signers *s);

/* Records certificate @fpr (hex SHA-256) of @person and saves durably.
 * E_EXISTS if @fpr is known. */
int signers_add(struct signers *s, const char *fpr, const char *person, const char *serial,
		const char *profile);

/* The person of valid certificate @fpr (borrowed, valid until the next
 * change), or NULL when unknown or revoked; *profile (may be NULL) gets its
 * profile. */
const char *signers_person(const struct signers *s, const char *fpr, const char **profile);

/* Marks the certificate of @serial revoked now and saves; E_OK also when no
 * certificate of the registry has that serial. */
int signers_revoke(struct signers *s, const char *serial);

#endif
