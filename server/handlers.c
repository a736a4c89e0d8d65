/*
 * handlers.c: the request operations of docs/protocol.md (ping, whoami,
 * user and hall administration, signing certificates, file transfer) and the
 * table that maps each operation to the roles allowed to call it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "server/docs.h"
#include "server/pdfs.h"
#include "server/files.h"
#include "server/handlers.h"
#include "server/meet.h"
#include "server/people.h"
#include "server/server.h"
#include "server/session.h"
#include "server/sign.h"
#include "signing/ca.h"

#define HANDLERS_NAME_MAX 128                   /* bytes of a person's or hall's name */
#define HANDLERS_CERT_DAYS 730                  /* validity of issued client certificates */
#define HANDLERS_GET_CHUNK PROTO_CHUNK_DATA_MAX /* bytes per download chunk */

/* Registers and statistics: the leaders, the clerk who keeps the books and
 * the one-stop desk (the dossier book). */
#define ROLES_REGISTERS (ROLE_ADMIN | ROLE_CHAIR | ROLE_VICE_CHAIR | ROLE_CLERK | ROLE_DESK)
/* Who organises meetings. */
#define ROLES_MEETING (ROLE_ADMIN | ROLE_CHAIR | ROLE_VICE_CHAIR | ROLE_CLERK | ROLE_SECRETARY)

#define ROLES_UPLOAD                                                                              \
	(ROLE_ADMIN | ROLE_CHAIR | ROLE_VICE_CHAIR | ROLE_CLERK | ROLE_OFFICER | ROLE_SECRETARY | \
	 ROLE_DESK)

/* Who is acting, for logs: "id@addr:port". */
static const char *who(struct session *s, char *out, size_t size)
{
	const struct person *me = session_person(s);

	snprintf(out, size, "%s@%s", me && me->id ? me->id : "?", session_peer(s));
	return out;
}

/* A request attribute that must be present. */
static int need_attr(const struct proto_node *req, const char *key, const char **out)
{
	*out = proto_attr(req, key);
	if (!*out)
		return err_set(E_INVAL, "missing attribute %s", key);
	return E_OK;
}

static int need_u64(const struct proto_node *req, const char *key, uint64_t *out)
{
	const char *v;
	int rc = need_attr(req, key, &v);

	*out = 0;
	if (rc < 0)
		return rc;
	if (proto_attr_u64(req, key, out) < 0)
		return err_set(E_INVAL, "attribute %s is not a decimal number", key);
	return E_OK;
}

static int need_sha(const struct proto_node *req, uint8_t sha256[32])
{
	const char *hex;
	int rc = need_attr(req, "sha256", &hex);

	if (rc < 0)
		return rc;
	if (strlen(hex) != 64 || proto_unhex(sha256, hex) < 0)
		return err_set(E_INVAL, "attribute sha256 is not 64 hex digits");
	return E_OK;
}

/* A name is 1..HANDLERS_NAME_MAX bytes of UTF-8, not all blank, without
 * control characters (C0, DEL, C1). */
static int check_name(const char *name)
{
	size_t len = strlen(name);
	int blank = 1;

	if (len == 0 || len > HANDLERS_NAME_MAX)
		return err_set(E_INVAL, "attribute name must be 1 to %d bytes", HANDLERS_NAME_MAX);
	if (!g_utf8_validate(name, (gssize)len, NULL))
		return err_set(E_INVAL, "attribute name is not UTF-8");
	for (const char *q = name; *q; q = g_utf8_next_char(q)) {
		gunichar c = g_utf8_get_char(q);

		if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			return err_set(E_INVAL, "attribute name contains a control character");
		if (!g_unichar_isspace(c))
			blank = 0;
	}
	if (blank)
		return err_set(E_INVAL, "attribute name is blank");
	return E_OK;
}

static const char *kind_name(enum person_kind kind)
{
	return kind == PERSON_KIND_HALL ? "hall" : "person";
}

static int op_ping(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct proto_node *body = proto_node_new("resp");

	if (!body || proto_node_set_u64(body, "time", (uint64_t)time(NULL)) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "ping");
	}
	return session_reply(s, id, body);
}

