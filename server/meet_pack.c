/*
 * meet_pack.c: publishing a meeting's pack.  A publish makes, on a job
 * thread: the invitation and agenda PDF (pdf/gen.h); for each document
 * that replaced one of the previous version, whether it only extends it
 * (a newly signed revision: its old bytes plus an incremental update), so
 * clients fetch just the appended bytes; and one manifest per audience
 * (the set of confidential items it may see), an XML list of the files
 * by SHA-256, signed with the agency seal (CMS, signing/cms.h).  Then, on
 * the loop, the files go into the file store and the version into git.
 * Also the halls' readiness reports, the chair's view of them, and which
 * files a hall may download.
 */
#include "config.h"

#include <fcntl.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/proto.h"
#include "common/roles.h"
#include "pdf/gen.h"
#include "server/files.h"
#include "server/meet.h"
#include "server/meet_priv.h"
#include "server/people.h"
#include "server/server.h"
#include "server/server_priv.h"
#include "server/session.h"
#include "server/sign_priv.h"
#include "server/work.h"
#include "signing/cms.h"
#include "signing/sigkey.h"

/* One document of the new version and the one it replaces. */
struct pub_doc {
	unsigned item; /* 1-based */
	unsigned idx;
	char sha[65];
	char *name;
	uint64_t size;
	int fd;       /* the new file, or -1 */
	int old_fd;   /* the replaced file, or -1 */
	char old[65]; /* its SHA-256, or "" */
	uint64_t old_size;
	int extends; /* result: the new file starts with all of the old */
};

struct pub_job {
	uint64_t sid;
	uint32_t id;
	char meeting[MEET_ID_MAX];
	unsigned version, n_items;
	uint32_t confidential; /* mask of the confidential items */
	time_t at;
	char *seal_spec;
	GStringChunk *strs;
	struct gen_meeting gm;
	struct gen_agenda_item items[MEET_ITEMS_MAX];
	const char *people[MEET_MEMBERS_MAX];
	struct pub_doc docs[MEET_ITEMS_MAX * MEET_DOCS_MAX];
	unsigned n_docs;
	uint32_t masks[MEET_ITEMS_MAX + 1];
	unsigned n_masks;
	/* Results. */
	uint8_t *agenda;
	size_t agenda_len;
	char agenda_sha[65];
	struct buf manifest[MEET_ITEMS_MAX + 1];
	uint8_t *cms[MEET_ITEMS_MAX + 1];
	size_t cms_len[MEET_ITEMS_MAX + 1];
};

static const char *S(struct pub_job *j, const char *s)
{
	return s ? g_string_chunk_insert(j->strs, s) : NULL;
}

static void job_free(struct pub_job *j)
{
	for (unsigned i = 0; i < j->n_docs; i++) {
		if (j->docs[i].fd >= 0)
			close(j->docs[i].fd);
		if (j->docs[i].old_fd >= 0)
			close(j->docs[i].old_fd);
	}
	for (unsigned i = 0; i < MEET_ITEMS_MAX + 1; i++) {
		buf_free(&j->manifest[i]);
		free(j->cms[i]);
	}
	free(j->agenda);
	free(j->seal_spec);
	g_string_chunk_free(j->strs);
	g_free(j);
}

/* 1 if the first @n bytes of @fd_a and @fd_b are equal (0 on any error). */
static int same_prefix(int fd_a, int fd_b, uint64_t n)
{
	static const size_t B = 1 << 16;
	uint8_t *a = malloc(B), *b = malloc(B);
	uint64_t off = 0;
	int same = a && b;

	while (same && off < n) {
		size_t want = n - off < B ? (size_t)(n - off) : B;
		ssize_t ra = pread(fd_a, a, want, (off_t)off),
			rb = pread(fd_b, b, want, (off_t)off);

		same = ra == (ssize_t)want && rb == (ssize_t)want && memcmp(a, b, want) == 0;
		off += want;
	}
	free(a);
	free(b);
	return same;
}

