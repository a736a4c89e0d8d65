/*
 * server.h: the daemon as a whole: its data directory, configuration,
 * listeners, TLS credentials and the shared state request handlers use.
 * Everything here is owned and touched by the loop thread only.
 */
#ifndef DINH_SERVER_H
#define DINH_SERVER_H

#include <glib.h>

#include "server/conf.h"
#include "server/files.h"
#include "server/people.h"
#include "signing/ca.h"

struct loop;
struct tls_ctx;
struct def_set;
struct calendar;
struct store;
struct repo;

struct server {
	char *data_dir;
	char *config_path;
	struct config *cfg;
	struct loop *loop;
	struct tls_ctx *tls;
	struct ca *ca;
	struct people *people;
	struct files *files;
	struct def_set *defs;      /* workflow definitions */
	struct calendar *cal;      /* working days */
	struct store *store;       /* the writer thread */
	struct repo *reader;       /* the loop thread's reading handle */
	struct idx *index;         /* the loop thread's handle of the side index */
	long long due_timer;       /* deadline events */
	GHashTable *due_sent;      /* "doc|person|due|kind" already announced */
	struct pdfs *pdfs;         /* PDF jobs in the sandbox */
	struct work *work;         /* job threads (PDF generation) */
	struct sign *sign;         /* the agency seal, signers, prepared token signatures */
	struct portal *portal;     /* the citizens' portal (portal.h), or NULL */
	char *portal_url;          /* its status address: receipts' default */
	struct meet_set *meetings; /* meetings (meet.h) */
	/* private to server.c and session.c from here on */
	struct server_priv *priv;
};

/*
 * Prepares @data_dir (embedded default: on first start creates the CA,
 * the server certificate, the git repository, the administrator identity
 * admin/admin.p12 with its password in admin/admin.pass, both 0600, and logs
 * their paths once) and loads everything.  Does not listen yet.
 */
int server_init(struct server **out, const char *data_dir, const char *config_path,
		const char *const *listen, size_t n_listen);
/* Binds the listeners, writes `dinhd.addr`, runs the loop until SIGTERM has
 * drained every session. */
int server_run(struct server *srv);
void server_free(struct server *srv);

/* Called after a revocation: rebuilds the TLS trust with the new CRL (for
 * new handshakes) and closes every session of @serial_hex. */
int server_revoked(struct server *srv, const char *serial_hex);

/* SIGHUP: reloads the configuration file and the CRL. */
int server_reload(struct server *srv);

#endif