static int op_whoami(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	struct proto_node *body = proto_node_new("resp");
	char roles[128];
	int rc = E_NOMEM;

	if (!body)
		return err_set(E_NOMEM, "whoami");
	if (roles_format(me->roles, roles, sizeof(roles)) < 0) {
		rc = err_set(E_INTERNAL, "roles of %s", me->id);
		goto fail;
	}
	if (proto_node_set(body, "person", me->id) < 0 ||
	    proto_node_set(body, "name", me->name) < 0 ||
	    proto_node_set(body, "roles", roles) < 0 ||
	    proto_node_set(body, "kind", kind_name(me->kind)) < 0 ||
	    proto_node_set(body, "serial", me->serial) < 0 ||
	    proto_node_set(body, "fingerprint", me->fingerprint) < 0) {
		rc = err_set(E_NOMEM, "whoami");
		goto fail;
	}
	return session_reply(s, id, body);
fail:
	proto_node_free(body);
	return rc;
}

/* Builds the <resp> of user.add/hall.add: person, serial, <cert>, <ca>. */
static int add_reply(struct session *s, uint32_t id, const struct person *rec, const char *cert)
{
	struct server *srv = session_server(s);
	struct proto_node *body = proto_node_new("resp");
	struct proto_node *n;

	if (!body || proto_node_set(body, "person", rec->id) < 0 ||
	    proto_node_set(body, "serial", rec->serial) < 0)
		goto nomem;
	n = proto_node_add(body, "cert");
	if (!n || proto_node_set_text(n, cert) < 0)
		goto nomem;
	n = proto_node_add(body, "ca");
	if (!n || proto_node_set_text(n, ca_cert_pem(srv->ca)) < 0)
		goto nomem;
	return session_reply(s, id, body);
nomem:
	proto_node_free(body);
	return err_set(E_NOMEM, "add reply");
}

/* Roles for user.add: required, known, and never "hall". */
static int add_roles(const struct proto_node *req, enum person_kind kind, unsigned *roles)
{
	const char *v;
	int rc;

	*roles = ROLE_HALL;
	if (kind == PERSON_KIND_HALL)
		return E_OK; /* forced; any roles attribute is ignored */
	rc = need_attr(req, "roles", &v);
	if (rc < 0)
		return rc;
	if (roles_parse(v, roles) < 0)
		return err_set(E_INVAL, "attribute roles: unknown or empty role in \"%.64s\"", v);
	if (*roles & ROLE_HALL)
		return err_set(E_INVAL, "attribute roles: the hall role is given by hall.add only");
	return E_OK;
}

/* user.add and hall.add: issue a certificate from the CSR and register it. */
static int do_add(struct session *s, uint32_t id, const struct proto_node *req,
		  enum person_kind kind)
{
	struct server *srv = session_server(s);
	const struct proto_node *csr = proto_child(req, "csr");
	struct person rec;
	const char *name;
	char *cert = NULL;
	char *pid = NULL;
	char actor[160], roles[128];
	int rc;

	memset(&rec, 0, sizeof(rec));
	rc = need_attr(req, "name", &name);
	if (rc == E_OK)
		rc = check_name(name);
	if (rc == E_OK)
		rc = add_roles(req, kind, &rec.roles);
	if (rc < 0)
		goto out;
	if (!csr || !csr->text) {
		rc = err_set(E_INVAL, "missing element csr");
		goto out;
	}
	rc = ca_issue_from_csr(srv->ca, csr->text, name, HANDLERS_CERT_DAYS, &cert, rec.serial);
	if (rc < 0)
		goto out;
	rc = cert_info(cert, NULL, rec.fingerprint, NULL, NULL);
	if (rc < 0)
		goto unissue;
	pid = people_make_id(srv->people, name);
	if (!pid) {
		rc = err_set(E_NOMEM, "people_make_id");
		goto unissue;
	}
	rec.id = pid;
	rec.name = (char *)name;
	rec.kind = kind;
	rec.issued = time(NULL);
	rc = people_add(srv->people, &rec);
	if (rc < 0)
		goto unissue;
	roles_format(rec.roles, roles, sizeof(roles));
	log_info("%s added %s %s \"%s\" roles=%s serial=%s", who(s, actor, sizeof(actor)),
		 kind_name(kind), pid, name, roles, rec.serial);
	rc = add_reply(s, id, &rec, cert);
	goto out;
unissue:
	/* Not registered: the certificate must not be usable either. */
	{
		char detail[256];

		snprintf(detail, sizeof(detail), "%s", err_detail());
		if (ca_revoke(srv->ca, rec.serial) < 0)
			log_err("cannot revoke unregistered certificate %s: %s", rec.serial,
				err_detail());
		err_set(rc, "%s", detail);
	}
out:
	free(cert);
	free(pid);
	return rc;
}

