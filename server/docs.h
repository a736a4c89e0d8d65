/*
 * docs.h: the document operations of docs/protocol.md (doc.create,
 * doc.act, doc.comment, doc.recall, doc.show, wf.list) and the bridge to
 * the store writer thread: changes are submitted from the loop thread and
 * answered when the writer reports them durable.
 */
#ifndef DINH_DOCS_H
#define DINH_DOCS_H

#include <stdint.h>

#include "common/proto.h"
#include "server/session.h"

struct server;

/* Loads the workflow definitions (the .xml files of data_dir/workflows over the
 * embedded defaults), the calendar, opens the store and its reader, and
 * watches the store's results on the loop. */
int docs_start(struct server *srv);
/* Finishes every submitted change and stops the writer. */
void docs_stop(struct server *srv);

int op_doc_create(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_act(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_comment(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_recall(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_show(struct session *s, uint32_t id, const struct proto_node *req);
int op_wf_list(struct session *s, uint32_t id, const struct proto_node *req);

/* docs_query.c: reads through the side index, and deadline events. */
int docs_query_start(struct server *srv);
void docs_query_stop(struct server *srv);
/* Pushes a doc.deadline event to each connected handler of an open
 * document whose deadline is within DOCS_SOON_DAYS working days or passed,
 * once per document, person, deadline and kind (near, passed).  @who (may
 * be NULL: every handler) limits it to one person's documents. */
void docs_deadlines(struct server *srv, const char *who);
int op_doc_inbox(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_search(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_lookup(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_register(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_stats(struct session *s, uint32_t id, const struct proto_node *req);

/* docs_gen.c: documents made from the workflow's data as PDF. */
/* The receipts' status address before the code: [workflow] status-url,
 * else the portal's, else https://localhost/tra-cuu/. */
const char *docs_status_url(const struct server *srv);
/* The receipt of dossier @d as PDF (*@pdf malloc'd), on any thread: it
 * touches nothing but its arguments. */
struct def_set;
struct doc;
int docs_receipt_pdf(uint8_t **pdf, size_t *len, const struct def_set *defs, const char *commune,
		     const char *status_url, const struct doc *d);
int op_doc_receipt(struct session *s, uint32_t id, const struct proto_node *req);
int op_doc_control(struct session *s, uint32_t id, const struct proto_node *req);
int docs_register_pdf(struct session *s, uint32_t id, const char *book, const char *from,
		      const char *to);

#endif
