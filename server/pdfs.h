/*
 * pdfs.h: the PDF operations of docs/protocol.md (pdf.info, pdf.text,
 * pdf.render) on files of the file store, each read in the PDF sandbox
 * without blocking the loop; renders cached by (SHA-256, page, width).
 */
#ifndef DINH_PDFS_H
#define DINH_PDFS_H

#include <stdint.h>

#include "common/proto.h"
#include "server/session.h"

struct server;

int pdfs_start(struct server *srv);
/* Kills the helpers still running; their requests get no answer. */
void pdfs_stop(struct server *srv);

struct store_req;

/*
 * Every PDF attached to the change @r must open in the sandbox with a
 * page: the files whose content starts with "%PDF-" (in its first KiB) or
 * whose name ends in ".pdf", and the signed PDF.  The start of each
 * attached file's text is kept in r->ch.files[i].text, for search.  @done is called once,
 * with E_OK or the first refusal (E_INVAL "file NAME: reason", E_TIMEOUT,
 * E_BUSY...), possibly before pdfs_check() returns (nothing to check).
 */
typedef void (*pdfs_check_fn)(struct server *srv, struct store_req *r, int rc);
void pdfs_check(struct server *srv, struct store_req *r, pdfs_check_fn done);

int op_pdf_info(struct session *s, uint32_t id, const struct proto_node *req);
int op_pdf_text(struct session *s, uint32_t id, const struct proto_node *req);
int op_pdf_render(struct session *s, uint32_t id, const struct proto_node *req);

/* 1 if the PNG @hex was rendered for a hall terminal (which may file.get it). */
int pdfs_rendered_for(struct server *srv, const char *hex);

#endif