static int op_user_add(struct session *s, uint32_t id, const struct proto_node *req)
{
	return do_add(s, id, req, PERSON_KIND_PERSON);
}

static int op_hall_add(struct session *s, uint32_t id, const struct proto_node *req)
{
	return do_add(s, id, req, PERSON_KIND_HALL);
}

/* One <person .../> element of a listing. */
static int list_one(struct proto_node *body, const struct person *r)
{
	struct proto_node *n = proto_node_add(body, "person");
	char roles[128];

	if (!n || roles_format(r->roles, roles, sizeof(roles)) < 0)
		return err_set(E_NOMEM, "list");
	if (proto_node_set(n, "id", r->id) < 0 || proto_node_set(n, "name", r->name) < 0 ||
	    proto_node_set(n, "roles", roles) < 0 ||
	    proto_node_set(n, "kind", kind_name(r->kind)) < 0 ||
	    proto_node_set(n, "serial", r->serial) < 0 ||
	    proto_node_set_u64(n, "issued", (uint64_t)r->issued) < 0 ||
	    (r->revoked && proto_node_set_u64(n, "revoked", (uint64_t)r->revoked) < 0))
		return err_set(E_NOMEM, "list");
	return E_OK;
}

/* user.list and hall.list.  A listing of the whole registry fits well under
 * the control frame cap for a commune (a few hundred records). */
static int do_list(struct session *s, uint32_t id, enum person_kind kind)
{
	struct server *srv = session_server(s);
	struct proto_node *body = proto_node_new("resp");
	int rc = E_OK;

	if (!body)
		return err_set(E_NOMEM, "list");
	for (size_t i = 0; i < people_count(srv->people) && rc == E_OK; i++) {
		const struct person *r = people_at(srv->people, i);

		if (r->kind == kind)
			rc = list_one(body, r);
	}
	if (rc < 0) {
		proto_node_free(body);
		return rc;
	}
	return session_reply(s, id, body);
}

static int op_user_list(struct session *s, uint32_t id, const struct proto_node *req)
{
	return do_list(s, id, PERSON_KIND_PERSON);
}

static int op_hall_list(struct session *s, uint32_t id, const struct proto_node *req)
{
	return do_list(s, id, PERSON_KIND_HALL);
}

/* user.revoke and hall.revoke: CA first (the CRL is what TLS trusts), then
 * the registry, then the live sessions of that certificate. */
static int do_revoke(struct session *s, uint32_t id, const struct proto_node *req,
		     enum person_kind kind)
{
	struct server *srv = session_server(s);
	const struct person *me = session_person(s);
	const struct person *r;
	struct proto_node *body = NULL;
	char serial[CA_SERIAL_HEX_MAX], actor[160];
	const char *pid;
	int rc;

	rc = need_attr(req, "person", &pid);
	if (rc < 0)
		return rc;
	r = people_by_id(srv->people, pid);
	if (!r || r->kind != kind)
		return err_set(E_NOTFOUND, "no %s %.64s", kind_name(kind), pid);
	if (strcasecmp(r->serial, me->serial) == 0 || strcmp(r->id, me->id) == 0)
		return err_set(E_INVAL, "cannot revoke your own identity");
	if (r->revoked)
		return err_set(E_EXISTS, "%s is already revoked", r->id);
	memcpy(serial, r->serial, sizeof(serial));
	rc = ca_revoke(srv->ca, serial);
	if (rc < 0 && rc != E_EXISTS)
		return rc;
	rc = people_revoke(srv->people, pid, serial);
	if (rc < 0)
		return rc;
	log_info("%s revoked %s %s serial=%s", who(s, actor, sizeof(actor)), kind_name(kind), pid,
		 serial);
	rc = server_revoked(srv, serial);
	if (rc < 0) {
		log_err("revoked %s but could not apply it to TLS and sessions: %s", serial,
			err_detail());
		return rc;
	}
	body = proto_node_new("resp");
	if (!body || proto_node_set(body, "serial", serial) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "revoke");
	}
	return session_reply(s, id, body);
}