/* The manifest of audience @k (a mask of confidential items). */
static int build_manifest(struct pub_job *j, unsigned k)
{
	struct proto_node *root = proto_node_new("manifest"), *f;
	int rc = root ? E_OK : E_NOMEM;

	if (rc == E_OK && (proto_node_set(root, "meeting", j->meeting) < 0 ||
			   proto_node_set_u64(root, "version", j->version) < 0 ||
			   proto_node_set_u64(root, "issued", (uint64_t)j->at) < 0 ||
			   proto_node_set_u64(root, "audience", j->masks[k]) < 0 ||
			   proto_node_set(root, "title", j->gm.subject) < 0))
		rc = E_NOMEM;
	if (rc == E_OK &&
	    (!(f = proto_node_add(root, "file")) ||
	     proto_node_set(f, "sha256", j->agenda_sha) < 0 ||
	     proto_node_set_u64(f, "size", j->agenda_len) < 0 ||
	     proto_node_set(f, "name", "giay-moi.pdf") < 0 || proto_node_set(f, "item", "0") < 0))
		rc = E_NOMEM;
	for (unsigned i = 0; rc == E_OK && i < j->n_docs; i++) {
		const struct pub_doc *d = &j->docs[i];
		uint32_t bit = 1u << (d->item - 1);

		if ((j->confidential & bit) && !(j->masks[k] & bit))
			continue;
		if (!(f = proto_node_add(root, "file")) ||
		    proto_node_set(f, "sha256", d->sha) < 0 ||
		    proto_node_set_u64(f, "size", d->size) < 0 ||
		    proto_node_set(f, "name", d->name) < 0 ||
		    proto_node_set_u64(f, "item", d->item) < 0 ||
		    (d->extends && (proto_node_set(f, "prefix", d->old) < 0 ||
				    proto_node_set_u64(f, "prefix-size", d->old_size) < 0)))
			rc = E_NOMEM;
	}
	if (rc == E_NOMEM)
		rc = err_set(E_NOMEM, "manifest");
	if (rc == E_OK) {
		buf_init(&j->manifest[k], PROTO_CONTROL_MAX + PROTO_HDR_LEN);
		rc = proto_control_build(&j->manifest[k], root);
	}
	proto_node_free(root);
	return rc;
}

static int pub_run(void *arg)
{
	struct pub_job *j = arg;
	struct sigkey *key = NULL;
	uint8_t sum[32];
	int rc;

	if ((rc = gen_meeting_pdf(&j->agenda, &j->agenda_len, &j->gm)) < 0)
		return rc;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, j->agenda, j->agenda_len, sum) < 0)
		return err_set(E_CRYPTO, "hashing the agenda");
	proto_hex(j->agenda_sha, sum);
	for (unsigned i = 0; i < j->n_docs; i++) {
		struct pub_doc *d = &j->docs[i];

		d->extends = d->old[0] && d->fd >= 0 && d->old_fd >= 0 && d->old_size < d->size &&
			     same_prefix(d->fd, d->old_fd, d->old_size);
	}
	if ((rc = sigkey_open(&key, j->seal_spec, NULL)) < 0)
		return rc;
	for (unsigned k = 0; k < j->n_masks && rc == E_OK; k++) {
		if ((rc = build_manifest(j, k)) < 0)
			break;
		/* The signed bytes are the manifest without the frame header. */
		rc = cms_sign(&j->cms[k], &j->cms_len[k], key, j->manifest[k].data + PROTO_HDR_LEN,
			      j->manifest[k].len - PROTO_HDR_LEN, 0);
	}
	sigkey_free(key);
	return rc;
}

static void published(struct server *srv, struct meeting *m, int ok, void *arg)
{
	struct proto_node *ev;

	(void)arg;
	if (!ok || !m)
		return;
	ev = proto_node_new("meeting.published");
	if (ev && (proto_node_set_u64(ev, "version", m->pub.n) < 0 ||
		   proto_node_set(ev, "agenda", m->pub.agenda) < 0)) {
		proto_node_free(ev);
		ev = NULL;
	}
	meet_event(srv, m, 0, ev);
}

