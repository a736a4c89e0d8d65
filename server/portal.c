/*
 * portal.c: the portal's HTTP side (portal.h): libmicrohttpd over GnuTLS
 * (TLS 1.3 unless [tls] allow-tls12, the daemon's server certificate) on a
 * pool of its own threads; the routes, nothing else (every other path is
 * 404, every other method 405); the security headers of every answer; the
 * per-address rate limit of lookups; the upload cap; the handles of each
 * thread.
 */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <gnutls/crypto.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "server/portal.h"
#include "server/portal_priv.h"
#include "server/portal_rate.h"
#include "server/server.h"
#include "server/tls.h"
#include "workflow/idx.h"
#include "workflow/repo.h"

#define PORTAL_POST_BUF 16384
#define PORTAL_CONN_MAX 1024
#define PORTAL_CONN_TIMEOUT_S 30

/* One request's state across MHD's calls. */
struct pconn {
	struct portal_req q;
	struct MHD_PostProcessor *pp;
	struct buf file;
	char code[64];
	int refused; /* answered before the body (too large) */
	int bad;     /* a body the post processor refused */
};

/* ---- Threads ---- */

static void thread_free(void *arg)
{
	struct portal_thread *t = arg;

	if (!t)
		return;
	idx_close(t->ix);
	repo_close(t->reader);
	rating_close(t->ratings);
	portal_docs_free(t);
	if (t->vi) {
		uselocale(LC_GLOBAL_LOCALE);
		freelocale(t->vi);
	}
	free(t);
}

struct portal_thread *portal_thread_get(struct portal *p)
{
	struct portal_thread *t = pthread_getspecific(p->key);

	if (t)
		return t;
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	if (idx_open(&t->ix, p->index_path, 0) < 0 ||
	    repo_open(&t->reader, p->repo_path, 0, "dinhd") < 0 ||
	    rating_open(&t->ratings, p->ratings_path, 0) < 0) {
		log_err("portal: thread handles: %s", err_detail());
		thread_free(t);
		return NULL;
	}
	/* The pages speak Vietnamese whatever the daemon's own locale. */
	t->vi = newlocale(LC_ALL_MASK, "vi_VN.UTF-8", (locale_t)0);
	if (t->vi)
		uselocale(t->vi);
	else
		log_warn("portal: no vi_VN.UTF-8 locale (scripts/deps.sh makes it): pages in "
			 "English");
	pthread_setspecific(p->key, t);
	return t;
}

/* ---- Answers ---- */

static void add_headers(struct portal *p, struct MHD_Response *resp, const struct portal_reply *r)
{
	MHD_add_response_header(resp, "Content-Type", r->type);
	MHD_add_response_header(resp, "Content-Security-Policy", p->csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(resp, "Cache-Control",
				r->cache ? "public, max-age=300" : "no-store");
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, "Allow", "GET, HEAD, POST");
}

static enum MHD_Result send_reply(struct portal *p, struct MHD_Connection *c,
				  struct portal_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(
		r->body.len, r->body.data ? r->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
	buf_free(&r->body);
	if (!resp)
		return MHD_NO;
	add_headers(p, resp, r);
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void reply_init(struct portal_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->status = MHD_HTTP_OK;
	r->type = "text/html; charset=utf-8";
	buf_init(&r->body, PORTAL_PAGE_MAX);
}

/* ---- Requests ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The client's address as bytes for the rate limit (IPv6 by its /64). */
static size_t peer_key(struct MHD_Connection *c, uint8_t key[PORTAL_RATE_KEY_MAX])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (sa && sa->sa_family == AF_INET) {
		memcpy(key, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 4;
	}
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 8);
		return 8;
	}
	return 0;
}

static void copy_field(char *dst, size_t size, const char *data, uint64_t off, size_t len)
{
	size_t have = strnlen(dst, size);

	if (off != have || have + len >= size)
		return; /* out of order or too long: keep what fits, the check refuses it */
	memcpy(dst + have, data, len);
	dst[have + len] = '\0';
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *ctype, const char *enc,
				  const char *data, uint64_t off, size_t size)
{
	struct pconn *k = cls;

	if (strcmp(key, "pdf") == 0) {
		if (k->file.len + size > k->file.max)
			k->q.too_big = 1;
		else if (buf_append(&k->file, data, size) < 0)
			k->q.too_big = 1;
	} else if (strcmp(key, "secret") == 0) {
		copy_field(k->q.secret, sizeof(k->q.secret), data, off, size);
	} else if (strcmp(key, "score") == 0) {
		copy_field(k->q.score, sizeof(k->q.score), data, off, size);
	} else if (strcmp(key, "ma") == 0) {
		copy_field(k->code, sizeof(k->code), data, off, size);
	}
	return MHD_YES;
}

