/*
 * server.c: the daemon's lifecycle: the embedded default of a new data
 * directory, listeners and accepting, the caps and timeouts, signals
 * (SIGTERM drains, SIGHUP reloads), and revocation taking effect at once.
 */
#include "config.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/roles.h"
#include "server/docs.h"
#include "server/meet.h"
#include "server/pdfs.h"
#include "server/sign.h"
#include "server/portal.h"
#include "server/work.h"
#include "server/loop.h"
#include "server/server_priv.h"
#include "signing/ident.h"
#include "workflow/repo.h"

#define SERVER_SWEEP_MS 1000
#define SERVER_CRL_CHECK_SWEEPS 3600 /* hourly: re-sign the CRL before it expires */
#define SERVER_STOP_GRACE_MS 5000    /* cap on draining output at SIGTERM */
#define SERVER_BACKLOG 4096
#define SERVER_ADMIN_NAME "Quản trị viên"

static char *server_path(const struct server *srv, const char *rel)
{
	return fs_join(srv->data_dir, rel);
}

/* Writes @text to DATA/@rel with @mode. */
static int server_write(const struct server *srv, const char *rel, const char *text, mode_t mode)
{
	char *path = server_path(srv, rel);
	int rc;

	if (!path)
		return err_set(E_NOMEM, "out of memory");
	rc = fs_write_atomic(path, text, strlen(text), mode);
	free(path);
	return rc;
}

/* The server certificate for localhost and the configured names. */
static int server_make_tls_identity(struct server *srv)
{
	const char *names[CONFIG_LIST_MAX + 3] = {"localhost", "127.0.0.1", "::1"};
	char *key = NULL, *cert = NULL, *dir = server_path(srv, "server");
	char serial[CA_SERIAL_HEX_MAX];
	size_t n = 3, i;
	int rc;

	for (i = 0; i < srv->cfg->n_names; i++)
		names[n++] = srv->cfg->names[i];
	if (!dir)
		return err_set(E_NOMEM, "out of memory");
	if ((rc = fs_mkdir_p(dir, 0700)) < 0 ||
	    (rc = ca_issue_keypair(srv->ca, CA_PROFILE_SERVER, names[n > 3 ? 3 : 0], names, n, 0,
				   &key, &cert, serial)) < 0 ||
	    (rc = server_write(srv, "server/server.key", key, 0600)) < 0 ||
	    (rc = server_write(srv, "server/server.pem", cert, 0644)) < 0)
		goto out;
	log_info("created server certificate %s/server/server.pem", srv->data_dir);
out:
	ident_free_secret(key);
	free(cert);
	free(dir);
	return rc;
}

/* The administrator: a client certificate in a PKCS#12 with a random
 * password stored beside it, both readable by the owner only. */
static int server_make_admin(struct server *srv)
{
	char *key = NULL, *cert = NULL, *p12 = NULL, *dir = server_path(srv, "admin");
	char serial[CA_SERIAL_HEX_MAX], fpr[CA_FPR_HEX_MAX], password[32], line[40];
	struct person rec;
	int rc;

	memset(&rec, 0, sizeof(rec));
	if (!dir || !(p12 = server_path(srv, "admin/admin.p12"))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = fs_mkdir_p(dir, 0700)) < 0 || (rc = ident_random_password(password, 24)) < 0 ||
	    (rc = ca_issue_keypair(srv->ca, CA_PROFILE_CLIENT, SERVER_ADMIN_NAME, NULL, 0,
				   srv->cfg->cert_days, &key, &cert, serial)) < 0 ||
	    (rc = cert_info(cert, NULL, fpr, NULL, NULL)) < 0 ||
	    (rc = ident_p12_write(p12, key, cert, ca_cert_pem(srv->ca), password, SERVER_ADMIN_NAME,
				  1)) < 0)
		goto out;
	snprintf(line, sizeof(line), "%s\n", password);
	if ((rc = server_write(srv, "admin/admin.pass", line, 0600)) < 0)
		goto out;
	memcpy(rec.serial, serial, sizeof(rec.serial));
	memcpy(rec.fingerprint, fpr, sizeof(rec.fingerprint));
	rec.id = "admin";
	rec.name = SERVER_ADMIN_NAME;
	rec.roles = ROLE_ADMIN;
	rec.kind = PERSON_KIND_PERSON;
	rec.issued = time(NULL);
	if ((rc = people_add(srv->people, &rec)) < 0)
		goto out;
	log_info("created administrator identity %s (password in %s/admin/admin.pass); use: "
		 "dinh --data-dir %s whoami",
		 p12, srv->data_dir, srv->data_dir);