/* The job's files into the store and the new version into @m. */
static int pub_store(struct server *srv, struct pub_job *j, struct meeting *m)
{
	uint8_t sha[32];
	int rc;

	if ((rc = files_put(srv->files, j->agenda, j->agenda_len, sha)) < 0)
		return rc;
	if (m->pub.files) {
		g_hash_table_destroy(m->pub.files);
		m->pub.files = NULL; /* rebuilt from the new manifests when needed */
	}
	m->pub.n = j->version;
	m->pub.at = j->at;
	proto_hex(m->pub.agenda, sha);
	m->pub.n_aud = j->n_masks;
	for (unsigned k = 0; k < j->n_masks; k++) {
		m->pub.aud[k].mask = j->masks[k];
		if ((rc = files_put(srv->files, j->manifest[k].data + PROTO_HDR_LEN,
				    j->manifest[k].len - PROTO_HDR_LEN, sha)) < 0)
			return rc;
		proto_hex(m->pub.aud[k].manifest, sha);
		if ((rc = files_put(srv->files, j->cms[k], j->cms_len[k], sha)) < 0)
			return rc;
		proto_hex(m->pub.aud[k].cms, sha);
	}
	for (unsigned i = 0; i < j->n_docs; i++) {
		const struct pub_doc *d = &j->docs[i];
		struct meet_doc *md = &m->items[d->item - 1].docs[d->idx];

		snprintf(md->prefix, sizeof(md->prefix), "%s", d->extends ? d->old : "");
		md->prefix_size = d->extends ? d->old_size : 0;
	}
	m->state = MS_PUBLISHED;
	return E_OK;
}

static void pub_done(struct server *srv, void *arg, int rc)
{
	struct pub_job *j = arg;
	struct session *s = session_by_sid(srv, j->sid);
	struct meeting *m = meet_find(srv, j->meeting);
	struct proto_node *reply = NULL;
	char *saved = NULL;

	if (m)
		m->busy--;
	if (rc == E_OK && (!m || !s))
		rc = err_set(E_NOTFOUND, "the meeting or its publisher is gone");
	if (rc == E_OK && !(saved = meet_saved(m)))
		rc = err_set(E_INTERNAL, "meeting %s cannot be saved", j->meeting);
	if (rc == E_OK && (rc = pub_store(srv, j, m)) < 0)
		meet_restore(m, saved);
	if (rc == E_OK) {
		reply = proto_node_new("resp");
		if (reply && (proto_node_set_u64(reply, "version", j->version) < 0 ||
			      proto_node_set(reply, "agenda", m->pub.agenda) < 0 ||
			      proto_node_set_u64(reply, "audiences", j->n_masks) < 0)) {
			proto_node_free(reply);
			reply = NULL;
		}
		rc = meet_commit(s, j->id, m, saved, "phát hành tài liệu họp", NULL, 0, reply,
				 published, NULL);
		saved = NULL;
	}
	if (rc < 0) {
		log_err("meeting %s: publishing failed: %s", j->meeting, err_detail());
		if (s)
			session_error(s, j->id, rc, err_detail());
		g_free(saved);
	}
	job_free(j);
}

/* The agenda's inputs from @m. */
static void pub_agenda(struct pub_job *j, struct server *srv, const struct meeting *m)
{
	const char *c = srv->cfg->commune ? srv->cfg->commune : "UBND xã";
	const struct person *chair = people_by_id(srv->people, m->chair);
	size_t n = 0;

	meet_heading(j->strs, srv, j->at, &j->gm.head);
	j->gm.subject = S(j, m->title);
	j->gm.start = S(j, m->start);
	j->gm.end = S(j, m->end);
	j->gm.place = S(j, m->place);
	j->gm.chair = S(j, chair ? chair->name : m->chair);
	j->gm.host = S(j, c);
	for (unsigned i = 0; i < m->n_members && n < MEET_MEMBERS_MAX; i++) {
		const struct person *p = people_by_id(srv->people, m->members[i].id);

		j->people[n++] = S(j, p ? p->name : m->members[i].id);
	}
	j->gm.participants = (struct gen_list){j->people, n};
	for (unsigned i = 0; i < m->n_items; i++) {
		const struct person *p = m->items[i].presenter
						 ? people_by_id(srv->people, m->items[i].presenter)
						 : NULL;

		j->items[i].time = S(j, m->items[i].time);
		j->items[i].content =
			S(j, m->items[i].confidential ? "Nội dung mật" : m->items[i].title);
		j->items[i].presenter = S(j, p ? p->name : m->items[i].presenter);
	}
	j->gm.items = j->items;
	j->gm.n_items = m->n_items;
	j->gm.signer = (struct gen_signer){S(j, "TM. ỦY BAN NHÂN DÂN"), S(j, "CHỦ TỊCH"),
					   S(j, chair ? chair->name : NULL)};
}