/* The route of @q; the dossier routes take a token of the rate limit. */
static void route(struct portal *p, struct MHD_Connection *c, struct portal_req *q,
		  struct portal_reply *r)
{
	struct portal_thread *t = portal_thread_get(p);
	size_t plen = strlen(p->prefix);
	uint8_t key[PORTAL_RATE_KEY_MAX];
	size_t klen;

	if (!t) {
		page_later(p, r);
		return;
	}
	if (strcmp(q->path, "/") == 0 && !q->post) {
		page_home(p, r);
	} else if (strcmp(q->path, "/thu-tuc") == 0 && !q->post) {
		page_catalogue(p, r);
	} else if (strcmp(q->path, "/thong-ke") == 0 && !q->post) {
		page_stats(p, t, q, r);
	} else if (strcmp(q->path, "/kiem-tra") == 0) {
		page_verify(p, q, r);
	} else if (strcmp(q->path, "/tra-cuu") == 0 ||
		   (strncmp(q->path, p->prefix, plen) == 0 && q->path[plen])) {
		char code[64] = "";
		const char *what = "";

		if (strcmp(q->path, "/tra-cuu") == 0) {
			snprintf(code, sizeof(code), "%s", q->code ? q->code : "");
		} else {
			const char *rest = q->path + plen, *slash = strchr(rest, '/');
			size_t n = slash ? (size_t)(slash - rest) : strlen(rest);

			if (n < sizeof(code))
				snprintf(code, sizeof(code), "%.*s", (int)n, rest);
			what = slash ? slash + 1 : "";
		}
		klen = peer_key(c, key);
		if (!portal_rate_take(p->rate, key, klen, now_ms()))
			page_later(p, r);
		else
			page_dossier(p, t, q, code, what, r);
	} else {
		page_notfound(p, r);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct portal *p = cls;
	struct pconn *k = *con_cls;
	struct portal_reply r;
	int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;

	if (!k) {
		const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							      MHD_HTTP_HEADER_CONTENT_LENGTH);

		if (!(k = calloc(1, sizeof(*k))))
			return MHD_NO;
		*con_cls = k;
		buf_init(&k->file, p->upload_max);
		k->q.path = url;
		k->q.post = post;
		if (post && len && strtoull(len, NULL, 10) > p->upload_max + 65536) {
			k->refused = 1; /* answer before reading a byte of it */
			reply_init(&r);
			page_error(p, &r, MHD_HTTP_CONTENT_TOO_LARGE);
			return send_reply(p, c, &r);
		}
		if (post)
			k->pp = MHD_create_post_processor(c, PORTAL_POST_BUF, post_field, k);
		return MHD_YES;
	}
	if (k->refused)
		return MHD_NO;
	if (post && *upload_size) {
		if (!k->pp || MHD_post_process(k->pp, upload, *upload_size) != MHD_YES)
			k->bad = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	reply_init(&r);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0 &&
	    !post) {
		page_error(p, &r, MHD_HTTP_METHOD_NOT_ALLOWED);
		return send_reply(p, c, &r);
	}
	if (k->q.too_big || k->bad) {
		page_error(p, &r, k->bad ? MHD_HTTP_BAD_REQUEST : MHD_HTTP_CONTENT_TOO_LARGE);
		return send_reply(p, c, &r);
	}
	k->q.code = post ? (k->code[0] ? k->code : NULL)
			 : MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ma");
	k->q.month = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "thang");
	k->q.file = k->file.data;
	k->q.file_len = k->file.len;
	route(p, c, &k->q, &r);
	return send_reply(p, c, &r);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode why)
{
	struct pconn *k = *con_cls;

	if (!k)
		return;
	if (k->pp)
		MHD_destroy_post_processor(k->pp);
	explicit_bzero(k->q.secret, sizeof(k->q.secret));
	buf_free(&k->file);
	free(k);
	*con_cls = NULL;
}