out:
	explicit_bzero(password, sizeof(password));
	explicit_bzero(line, sizeof(line));
	ident_free_secret(key);
	free(cert);
	free(p12);
	free(dir);
	return rc;
}

/* The embedded default: whatever is missing in the data directory is made. */
static int server_prepare(struct server *srv)
{
	char *ca_dir = server_path(srv, "ca"), *path = NULL;
	int rc;

	if (!ca_dir)
		return err_set(E_NOMEM, "out of memory");
	if ((rc = fs_mkdir_p(srv->data_dir, 0700)) < 0)
		goto out;
	if (!(path = server_path(srv, "ca/ca.key"))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	if (!fs_exists(path)) {
		if ((rc = ca_create(ca_dir, srv->cfg->commune)) < 0)
			goto out;
		log_info("created the commune CA %s/ca.pem for %s", ca_dir, srv->cfg->commune);
	}
	if ((rc = ca_open(&srv->ca, ca_dir)) < 0)
		goto out;
	free(path);
	if (!(path = server_path(srv, "server/server.pem"))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	if (!fs_exists(path) && (rc = server_make_tls_identity(srv)) < 0)
		goto out;
	free(path);
	if (!(path = server_path(srv, "repo.git"))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = repo_init(path, "dinhd")) < 0)
		goto out;
	free(path);
	if (!(path = server_path(srv, "people.ini"))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = people_open(&srv->people, path)) < 0)
		goto out;
	if (!people_by_id(srv->people, "admin") && (rc = server_make_admin(srv)) < 0)
		goto out;
	free(path);
	if (!(path = server_path(srv, "files"))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto out;
	}
	rc = files_open(&srv->files, path);
out:
	free(path);
	free(ca_dir);
	return rc;
}

int server_init(struct server **out, const char *data_dir, const char *config_path,
		const char *const *listen, size_t n_listen)
{
	struct server *srv = calloc(1, sizeof(*srv));
	size_t i;
	int rc;

	*out = NULL;
	if (!srv || !(srv->priv = calloc(1, sizeof(*srv->priv))) ||
	    !(srv->data_dir = strdup(data_dir))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto fail;
	}
	srv->config_path = config_path ? strdup(config_path) : server_path(srv, "dinhd.conf");
	if (!srv->config_path) {
		rc = err_set(E_NOMEM, "out of memory");
		goto fail;
	}
	if ((rc = config_load(&srv->cfg, srv->config_path)) < 0)
		goto fail;
	if (srv->cfg->log_level >= 0)
		log_set_level((enum log_level)srv->cfg->log_level);
	if (n_listen) {
		/* The command line wins over the file. */
		for (i = 0; i < srv->cfg->n_listen; i++)
			free(srv->cfg->listen[i]);
		srv->cfg->n_listen = 0;
		for (i = 0; i < n_listen && i < CONFIG_LIST_MAX; i++) {
			char *host;
			unsigned port;

			if ((rc = config_parse_addr(listen[i], &host, &port)) < 0)
				goto fail;
			free(host);
			if (!(srv->cfg->listen[srv->cfg->n_listen++] = strdup(listen[i]))) {
				rc = err_set(E_NOMEM, "out of memory");
				goto fail;
			}
		}
	}
	if (srv->cfg->n_listen == 0 &&
	    !(srv->cfg->listen[srv->cfg->n_listen++] = strdup(CONFIG_DEFAULT_LISTEN))) {
		rc = err_set(E_NOMEM, "out of memory");
		goto fail;
	}
	if ((rc = server_prepare(srv)) < 0 ||
	    (rc = tls_ctx_new(&srv->tls, srv->data_dir, srv->cfg->allow_tls12)) < 0 ||
	    (rc = loop_new(&srv->loop)) < 0 || (rc = docs_start(srv)) < 0 ||
	    (rc = pdfs_start(srv)) < 0 || (rc = work_start(srv)) < 0 ||
	    (rc = sign_start(srv)) < 0 || (rc = meet_start(srv)) < 0)
		goto fail;
	*out = srv;
	return E_OK;
fail:
	server_free(srv);
	return rc;
}