/* The documents of the new version, each with the one it replaces. */
static void pub_docs(struct pub_job *j, struct server *srv, const struct meeting *m,
		     GHashTable *prev)
{
	for (unsigned i = 0; i < m->n_items; i++)
		for (unsigned d = 0; d < m->items[i].n_docs; d++) {
			const struct meet_doc *md = &m->items[i].docs[d];
			struct pub_doc *pd = &j->docs[j->n_docs++];
			const struct meet_doc *old = g_hash_table_lookup(prev, md->name);
			uint8_t raw[32];
			uint64_t size;

			pd->item = i + 1;
			pd->idx = d;
			memcpy(pd->sha, md->sha, 65);
			pd->name = (char *)S(j, md->name);
			pd->size = md->size;
			pd->fd = pd->old_fd = -1;
			if (!old || strcmp(old->sha, md->sha) == 0 || old->size >= md->size)
				continue;
			proto_unhex(raw, md->sha);
			if (files_open_read(srv->files, raw, &pd->fd, &size) < 0)
				continue;
			proto_unhex(raw, old->sha);
			if (files_open_read(srv->files, raw, &pd->old_fd, &pd->old_size) < 0)
				continue;
			memcpy(pd->old, old->sha, 65);
		}
}

/* The distinct audiences: each member's mask, and everything for those
 * who run the meeting. */
static void pub_masks(struct pub_job *j, struct server *srv, const struct meeting *m)
{
	uint32_t all = 0;

	for (unsigned i = 0; i < m->n_items; i++)
		if (m->items[i].confidential)
			all |= 1u << i;
	j->confidential = all;
	j->masks[j->n_masks++] = all;
	for (unsigned i = 0; i < m->n_members && j->n_masks < MEET_ITEMS_MAX + 1; i++) {
		const struct person *p = people_by_id(srv->people, m->members[i].id);
		uint32_t mask = meet_mask(m, m->members[i].id, p ? p->roles : 0);
		unsigned k;

		for (k = 0; k < j->n_masks && j->masks[k] != mask; k++)
			;
		if (k == j->n_masks)
			j->masks[j->n_masks++] = mask;
	}
}

/* Reads a small file of the store (a manifest) into a malloc'd buffer. */
static int read_small(struct server *srv, const char *hex, char **out, size_t *len)
{
	uint8_t raw[32];
	uint64_t size;
	int fd = -1, rc;

	*out = NULL;
	if (proto_unhex(raw, hex) < 0)
		return err_set(E_INVAL, "bad sha256");
	if ((rc = files_open_read(srv->files, raw, &fd, &size)) < 0)
		return rc;
	if (size > PROTO_CONTROL_MAX) {
		close(fd);
		return err_set(E_TOOBIG, "manifest over %d bytes", PROTO_CONTROL_MAX);
	}
	*out = malloc(size + 1);
	if (!*out || pread(fd, *out, size, 0) != (ssize_t)size) {
		free(*out);
		*out = NULL;
		close(fd);
		return err_set(E_IO, "reading a manifest");
	}
	(*out)[size] = '\0';
	*len = size;
	close(fd);
	return E_OK;
}

/* The documents of the last published version, by name, from its full
 * manifest (the first audience sees every item).  Names are a document's
 * identity across versions: "du-thao-nghi-quyet.pdf" signed again keeps
 * its name. */
static void prev_docs(struct server *srv, const struct meeting *m, GHashTable *h)
{
	struct proto_node *root = NULL;
	char *data = NULL;
	size_t len;

	if (!m->pub.n || !m->pub.n_aud ||
	    read_small(srv, m->pub.aud[0].manifest, &data, &len) < 0 ||
	    proto_control_parse((const uint8_t *)data, len, &root) < 0) {
		if (m->pub.n)
			log_err("meeting %s: version %u's manifest unreadable: %s", m->id, m->pub.n,
				err_detail());
		free(data);
		return;
	}
	for (const struct proto_node *f = root->child; f; f = f->next) {
		const char *sha = proto_attr(f, "sha256"), *name = proto_attr(f, "name");
		struct meet_doc *d;
		uint64_t size = 0;

		if (strcmp(f->name, "file") || !sha || strlen(sha) != 64 || !name ||
		    proto_attr_u64(f, "size", &size) < 0 || !proto_attr(f, "item") ||
		    strcmp(proto_attr(f, "item"), "0") == 0)
			continue;
		d = g_new0(struct meet_doc, 1);
		memcpy(d->sha, sha, 65);
		d->size = size;
		g_hash_table_replace(h, g_strdup(name), d);
	}
	proto_node_free(root);
	free(data);
}

