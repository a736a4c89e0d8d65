/*
 * people.h: the registry of people and village-hall terminals known to the
 * server, keyed by the serial number of the certificate the commune CA
 * issued them.  Stored as a GLib key file `people.ini` in the data
 * directory, rewritten atomically (fs_write_atomic) on every change; one
 * group per certificate serial:
 *
 *   [3f9a...]
 *   id=nguyen-van-an        (unique slug, ASCII)
 *   name=Nguyễn Văn An      (UTF-8, the certificate's CN)
 *   roles=chair,delegate
 *   kind=person|hall
 *   fingerprint=<sha256 of the DER certificate, hex>
 *   issued=<unix time>
 *   revoked=<unix time, absent if valid>
 */
#ifndef DINH_PEOPLE_H
#define DINH_PEOPLE_H

#include <stddef.h>
#include <time.h>

#include "signing/ca.h"

enum person_kind { PERSON_KIND_PERSON = 0, PERSON_KIND_HALL = 1 };

struct person {
	char serial[CA_SERIAL_HEX_MAX];
	char fingerprint[CA_FPR_HEX_MAX];
	char *id;
	char *name;
	unsigned roles;
	enum person_kind kind;
	time_t issued;
	time_t revoked; /* 0 when valid */
};

struct people;

/* Loads @path (a missing file is an empty registry). */
int people_open(struct people **out, const char *path);
void people_free(struct people *p);

/* Borrowed pointers, valid until the next change of the registry. */
const struct person *people_by_serial(const struct people *p, const char *serial_hex);
const struct person *people_by_id(const struct people *p, const char *id);
size_t people_count(const struct people *p);
const struct person *people_at(const struct people *p, size_t i);

/* Adds a record (copied) and saves durably.  E_EXISTS if the serial or the id
 * is taken. */
int people_add(struct people *p, const struct person *rec);

/* Marks the record revoked now and saves.  E_NOTFOUND, E_EXISTS (already). */
int people_revoke(struct people *p, const char *id, char serial_out[CA_SERIAL_HEX_MAX]);

/* A unique ASCII slug for @name ("Nguyễn Văn An" -> "nguyen-van-an", then
 * "-2", "-3"... if taken); malloc'd.  Vietnamese letters are folded
 * (đ -> d, ư -> u, ...). */
char *people_make_id(const struct people *p, const char *name);

#endif