static int op_user_revoke(struct session *s, uint32_t id, const struct proto_node *req)
{
	return do_revoke(s, id, req, PERSON_KIND_PERSON);
}

static int op_hall_revoke(struct session *s, uint32_t id, const struct proto_node *req)
{
	return do_revoke(s, id, req, PERSON_KIND_HALL);
}

/* A <resp> with @serial and, when given, <cert> and <ca> (the commune CA). */
static int cert_reply(struct session *s, uint32_t id, const char *serial, const char *cert)
{
	struct proto_node *body = proto_node_new("resp"), *n;

	if (!body || proto_node_set(body, "serial", serial) < 0)
		goto nomem;
	if (cert) {
		n = proto_node_add(body, "cert");
		if (!n || proto_node_set_text(n, cert) < 0)
			goto nomem;
		n = proto_node_add(body, "ca");
		if (!n || proto_node_set_text(n, ca_cert_pem(session_server(s)->ca)) < 0)
			goto nomem;
	}
	return session_reply(s, id, body);
nomem:
	proto_node_free(body);
	return err_set(E_NOMEM, "cert reply");
}

/* cert.issue: a document-signing certificate (official or citizen) from a CSR. */
static int op_cert_issue(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	const struct proto_node *csr = proto_child(req, "csr");
	const char *name, *profile, *uid = proto_attr(req, "uid");
	const char *person = proto_attr(req, "person");
	const struct person *owner = person ? people_by_id(srv->people, person) : NULL;
	enum ca_profile prof;
	char serial[CA_SERIAL_HEX_MAX], actor[160], *cert = NULL;
	int rc;

	rc = need_attr(req, "name", &name);
	if (rc == E_OK)
		rc = check_name(name);
	if (rc == E_OK)
		rc = need_attr(req, "profile", &profile);
	if (rc < 0)
		return rc;
	if (strcmp(profile, "official") == 0)
		prof = CA_PROFILE_OFFICIAL;
	else if (strcmp(profile, "citizen") == 0)
		prof = CA_PROFILE_CITIZEN;
	else
		return err_set(E_INVAL, "attribute profile must be official or citizen");
	if (!csr || !csr->text)
		return err_set(E_INVAL, "missing element csr");
	if (person && (!owner || owner->kind != PERSON_KIND_PERSON || owner->revoked))
		return err_set(E_NOTFOUND, "no person %.64s in the registry", person);
	rc = ca_issue_signer(srv->ca, prof, name, uid, csr->text, 0, &cert, serial);
	if (rc < 0)
		return rc;
	/* The certificate counts for the workflow only once it is recorded. */
	if (person && (rc = sign_record_signer(srv, cert, person, serial, profile)) < 0) {
		log_err("signing certificate %s not recorded for %s: %s; revoking it", serial,
			person, err_detail());
		ca_revoke(srv->ca, serial);
		free(cert);
		return rc;
	}
	log_info("%s issued a %s signing certificate to \"%s\" uid=%s person=%s serial=%s",
		 who(s, actor, sizeof(actor)), profile, name, uid ? uid : "-",
		 person ? person : "-", serial);
	rc = cert_reply(s, id, serial, cert);
	free(cert);
	return rc;
}

/* cert.revoke: a signing certificate by serial (people's TLS certificates go by
 * user.revoke, which also closes their sessions). */
static int op_cert_revoke(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	char actor[160];
	const char *serial;
	int rc = need_attr(req, "serial", &serial);

	if (rc < 0)
		return rc;
	if (people_by_serial(srv->people, serial))
		return err_set(E_INVAL,
			       "%.64s is a person's or hall's certificate: use user.revoke "
			       "or hall.revoke",
			       serial);
	rc = ca_revoke(srv->ca, serial);
	if (rc < 0)
		return rc;
	log_info("%s revoked signing certificate %s", who(s, actor, sizeof(actor)), serial);
	sign_revoked(srv, serial);
	rc = server_revoked(srv, serial);
	if (rc < 0)
		log_err("revoked %s but could not reload the CRL: %s", serial, err_detail());
	return cert_reply(s, id, serial, NULL);
}