int meet_read_manifest(struct server *srv, const char *hex, char **out, size_t *len)
{
	return read_small(srv, hex, out, len);
}

int op_meeting_publish(struct session *s, uint32_t id, const struct proto_node *req)
{
	struct server *srv = session_server(s);
	struct pub_job *j;
	struct meeting *m;
	GHashTable *prev;
	int rc;

	if ((rc = meet_runs_open(s, req, &m)) < 0)
		return rc;
	j = g_new0(struct pub_job, 1);
	j->strs = g_string_chunk_new(4096);
	j->sid = session_sid(s);
	j->id = id;
	snprintf(j->meeting, sizeof(j->meeting), "%s", m->id);
	j->version = m->pub.n + 1;
	j->at = time(NULL);
	j->seal_spec = strdup(srv->sign->seal_spec);
	pub_agenda(j, srv, m);
	/* The previous version's documents are the published ones in git. */
	prev = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	prev_docs(srv, m, prev);
	pub_docs(j, srv, m, prev);
	g_hash_table_destroy(prev);
	pub_masks(j, srv, m);
	if (!j->seal_spec) {
		job_free(j);
		return err_set(E_NOMEM, "publish");
	}
	if ((rc = work_run(srv, pub_run, pub_done, j)) < 0) {
		job_free(j);
		return rc;
	}
	m->busy++;
	return E_OK;
}

int op_meeting_manifest(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	struct proto_node *body;
	struct meeting *m;
	uint32_t mask;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (!m->pub.n)
		return err_set(E_NOTFOUND, "meeting %s is not published yet", m->id);
	mask = meet_mask(m, me->id, me->roles);
	for (unsigned k = 0; k < m->pub.n_aud; k++) {
		if (m->pub.aud[k].mask != mask)
			continue;
		if (!(body = proto_node_new("resp")) ||
		    proto_node_set(body, "meeting", m->id) < 0 ||
		    proto_node_set_u64(body, "version", m->pub.n) < 0 ||
		    proto_node_set(body, "manifest", m->pub.aud[k].manifest) < 0 ||
		    proto_node_set(body, "cms", m->pub.aud[k].cms) < 0) {
			proto_node_free(body);
			return err_set(E_NOMEM, "reply");
		}
		return session_reply(s, id, body);
	}
	return err_set(E_NOTFOUND,
		       "version %u has no pack for you: the meeting must be published "
		       "again",
		       m->pub.n);
}

int op_meeting_ready(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	struct meet_member *mm;
	struct meeting *m;
	uint64_t version = 0, missing = 0;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (!(mm = meet_member(m, me->id)))
		return err_set(E_PERM, "only participants and halls report readiness");
	if (proto_attr_u64(req, "version", &version) < 0 || version > m->pub.n)
		return err_set(E_INVAL, "version must be a published version (0 to %u)", m->pub.n);
	if (proto_attr(req, "missing") && proto_attr_u64(req, "missing", &missing) < 0)
		return err_set(E_INVAL, "missing must be a number of bytes");
	mm->have_version = (unsigned)version;
	mm->missing = missing;
	mm->reported = time(NULL);
	return session_reply(s, id, NULL);
}

/* 1 if a session of @person follows @m now. */
static int online(struct server *srv, const struct meeting *m, const char *person)
{
	for (guint i = 0; i < m->joined->len; i++) {
		struct session *o = session_by_sid(srv, g_array_index(m->joined, uint64_t, i));

		if (o && strcmp(session_person(o)->id, person) == 0)
			return 1;
	}
	return 0;
}