/* ---- Start and stop ---- */

/* The address of the portal: [portal] listen, else the host of the first
 * [server] listen with its port + 100 (0 stays 0: a free port). */
static int portal_addr(const struct server *srv, char **host, unsigned *port)
{
	const struct config *cfg = srv->cfg;
	int rc;

	if (cfg->portal_listen)
		return config_parse_addr(cfg->portal_listen, host, port);
	if ((rc = config_parse_addr(cfg->listen[0], host, port)) < 0)
		return rc;
	if (*port)
		*port = *port + 100 > 65535 ? 0 : *port + 100;
	return E_OK;
}

static int bind_fd(const char *host, unsigned port, int *fd_out, unsigned *bound)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
			*ai = NULL;
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	char ps[8];
	int fd = -1, one = 1, rc = E_OK;

	snprintf(ps, sizeof(ps), "%u", port);
	if (getaddrinfo(host, ps, &hints, &ai) != 0)
		return err_set(E_CONFIG, "portal: cannot resolve %s", host);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		rc = err_set(E_IO, "portal: cannot listen on %s:%u: %s", host, port,
			     strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	} else {
		*bound = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
							: ((struct sockaddr_in *)&sa)->sin_port);
	}
	freeaddrinfo(ai);
	*fd_out = fd;
	return rc;
}

/* The status address of receipts and the path the portal serves it on. */
static int status_path(struct portal *p, struct server *srv, const char *host, unsigned port)
{
	const char *h = srv->cfg->n_names ? srv->cfg->names[0] : host;
	const char *u, *path;

	if (!strcmp(h, "0.0.0.0") || !strcmp(h, "::") || !strcmp(h, "127.0.0.1") ||
	    !strcmp(h, "::1"))
		h = "localhost";
	if (srv->cfg->status_url)
		p->status_url = strdup(srv->cfg->status_url);
	else
		p->status_url = g_strdup_printf("https://%s:%u/tra-cuu/", h, port);
	if (!p->status_url)
		return err_set(E_NOMEM, "portal");
	u = strstr(p->status_url, "://");
	path = u ? strchr(u + 3, '/') : NULL;
	if (!path || path[strlen(path) - 1] != '/' || strlen(path) >= sizeof(p->prefix) ||
	    strchr(path, '?') || strstr(path, "/./") || strstr(path, "/../")) {
		log_warn("portal: [workflow] status-url %s does not end in a path with '/': "
			 "dossiers are served on /tra-cuu/CODE only",
			 p->status_url);
		path = "/tra-cuu/";
	}
	snprintf(p->prefix, sizeof(p->prefix), "%s", path);
	return E_OK;
}

/* The CSP: nothing but this origin's forms and the one inline style. */
static void make_csp(struct portal *p)
{
	uint8_t sum[32];
	gchar *b64;

	gnutls_hash_fast(GNUTLS_DIG_SHA256, portal_css, strlen(portal_css), sum);
	b64 = g_base64_encode(sum, sizeof(sum));
	snprintf(p->csp, sizeof(p->csp),
		 "default-src 'none'; style-src 'sha256-%s'; img-src 'self'; form-action 'self'; "
		 "frame-ancestors 'none'; base-uri 'none'",
		 b64);
	g_free(b64);
}

static int load_files(struct portal *p, struct server *srv)
{
	char *path = fs_join(srv->data_dir, "server/server.key");
	size_t len;
	int rc = path ? fs_read_file(path, 1 << 20, &p->key_pem, &len) : E_NOMEM;

	free(path);
	if (rc < 0)
		return rc;
	path = fs_join(srv->data_dir, "server/server.pem");
	rc = path ? fs_read_file(path, 1 << 20, &p->cert_pem, &len) : E_NOMEM;
	free(path);
	if (rc < 0)
		return rc;
	p->index_path = fs_join(srv->data_dir, "index.db");
	p->repo_path = fs_join(srv->data_dir, "repo.git");
	p->ratings_path = fs_join(srv->data_dir, "ratings.db");
	p->ca_pem = fs_join(srv->data_dir, "ca/ca.pem");
	p->crl_pem = fs_join(srv->data_dir, "ca/crl.pem");
	path = fs_join(srv->data_dir, "files");
	rc = path ? files_open(&p->files, path) : E_NOMEM;
	free(path);
	if (rc == E_OK && (!p->index_path || !p->repo_path || !p->ratings_path || !p->ca_pem ||
			   !p->crl_pem || !(p->commune = strdup(srv->cfg->commune))))
		rc = err_set(E_NOMEM, "portal");
	return rc;
}

