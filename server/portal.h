/*
 * portal.h: the citizens' portal: HTTPS pages in Vietnamese served by
 * dinhd with libmicrohttpd on threads of its own ([portal] listen, a port
 * apart from the protocol's).  Lookup of a dossier by its code (typed or
 * from the receipt's QR address), downloads and the satisfaction rating
 * with the dossier's secret, the procedure catalogue, the monthly
 * statistics and the check of a PDF's signatures.  docs/portal.md.
 *
 * The portal never runs on the loop thread and the loop never waits for
 * it: its threads read the side index and the repository through handles
 * of their own (read-only), and everything else they use is copied at
 * portal_start() or never changes while dinhd runs (definitions, calendar).
 */
#ifndef DINH_PORTAL_H
#define DINH_PORTAL_H

struct server;

/* Binds [portal] listen (nothing when it is "off"), writes
 * DATA/portal.addr, starts the threads; sets srv->portal_url, the default
 * of the receipts' status address. */
int portal_start(struct server *srv);
/* Stops the threads (requests in flight are finished) and frees. */
void portal_stop(struct server *srv);

#endif