/* cert.crl: the commune CA's current CRL, for verifiers. */
static int op_cert_crl(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct proto_node *body = proto_node_new("resp"), *n;

	(void)req;
	n = body ? proto_node_add(body, "crl") : NULL;
	if (!n || proto_node_set_text(n, ca_crl_pem(session_server(s)->ca)) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "cert.crl");
	}
	return session_reply(s, id, body);
}

static int op_file_stat(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct proto_node *body = NULL;
	uint8_t sha[32];
	uint64_t size;
	int rc;

	rc = need_sha(req, sha);
	if (rc == E_OK)
		rc = files_stat(session_server(s)->files, sha, &size);
	if (rc < 0)
		return rc;
	body = proto_node_new("resp");
	if (!body || proto_node_set_u64(body, "size", size) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "file.stat");
	}
	return session_reply(s, id, body);
}

/* State of one file.put while its chunks arrive. */
struct put_ctx {
	struct files_upload *up;
	uint8_t sha256[32];
	uint64_t size;
	uint32_t id;
};

static void put_free(void *arg)
{
	struct put_ctx *ctx = arg;

	files_upload_close(ctx->up);
	free(ctx);
}

/* <resp id status=@status have|size=N/> */
static int put_reply(struct session *s, uint32_t id, const char *status, const char *key,
		     uint64_t n)
{
	struct proto_node *body = proto_node_new("resp");

	if (!body || proto_node_set_u64(body, key, n) < 0 ||
	    proto_node_set(body, "status", status) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "file.put reply");
	}
	return session_reply(s, id, body);
}

/* The upload sink: checks each chunk against the request and stores it. */
static int put_chunk(struct session *s, const struct proto_chunk *c, void *arg)
{
	struct put_ctx *ctx = arg;
	uint32_t id = ctx->id;
	uint64_t size = ctx->size;
	char hex[65], actor[160], detail[256];
	int done = 0;
	int rc;

	if (c->id != id)
		return err_set(E_INVAL, "chunk for request %u, expected %u", c->id, id);
	if (memcmp(c->sha256, ctx->sha256, 32) != 0)
		return err_set(E_INVAL, "chunk sha256 differs from the request's");
	rc = files_upload_write(ctx->up, c->offset, c->data, c->len, &done);
	if (rc == E_HASH) {
		snprintf(detail, sizeof(detail), "%s", err_detail());
		log_warn("%s: upload %s", who(s, actor, sizeof(actor)), detail);
		rc = session_error(s, id, E_HASH, detail);
		session_end_upload(s); /* frees ctx */
		return rc;
	}
	if (rc < 0 || !done)
		return rc;
	proto_hex(hex, ctx->sha256);
	log_info("%s stored file %s (%llu bytes)", who(s, actor, sizeof(actor)), hex,
		 (unsigned long long)size);
	rc = put_reply(s, id, "stored", "size", size);
	session_end_upload(s); /* frees ctx */
	return rc;
}

static int op_file_put(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct put_ctx *ctx = NULL;
	uint8_t sha[32];
	uint64_t size, have = 0;
	int rc;

	rc = need_sha(req, sha);
	if (rc == E_OK)
		rc = need_u64(req, "size", &size);
	if (rc < 0)
		return rc;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return err_set(E_NOMEM, "file.put");
	rc = files_upload_begin(session_server(s)->files, sha, size, &ctx->up, &have);
	if (rc < 0)
		goto fail;
	if (!ctx->up) {
		free(ctx);
		return put_reply(s, id, "complete", "have", have);
	}
	memcpy(ctx->sha256, sha, 32);
	ctx->size = size;
	ctx->id = id;
	/* Registered before the reply: the client sends chunks once it has it. */
	rc = session_set_upload(s, id, put_chunk, ctx, put_free);
	if (rc < 0)
		goto fail;
	return put_reply(s, id, "ready", "have", have);
fail:
	if (ctx)
		put_free(ctx);
	return rc;
}

/* State of one file.get while its chunks are sent. */
struct get_ctx {
	int fd;
	uint8_t sha256[32];
	uint64_t off;
	uint64_t size;
	size_t chunk; /* data bytes per CHUNK frame */
};

static void get_free(void *arg)
{
	struct get_ctx *ctx = arg;

	if (ctx->fd >= 0)
		close(ctx->fd);
	free(ctx);
}

