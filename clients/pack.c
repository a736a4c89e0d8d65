/*
 * pack.c: a meeting's pack in a client's cache (pack.h): the signed
 * manifest checked against the commune CA, then only the missing bytes of
 * each file fetched and verified.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clients/cli.h"
#include "clients/client.h"
#include "clients/pack.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/proto.h"
#include "signing/cms.h"
#include "signing/trust.h"

int pack_path(const char *dir, const char *sha, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", dir, sha);

	return n > 0 && (size_t)n < size ? E_OK : err_set(E_TOOBIG, "cache path too long");
}

/* The manifest's seal signature: intact over @xml and by a certificate the
 * commune CA issued. */
static int check_seal(const char *xml, size_t len, const uint8_t *cms, size_t cms_len,
		      const char *ca_file)
{
	struct cms_result r;
	struct cms_span data = {(const uint8_t *)xml, len};
	struct trust_result tr;
	struct trust *t = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = cms_check(&r, cms, cms_len, &data, 1, 0, NULL)) < 0)
		goto out;
	if (!r.intact) {
		rc = err_set(E_CRYPTO, "the manifest's signature is broken: %s", r.why);
		goto out;
	}
	if (!r.n_certs) {
		rc = err_set(E_CRYPTO, "the manifest's signature carries no certificate");
		goto out;
	}
	if ((rc = trust_new(&t)) < 0 || (rc = trust_add_roots_path(t, ca_file)) < 0 ||
	    (rc = trust_check(t, r.certs[0], r.certs, r.n_certs, time(NULL), &tr)) < 0)
		goto out;
	if (tr.chain != TRUST_CHAIN_TRUSTED)
		rc = err_set(E_CRYPTO, "the manifest is not signed by the commune: %s",
			     tr.chain_detail);
out:
	trust_free(t);
	cms_result_clear(&r);
	return rc;
}

/* One <file> of a manifest; the prefix (an older version) if any. */
static int parse_file(struct pack *p, const struct proto_node *f, char prefix[65],
		      uint64_t *prefix_size)
{
	struct pack_file *pf = &p->files[p->n_files];
	const char *sha = proto_attr(f, "sha256"), *name = proto_attr(f, "name");
	uint64_t v = 0;
	uint8_t raw[32];

	if (p->n_files == PACK_FILES_MAX)
		return err_set(E_TOOBIG, "more than %d files in the pack", PACK_FILES_MAX);
	if (!sha || strlen(sha) != 64 || proto_unhex(raw, sha) < 0 ||
	    proto_attr_u64(f, "size", &pf->size) < 0 || proto_attr_u64(f, "item", &v) < 0)
		return err_set(E_PROTO, "a <file> of the manifest without sha256, size or item");
	proto_hex(pf->sha, raw);
	snprintf(pf->name, sizeof(pf->name), "%s", name ? name : pf->sha);
	pf->item = (unsigned)v;
	prefix[0] = '\0';
	*prefix_size = 0;
	if (proto_attr(f, "prefix") && strlen(proto_attr(f, "prefix")) == 64 &&
	    proto_unhex(raw, proto_attr(f, "prefix")) == E_OK &&
	    proto_attr_u64(f, "prefix-size", prefix_size) == E_OK)
		proto_hex(prefix, raw);
	p->n_files++;
	return E_OK;
}

static int report(struct client *cl, const struct pack *p, uint64_t missing);

/* Bytes of the manifest's files that @dir lacks (.part files counted). */
static uint64_t missing_bytes(const struct pack *p, const char *dir)
{
	uint64_t miss = 0;

	for (size_t i = 0; i < p->n_files; i++) {
		char path[1024], part[1040];
		struct stat st;

		if (pack_path(dir, p->files[i].sha, path, sizeof(path)) < 0 || stat(path, &st) == 0)
			continue;
		snprintf(part, sizeof(part), "%s.part", path);
		miss += p->files[i].size -
			(stat(part, &st) == 0 && (uint64_t)st.st_size <= p->files[i].size
				 ? (uint64_t)st.st_size
				 : 0);
	}
	return miss;
}

/* Checks and reads a manifest; with @cl, downloads what @dir lacks. */
static int read_manifest(struct pack *p, struct client *cl, const char *xml, size_t len,
			 const char *dir)
{
	struct proto_node *root = NULL;
	int rc;

	p->n_files = 0;
	if ((rc = proto_control_parse((const uint8_t *)xml, len, &root)) < 0)
		return rc;
	if (strcmp(root->name, "manifest") || !proto_attr(root, "meeting") ||
	    proto_attr_u64(root, "version", &(uint64_t){0}) < 0) {
		rc = err_set(E_PROTO, "not a meeting manifest");
		goto out;
	}
	snprintf(p->meeting, sizeof(p->meeting), "%s", proto_attr(root, "meeting"));
	{
		uint64_t v = 0;

		proto_attr_u64(root, "version", &v);
		p->version = (unsigned)v;
	}
	snprintf(p->title, sizeof(p->title), "%s",
		 proto_attr(root, "title") ? proto_attr(root, "title") : "");
	for (const struct proto_node *f = root->child; f && rc == E_OK; f = f->next) {
		char prefix[65], path[1024], part[1040], old[1024];
		uint64_t psize;
		struct stat st;

		if (strcmp(f->name, "file"))
			continue;
		if ((rc = parse_file(p, f, prefix, &psize)) < 0)
			break;
		if (!cl)
			continue;
		p->bytes_total += p->files[p->n_files - 1].size;
		if ((rc = pack_path(dir, p->files[p->n_files - 1].sha, path, sizeof(path))) < 0)
			break;
		if (stat(path, &st) == 0)
			continue; /* only verified files are ever renamed into place */
		snprintf(part, sizeof(part), "%s.part", path);
		/* A new revision of a file we hold: its old bytes are the start. */
		if (prefix[0] && stat(part, &st) < 0 &&
		    pack_path(dir, prefix, old, sizeof(old)) == 0 && stat(old, &st) == 0 &&
		    (uint64_t)st.st_size == psize) {
			char *data = NULL;
			size_t n;

			if (fs_read_file(old, (size_t)psize, &data, &n) == E_OK)
				fs_write_atomic(part, data, n, 0644);
			free(data);
		}
		{
			uint64_t had = stat(part, &st) == 0 ? (uint64_t)st.st_size : 0;

			if ((rc = cli_download_chunked(cl, p->files[p->n_files - 1].sha, path,
						       PACK_CHUNK)) == E_OK) {
				p->bytes_fetched += p->files[p->n_files - 1].size - had;
				p->files_fetched++;
			}
		}
	}
out:
	proto_node_free(root);
	return rc;
}

