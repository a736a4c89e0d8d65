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

int op_pdf_info(struct session *s, uint32_t id, const struct proto_node *req);
int op_pdf_text(struct session *s, uint32_t id, const struct proto_node *req);
int op_pdf_render(struct session *s, uint32_t id, const struct proto_node *req);

#endif