/* The download pump: chunks until the output queue is full or EOF. */
static int get_pump(struct session *s, uint32_t id, void *arg)
{
	struct get_ctx *ctx = arg;

	do {
		uint64_t left = ctx->size - ctx->off;
		size_t want = left < ctx->chunk ? (size_t)left : ctx->chunk;
		ssize_t n;
		int rc;
		/* The file is read straight into the output queue: no copy. */
		uint8_t *dst =
			session_reserve_chunk(s, id, ctx->sha256, ctx->off, (uint32_t)want, &rc);

		if (!dst)
			return rc;
		n = pread(ctx->fd, dst, want, (off_t)ctx->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(E_IO, "read of stored file: %s",
				       n < 0 ? strerror(errno) : "file shrank");
		session_commit_chunk(s, (uint32_t)n);
		ctx->off += (uint64_t)n;
		if (ctx->off == ctx->size)
			return E_OK;
	} while (session_outq(s) < SESSION_OUTQ_LOW);
	return E_AGAIN;
}

static int op_file_get(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct get_ctx *ctx = NULL;
	struct proto_node *body = NULL;
	uint8_t sha[32];
	uint64_t off;
	int rc;

	rc = need_sha(req, sha);
	if (rc == E_OK)
		rc = need_u64(req, "offset", &off);
	if (rc < 0)
		return rc;
	/* A hall terminal downloads only the packs of its meetings (and the
	 * pages rendered for it, which pdf.render names). */
	if (session_person(s)->kind == PERSON_KIND_HALL &&
	    !meet_may_get(session_server(s), session_person(s), proto_attr(req, "sha256")) &&
	    !pdfs_rendered_for(session_server(s), proto_attr(req, "sha256")))
		return err_set(E_NOTFOUND, "no such file in your meetings");
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return err_set(E_NOMEM, "file.get");
	ctx->fd = -1;
	rc = files_open_read(session_server(s)->files, sha, &ctx->fd, &ctx->size);
	if (rc < 0)
		goto out;
	if (off > ctx->size) {
		rc = err_set(E_INVAL, "attribute offset %llu is beyond the size %llu",
			     (unsigned long long)off, (unsigned long long)ctx->size);
		goto out;
	}
	ctx->off = off;
	ctx->chunk = HANDLERS_GET_CHUNK;
	/* A weak link asks for small chunks: what arrived whole is kept. */
	if (proto_attr(req, "chunk")) {
		uint64_t c = 0;

		if (proto_attr_u64(req, "chunk", &c) < 0 || c < 4096 || c > HANDLERS_GET_CHUNK) {
			rc = err_set(E_INVAL, "attribute chunk must be 4096 to %d bytes",
				     HANDLERS_GET_CHUNK);
			goto out;
		}
		ctx->chunk = (size_t)c;
	}
	memcpy(ctx->sha256, sha, 32);
	body = proto_node_new("resp");
	if (!body || proto_node_set_u64(body, "size", ctx->size) < 0) {
		proto_node_free(body);
		rc = err_set(E_NOMEM, "file.get");
		goto out;
	}
	/* The reply goes first so that no chunk can precede it. */
	rc = session_reply(s, id, body);
	if (rc < 0 || ctx->off == ctx->size)
		goto out; /* broken session, or done: nothing to send */
	rc = session_set_pump(s, id, get_pump, ctx, get_free);
	if (rc < 0) {
		/* Already answered: report the failure on the same id. */
		char detail[256];

		snprintf(detail, sizeof(detail), "%s", err_detail());
		get_free(ctx);
		return session_error(s, id, rc, detail);
	}
	return E_OK;
out:
	get_free(ctx);
	return rc;
}

static const struct handler handlers[] = {
	{"ping", ROLE_ANY, op_ping},
	{"whoami", ROLE_ANY, op_whoami},
	{"user.add", ROLE_ADMIN, op_user_add},
	{"user.list", ROLE_ADMIN, op_user_list},
	{"user.revoke", ROLE_ADMIN, op_user_revoke},
	{"hall.add", ROLE_ADMIN, op_hall_add},
	{"hall.list", ROLE_ADMIN, op_hall_list},
	{"hall.revoke", ROLE_ADMIN, op_hall_revoke},
	{"cert.issue", ROLE_ADMIN, op_cert_issue},
	{"cert.revoke", ROLE_ADMIN, op_cert_revoke},
	{"cert.crl", ROLE_ANY & ~ROLE_HALL, op_cert_crl},
	{"file.stat", ROLE_ANY, op_file_stat},
	{"file.put", ROLES_UPLOAD, op_file_put},
	{"file.get", ROLE_ANY, op_file_get},
	/* Roles per action are checked again by the workflow definitions. */
	{"wf.list", ROLE_ANY & ~ROLE_HALL, op_wf_list},
	{"doc.create", ROLE_ANY & ~ROLE_HALL, op_doc_create},
	{"doc.act", ROLE_ANY & ~ROLE_HALL, op_doc_act},
	{"doc.comment", ROLE_ANY & ~ROLE_HALL, op_doc_comment},
	{"doc.recall", ROLE_ANY & ~ROLE_HALL, op_doc_recall},
	{"doc.show", ROLE_ANY & ~ROLE_HALL, op_doc_show},
	{"doc.inbox", ROLE_ANY & ~ROLE_HALL, op_doc_inbox},
	{"doc.search", ROLE_ANY & ~ROLE_HALL, op_doc_search},
	{"doc.lookup", ROLE_ANY & ~ROLE_HALL, op_doc_lookup},
	{"doc.register", ROLES_REGISTERS, op_doc_register},
	{"doc.stats", ROLES_REGISTERS, op_doc_stats},
	{"doc.receipt", ROLE_ANY & ~ROLE_HALL, op_doc_receipt},
	{"doc.control", ROLE_ANY & ~ROLE_HALL, op_doc_control},
	{"pdf.info", ROLE_ANY & ~ROLE_HALL, op_pdf_info},
	{"pdf.text", ROLE_ANY & ~ROLE_HALL, op_pdf_text},
	{"pdf.render", ROLE_ANY, op_pdf_render},
	{"pdf.verify", ROLE_ANY & ~ROLE_HALL, op_pdf_verify},
	{"pdf.sign", ROLE_CLERK | ROLE_CHAIR | ROLE_VICE_CHAIR | ROLE_ADMIN, op_pdf_sign},
	{"pdf.sign.prepare", ROLE_ANY & ~ROLE_HALL, op_pdf_sign_prepare},
	{"pdf.sign.finish", ROLE_ANY & ~ROLE_HALL, op_pdf_sign_finish},
	/* Meetings: the meeting's own chair, secretary and members are checked
	 * by each operation (server/meet*.c). */
	{"meeting.create", ROLES_MEETING, op_meeting_create},
	{"meeting.edit", ROLE_ANY & ~ROLE_HALL, op_meeting_edit},
	{"meeting.list", ROLE_ANY, op_meeting_list},
	{"meeting.show", ROLE_ANY, op_meeting_show},
	{"meeting.publish", ROLE_ANY & ~ROLE_HALL, op_meeting_publish},
	{"meeting.manifest", ROLE_ANY, op_meeting_manifest},
	{"meeting.ready", ROLE_ANY, op_meeting_ready},
	{"meeting.readiness", ROLE_ANY & ~ROLE_HALL, op_meeting_readiness},
	{"meeting.join", ROLE_ANY, op_meeting_join},
	{"meeting.goto", ROLE_ANY & ~ROLE_HALL, op_meeting_goto},
	{"meeting.checkin", ROLE_ANY, op_meeting_checkin},
	{"meeting.speak", ROLE_ANY & ~ROLE_HALL, op_meeting_speak},
	{"meeting.note", ROLE_ANY & ~ROLE_HALL, op_meeting_note},
	{"meeting.vote.open", ROLE_ANY & ~ROLE_HALL, op_meeting_vote_open},
	{"meeting.vote", ROLE_ANY & ~ROLE_HALL, op_meeting_vote},
	{"meeting.vote.close", ROLE_ANY & ~ROLE_HALL, op_meeting_vote_close},
	{"meeting.vote.show", ROLE_ANY, op_meeting_vote_show},
	{"meeting.conclude", ROLE_ANY & ~ROLE_HALL, op_meeting_conclude},
	{"meeting.close", ROLE_ANY & ~ROLE_HALL, op_meeting_close},
	{"meeting.minutes.sign", ROLE_ANY & ~ROLE_HALL, op_meeting_minutes_sign},
};

const struct handler *handler_find(const char *op)
{
	if (!op)
		return NULL;
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].op, op) == 0)
			return &handlers[i];
	return NULL;
}