int pack_load(struct pack *p, const char *dir, const char *ca_file)
{
	char mpath[1024], cpath[1024], *xml = NULL, *cms = NULL;
	size_t xlen, clen;
	int rc;

	memset(p, 0, sizeof(*p));
	snprintf(mpath, sizeof(mpath), "%s/manifest.xml", dir);
	snprintf(cpath, sizeof(cpath), "%s/manifest.cms", dir);
	if (!fs_exists(mpath))
		return err_set(E_NOTFOUND, "no saved pack in %s", dir);
	if ((rc = fs_read_file(mpath, PROTO_CONTROL_MAX, &xml, &xlen)) == E_OK &&
	    (rc = fs_read_file(cpath, 1 << 20, &cms, &clen)) == E_OK &&
	    (rc = check_seal(xml, xlen, (const uint8_t *)cms, clen, ca_file)) == E_OK)
		rc = read_manifest(p, NULL, xml, xlen, dir);
	free(xml);
	free(cms);
	return rc;
}

/* Downloads a small file of the server into memory (through @dir's cache). */
static int fetch_small(struct client *cl, const char *dir, const char *sha, size_t max, char **out,
		       size_t *len)
{
	char path[1024];
	int rc;

	if ((rc = pack_path(dir, sha, path, sizeof(path))) < 0)
		return rc;
	if (!fs_exists(path) && (rc = cli_download_chunked(cl, sha, path, PACK_CHUNK)) < 0)
		return rc;
	return fs_read_file(path, max, out, len);
}

static int report(struct client *cl, const struct pack *p, uint64_t missing)
{
	struct proto_node *req = proto_node_new("req"), *resp = NULL;
	int rc;

	if (!req || proto_node_set(req, "op", "meeting.ready") < 0 ||
	    proto_node_set(req, "meeting", p->meeting) < 0 ||
	    proto_node_set_u64(req, "version", p->version) < 0 ||
	    proto_node_set_u64(req, "missing", missing) < 0)
		rc = err_set(E_NOMEM, "request");
	else
		rc = client_request(cl, req, &resp);
	proto_node_free(req);
	proto_node_free(resp);
	return rc;
}

int pack_sync(struct pack *p, struct client *cl, const char *meeting, const char *dir,
	      const char *ca_file)
{
	struct proto_node *req = proto_node_new("req"), *resp = NULL;
	char *xml = NULL, *cms = NULL, mpath[1024], cpath[1024];
	const char *msha, *csha;
	size_t xlen, clen;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = fs_mkdir_p(dir, 0700)) < 0)
		goto out;
	if (!req || proto_node_set(req, "op", "meeting.manifest") < 0 ||
	    proto_node_set(req, "meeting", meeting) < 0) {
		rc = err_set(E_NOMEM, "request");
		goto out;
	}
	if ((rc = client_request(cl, req, &resp)) < 0)
		goto out;
	msha = proto_attr(resp, "manifest");
	csha = proto_attr(resp, "cms");
	if (!msha || !csha) {
		rc = err_set(E_PROTO, "meeting.manifest answered without the manifest");
		goto out;
	}
	if ((rc = fetch_small(cl, dir, msha, PROTO_CONTROL_MAX, &xml, &xlen)) < 0 ||
	    (rc = fetch_small(cl, dir, csha, 1 << 20, &cms, &clen)) < 0 ||
	    (rc = check_seal(xml, xlen, (const uint8_t *)cms, clen, ca_file)) < 0)
		goto out;
	snprintf(p->meeting, sizeof(p->meeting), "%s", meeting);
	/* The chair sees what is missing while it moves (best effort). */
	if (read_manifest(p, NULL, xml, xlen, dir) == E_OK) {
		uint64_t miss = missing_bytes(p, dir);

		if (miss)
			report(cl, p, miss);
	}
	/* What a drop interrupts stays in DIR for the next call. */
	if ((rc = read_manifest(p, cl, xml, xlen, dir)) < 0)
		goto out;
	snprintf(mpath, sizeof(mpath), "%s/manifest.xml", dir);
	snprintf(cpath, sizeof(cpath), "%s/manifest.cms", dir);
	if ((rc = fs_write_atomic(mpath, xml, xlen, 0644)) < 0 ||
	    (rc = fs_write_atomic(cpath, cms, clen, 0644)) < 0)
		goto out;
	rc = report(cl, p, 0);
out:
	proto_node_free(req);
	proto_node_free(resp);
	free(xml);
	free(cms);
	return rc;
}