void server_free(struct server *srv)
{
	size_t i;

	if (!srv)
		return;
	if (srv->priv) {
		while (srv->priv->head)
			session_destroy(srv->priv->head);
		for (i = 0; i < srv->priv->n_listen; i++)
			close(srv->priv->listen_fd[i]);
	}
	portal_stop(srv);
	if (srv->loop) {
		work_stop(srv);
		pdfs_stop(srv);
		docs_stop(srv);
	}
	meet_stop(srv);
	sign_stop(srv);
	tls_ctx_unref(srv->tls);
	loop_free(srv->loop);
	files_free(srv->files);
	people_free(srv->people);
	ca_free(srv->ca);
	config_free(srv->cfg);
	free(srv->config_path);
	free(srv->data_dir);
	free(srv->priv);
	free(srv);
}

/* Formats the peer address of @sa as "host:port". */
static void server_addr_str(const struct sockaddr_storage *sa, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(out, size, "%s:%u", host, port);
	} else if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(out, size, "[%s]:%u", host, port);
	} else {
		snprintf(out, size, "?");
	}
}

/*
 * At the handshake cap the oldest unfinished handshake makes room for the
 * newest.  Pausing accept() instead would let a thousand silent connections
 * queue a real client behind several handshake timeouts; evicting the oldest
 * keeps the newest (and so any live client) moving.
 */
static void server_evict_handshake(struct server *srv)
{
	struct session *s;

	for (s = srv->priv->head; s; s = session_next(s)) {
		if (session_handshaking(s)) {
			session_kill(
				s, E_BUSY,
				"handshake cap reached: dropping the oldest pending handshake");
			return;
		}
	}
}

void server_handshake_done(struct server *srv)
{
	struct server_priv *p = srv->priv;

	assert(p->n_handshakes > 0);
	p->n_handshakes--;
}

static void server_accept(struct loop *l, int fd, unsigned events, void *arg)
{
	struct server *srv = arg;
	struct server_priv *p = srv->priv;
	int n;

	for (n = 0; n < 256; n++) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof(sa);
		char peer[64];
		struct conn *c = NULL;
		int cfd;

		cfd = accept4(fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		server_addr_str(&sa, peer, sizeof(peer));
		if (p->stopping || p->n_sessions >= srv->cfg->max_sessions) {
			log_warn("peer %s: refused: %s", peer,
				 p->stopping ? "server is stopping" : "too many sessions");
			close(cfd);
			continue;
		}
		if (p->n_handshakes >= srv->cfg->max_handshakes)
			server_evict_handshake(srv);
		if (conn_tls_new(&c, srv->tls, cfd) < 0) {
			log_warn("peer %s: %s", peer, err_detail());
			close(cfd);
			continue;
		}
		if (session_start(srv, c, peer) < 0)
			log_warn("peer %s: %s", peer, err_detail());
	}
}

static int server_new_tls(struct server *srv, int allow_tls12);