int op_meeting_readiness(struct session *s, uint32_t id, const struct proto_node *req)
{
	const struct person *me = session_person(s);
	struct server *srv = session_server(s);
	struct proto_node *body;
	struct meeting *m;
	unsigned ready = 0;
	int rc;

	if ((rc = meet_get(s, req, &m)) < 0)
		return rc;
	if (!meet_runs(m, me->id, me->roles))
		return err_set(E_PERM, "only the chair or the secretary sees the readiness");
	if (!(body = proto_node_new("resp")))
		return err_set(E_NOMEM, "reply");
	for (unsigned i = 0; i < m->n_members; i++) {
		const struct meet_member *mm = &m->members[i];
		const struct person *p = people_by_id(srv->people, mm->id);
		struct proto_node *n = proto_node_add(body, "member");
		int on = online(srv, m, mm->id);
		int ok = m->pub.n && mm->have_version == m->pub.n && !mm->missing;

		ready += ok;
		if (!n || proto_node_set(n, "id", mm->id) < 0 ||
		    (p && proto_node_set(n, "name", p->name) < 0) ||
		    (mm->hall && proto_node_set(n, "hall", "1") < 0) ||
		    proto_node_set(n, "online", on ? "1" : "0") < 0 ||
		    proto_node_set_u64(n, "version", mm->have_version) < 0 ||
		    proto_node_set_u64(n, "missing", mm->missing) < 0 ||
		    proto_node_set(n, "ready", ok ? "1" : "0") < 0 ||
		    (mm->reported &&
		     proto_node_set_u64(n, "reported", (uint64_t)mm->reported) < 0) ||
		    (!on && mm->offline_since &&
		     proto_node_set_u64(n, "offline-since", (uint64_t)mm->offline_since) < 0) ||
		    (mm->checkin && proto_node_set_u64(n, "checkin", (uint64_t)mm->checkin) < 0) ||
		    (mm->present && proto_node_set_u64(n, "present", mm->present) < 0)) {
			proto_node_free(body);
			return err_set(E_NOMEM, "reply");
		}
	}
	if (proto_node_set(body, "meeting", m->id) < 0 ||
	    proto_node_set_u64(body, "version", m->pub.n) < 0 ||
	    proto_node_set_u64(body, "ready", ready) < 0 ||
	    proto_node_set_u64(body, "members", m->n_members) < 0) {
		proto_node_free(body);
		return err_set(E_NOMEM, "reply");
	}
	return session_reply(s, id, body);
}

/* The files of @m's published manifests (m->pub.files), read from the
 * file store; a manifest that cannot be read is logged and gives none. */
static void pub_index(struct server *srv, struct meeting *m)
{
	m->pub.files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (unsigned k = 0; k < m->pub.n_aud; k++) {
		struct proto_node *root = NULL;
		char *data = NULL;
		size_t len;

		if (read_small(srv, m->pub.aud[k].manifest, &data, &len) < 0 ||
		    proto_control_parse((const uint8_t *)data, len, &root) < 0) {
			log_err("meeting %s: manifest %.16s… unreadable: %s", m->id,
				m->pub.aud[k].manifest, err_detail());
			free(data);
			continue;
		}
		for (const struct proto_node *f = root->child; f; f = f->next) {
			const char *sha = proto_attr(f, "sha256");
			uint64_t *bits;

			if (strcmp(f->name, "file") || !sha)
				continue;
			if (!(bits = g_hash_table_lookup(m->pub.files, sha))) {
				bits = g_new0(uint64_t, 1);
				g_hash_table_insert(m->pub.files, g_strdup(sha), bits);
			}
			*bits |= 1ull << k;
		}
		proto_node_free(root);
		free(data);
	}
}

/* 1 if @sha is one of the files the published version of @m gives to a
 * peer seeing @mask (its audience's manifest, its signature, the files the
 * manifest lists), or the minutes. */
static int in_pack(struct server *srv, struct meeting *m, uint32_t mask, const char *sha)
{
	const uint64_t *bits;

	if (!m->pub.n)
		return 0;
	if (strcmp(m->minutes, sha) == 0 || strcmp(m->minutes_signed, sha) == 0)
		return 1;
	if (!m->pub.files)
		pub_index(srv, m);
	bits = g_hash_table_lookup(m->pub.files, sha);
	for (unsigned k = 0; k < m->pub.n_aud; k++) {
		if (m->pub.aud[k].mask != mask)
			continue;
		if (strcmp(m->pub.aud[k].manifest, sha) == 0 || strcmp(m->pub.aud[k].cms, sha) == 0)
			return 1;
		if (bits && (*bits & (1ull << k)))
			return 1;
	}
	return 0;
}

int meet_may_get(struct server *srv, const struct person *p, const char *sha)
{
	GHashTableIter it;
	gpointer k, v;

	if (!srv->meetings)
		return 0;
	g_hash_table_iter_init(&it, srv->meetings->by_id);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct meeting *m = v;

		if ((meet_member(m, p->id) || meet_runs(m, p->id, p->roles)) &&
		    in_pack(srv, m, meet_mask(m, p->id, p->roles), sha))
			return 1;
	}
	return 0;
}