static void portal_free(struct portal *p)
{
	if (!p)
		return;
	if (p->mhd)
		MHD_stop_daemon(p->mhd);
	else if (p->fd >= 0)
		close(p->fd);
	pthread_key_delete(p->key);
	if (p->key_pem)
		explicit_bzero(p->key_pem, strlen(p->key_pem));
	free(p->key_pem);
	free(p->cert_pem);
	free(p->index_path);
	free(p->repo_path);
	free(p->ratings_path);
	free(p->ca_pem);
	free(p->crl_pem);
	free(p->commune);
	g_free(p->status_url);
	files_free(p->files);
	portal_rate_free(p->rate);
	free(p);
}

/* The portal's threads take no signals: they belong to the loop's signalfd
 * (a thread that did not block SIGTERM would take it and end the process). */
static int start_mhd(struct portal *p, const struct config *cfg)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	p->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TLS, 0,
				  NULL, NULL, on_request, p, MHD_OPTION_LISTEN_SOCKET, p->fd,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->portal_threads,
				  MHD_OPTION_HTTPS_MEM_KEY, p->key_pem, MHD_OPTION_HTTPS_MEM_CERT,
				  p->cert_pem, MHD_OPTION_HTTPS_PRIORITIES,
				  cfg->allow_tls12 ? TLS_PRIORITY_12 : TLS_PRIORITY_13,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)PORTAL_CONN_MAX,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)PORTAL_CONN_TIMEOUT_S,
				  MHD_OPTION_NOTIFY_COMPLETED, on_done, p, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p->mhd ? E_OK : err_set(E_TLS, "portal: libmicrohttpd did not start (TLS?)");
}

int portal_start(struct server *srv)
{
	struct portal *p = NULL;
	struct sqlite3 *db = NULL;
	char *host = NULL, line[300], *addr = NULL;
	unsigned port = 0, bound = 0;
	int rc;

	if (srv->cfg->portal_listen && strcmp(srv->cfg->portal_listen, "off") == 0)
		return E_OK;
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
		return err_set(E_CONFIG, "portal: libmicrohttpd has no TLS");
	if (!(p = calloc(1, sizeof(*p))))
		return err_set(E_NOMEM, "portal");
	p->fd = -1;
	p->defs = srv->defs;
	p->cal = srv->cal;
	p->upload_max = (size_t)srv->cfg->portal_upload_kib << 10;
	make_csp(p);
	if (pthread_key_create(&p->key, thread_free) != 0) {
		free(p);
		return err_set(E_NOMEM, "portal: thread key");
	}
	if ((rc = load_files(p, srv)) < 0 ||
	    (rc = portal_rate_new(&p->rate, srv->cfg->portal_rate, srv->cfg->portal_burst)) < 0 ||
	    (rc = rating_open(&db, p->ratings_path, 1)) < 0 ||
	    (rc = portal_addr(srv, &host, &port)) < 0 ||
	    (rc = bind_fd(host, port, &p->fd, &bound)) < 0 ||
	    (rc = status_path(p, srv, host, bound)) < 0 || (rc = start_mhd(p, srv->cfg)) < 0)
		goto out;
	snprintf(line, sizeof(line), "%s%s%s:%u\n", strchr(host, ':') ? "[" : "", host,
		 strchr(host, ':') ? "]" : "", bound);
	if ((addr = fs_join(srv->data_dir, "portal.addr")) == NULL ||
	    (rc = fs_write_atomic(addr, line, strlen(line), 0644)) < 0)
		goto out;
	srv->portal_url = strdup(p->status_url);
	log_info("portal on https://%.*s/ (dossiers at %s<code>)", (int)strlen(line) - 1, line,
		 p->status_url);
	srv->portal = p;
	p = NULL;
	rc = E_OK;
out:
	rating_close(db);
	free(addr);
	free(host);
	portal_free(p);
	return rc;
}

void portal_stop(struct server *srv)
{
	portal_free(srv->portal);
	srv->portal = NULL;
	free(srv->portal_url);
	srv->portal_url = NULL;
}