/* Once a second: handshake and idle timeouts; hourly: the CRL. */
static void server_sweep(struct loop *l, long long id, void *arg)
{
	struct server *srv = arg;
	int64_t now = loop_now_ms();
	struct session *s, *next;

	for (s = srv->priv->head; s; s = next) {
		next = session_next(s);
		if (session_handshaking(s)) {
			if (now - session_started(s) > (int64_t)srv->cfg->handshake_timeout * 1000)
				session_kill(s, E_TIMEOUT, "handshake timeout");
		} else if (!session_busy(s) &&
			   now - session_last_active(s) > (int64_t)srv->cfg->idle_timeout * 1000) {
			session_kill(s, E_TIMEOUT, "idle timeout");
		}
	}
	if (++srv->priv->sweeps % SERVER_CRL_CHECK_SWEEPS == 0) {
		/* A CRL is valid 30 days: keep it fresh and serve the new one. */
		if (ca_crl_refresh(srv->ca) < 0 || server_new_tls(srv, srv->cfg->allow_tls12) < 0)
			log_err("cannot refresh the CRL: %s", err_detail());
		sign_daily(srv); /* the agency seal, before it expires */
	}
	srv->priv->sweep_timer = loop_add_timer(l, SERVER_SWEEP_MS, server_sweep, srv);
}

/* Binds one "host:port"; appends the bound address to @addrs. */
static int server_listen_one(struct server *srv, const char *spec, char *addrs, size_t size)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
			*ai = NULL;
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	char *host = NULL, portstr[8], bound[80];
	unsigned port;
	int fd = -1, one = 1, rc;

	if ((rc = config_parse_addr(spec, &host, &port)) < 0)
		return rc;
	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &ai);
	if (rc != 0) {
		rc = err_set(E_CONFIG, "cannot resolve %s: %s", spec, gai_strerror(rc));
		goto out;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, SERVER_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		rc = err_set(E_IO, "cannot listen on %s: %s", spec, strerror(errno));
		goto out;
	}
	if ((rc = loop_add_fd(srv->loop, fd, LOOP_READ, server_accept, srv)) < 0)
		goto out;
	srv->priv->listen_fd[srv->priv->n_listen++] = fd;
	fd = -1;
	server_addr_str(&sa, bound, sizeof(bound));
	log_info("listening on %s", bound);
	if (strlen(addrs) + strlen(bound) + 2 < size) {
		strncat(addrs, bound, size - strlen(addrs) - 1);
		strncat(addrs, "\n", size - strlen(addrs) - 1);
	}
	rc = E_OK;
out:
	if (fd >= 0)
		close(fd);
	if (ai)
		freeaddrinfo(ai);
	free(host);
	return rc;
}

static void server_stop_now(struct loop *l, long long id, void *arg)
{
	struct server *srv = arg;

	srv->priv->stop_timer = 0;
	log_info("stop: closing %zu unfinished sessions", srv->priv->n_sessions);
	while (srv->priv->head)
		session_destroy(srv->priv->head);
	loop_stop(l);
}

/* Polls until every session has left, then stops the loop. */
static void server_drain(struct loop *l, long long id, void *arg)
{
	struct server *srv = arg;
	struct session *s, *next;

	for (s = srv->priv->head; s; s = next) {
		next = session_next(s);
		session_shutdown(s);
	}
	if (srv->priv->n_sessions == 0) {
		if (srv->priv->stop_timer)
			loop_del_timer(l, srv->priv->stop_timer);
		srv->priv->stop_timer = 0;
		loop_stop(l);
		return;
	}
	loop_add_timer(l, 50, server_drain, srv);
}

static void server_on_signal(struct loop *l, int signo, void *arg)
{
	struct server *srv = arg;
	size_t i;

	if (signo == SIGHUP) {
		if (server_reload(srv) < 0)
			log_err("reload failed, keeping the running configuration: %s",
				err_detail());
		return;
	}
	if (srv->priv->stopping)
		return;
	log_info("%s: stopping: no new connections, finishing %zu sessions",
		 signo == SIGTERM ? "SIGTERM" : "SIGINT", srv->priv->n_sessions);
	srv->priv->stopping = 1;
	for (i = 0; i < srv->priv->n_listen; i++) {
		loop_del_fd(l, srv->priv->listen_fd[i]);
		close(srv->priv->listen_fd[i]);
	}
	srv->priv->n_listen = 0;
	srv->priv->stop_timer = loop_add_timer(l, SERVER_STOP_GRACE_MS, server_stop_now, srv);
	server_drain(l, 0, srv);
}

/* As many descriptors as the hard limit allows: 10,000 sessions need them. */
static void server_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int server_run(struct server *srv)
{
	char addrs[SERVER_LISTEN_MAX * 80] = "", pid[24];
	size_t i;
	int rc;

	server_raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < srv->cfg->n_listen; i++)
		if ((rc = server_listen_one(srv, srv->cfg->listen[i], addrs, sizeof(addrs))) < 0)
			return rc;
	if ((rc = portal_start(srv)) < 0)
		return rc;
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	/* The signals first: whoever sees dinhd.addr may send SIGTERM at once. */
	if ((rc = loop_add_signal(srv->loop, SIGTERM, server_on_signal, srv)) < 0 ||
	    (rc = loop_add_signal(srv->loop, SIGINT, server_on_signal, srv)) < 0 ||
	    (rc = loop_add_signal(srv->loop, SIGHUP, server_on_signal, srv)) < 0 ||
	    (rc = server_write(srv, "dinhd.addr", addrs, 0644)) < 0 ||
	    (rc = server_write(srv, "dinhd.pid", pid, 0644)) < 0)
		return rc;
	srv->priv->sweep_timer = loop_add_timer(srv->loop, SERVER_SWEEP_MS, server_sweep, srv);
	log_info("dinhd %s ready, data in %s", PACKAGE_VERSION, srv->data_dir);
	rc = loop_run(srv->loop);
	log_info("stopped");
	return rc;
}

/* New credentials with the CRL as it is on disk now. */
static int server_new_tls(struct server *srv, int allow_tls12)
{
	struct tls_ctx *ctx = NULL;
	int rc = tls_ctx_new(&ctx, srv->data_dir, allow_tls12);

	if (rc < 0)
		return rc;
	tls_ctx_unref(srv->tls);
	srv->tls = ctx;
	return E_OK;
}

int server_reload(struct server *srv)
{
	struct config *cfg = NULL;
	int rc = config_load(&cfg, srv->config_path);
	size_t i;

	if (rc < 0)
		return rc;
	if ((rc = server_new_tls(srv, cfg->allow_tls12)) < 0) {
		config_free(cfg);
		return rc;
	}
	/* Listeners stay as they are; everything else takes the new values. */
	for (i = 0; i < cfg->n_listen; i++)
		free(cfg->listen[i]);
	cfg->n_listen = srv->cfg->n_listen;
	for (i = 0; i < cfg->n_listen; i++) {
		cfg->listen[i] = srv->cfg->listen[i];
		srv->cfg->listen[i] = NULL;
	}
	srv->cfg->n_listen = 0;
	config_free(srv->cfg);
	srv->cfg = cfg;
	if (cfg->log_level >= 0)
		log_set_level((enum log_level)cfg->log_level);
	if (sign_reload(srv) < 0)
		log_err("SIGHUP: [signing] trust not reloaded, keeping the roots in use: %s",
			err_detail());
	log_info("SIGHUP: configuration, CRL and signing roots reloaded");
	return E_OK;
}

int server_revoked(struct server *srv, const char *serial_hex)
{
	struct session *s, *next;
	int rc = server_new_tls(srv, srv->cfg->allow_tls12);

	for (s = srv->priv->head; s; s = next) {
		next = session_next(s);
		if (!strcasecmp(session_serial(s), serial_hex))
			session_kill(s, E_REVOKED, "certificate revoked");
	}
	return rc;
}
