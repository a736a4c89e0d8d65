/*
 * pdfgen.h: PDFs made by the tests themselves, byte by byte, so that each
 * offset is known: a one-page file in the classic or the xref-stream style
 * (optionally with an object stream), and the pieces to build hostile ones.
 */
#ifndef DINH_TESTS_PDFGEN_H
#define DINH_TESTS_PDFGEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define TG_OBJS_MAX 64

struct tg {
	struct buf b;
	size_t off[TG_OBJS_MAX];      /* 0: not written */
	uint32_t in_stm[TG_OBJS_MAX]; /* object stream holding it, or 0 */
	uint32_t idx[TG_OBJS_MAX];
};

enum tg_style { TG_TABLE, TG_STREAM, TG_OBJSTM };

/* The folder @sub of ../shared/corpus found above $top_srcdir, or NULL. */
const char *tg_corpus_dir(const char *sub);

void tg_init(struct tg *g);
void tg_free(struct tg *g);
/* Appends raw text. */
void tg_raw(struct tg *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records object @num here and writes "num 0 obj\n<body>\nendobj\n". */
void tg_obj(struct tg *g, uint32_t num, const char *body);
/* A stream object with @data, optionally Flate-compressed. */
void tg_stream(struct tg *g, uint32_t num, const char *dict, const void *data, size_t len,
	       int flate);
/* xref table of every recorded object, trailer with /Size @size and @extra
 * (e.g. "/Root 1 0 R"), startxref, %%EOF. */
void tg_table(struct tg *g, uint32_t size, const char *extra);
/* The same as xref stream object @num, Flate with PNG Up predictor. */
void tg_xref_stream(struct tg *g, uint32_t num, const char *extra);

/* A one-page PDF of the given style; malloc'ed. */
uint8_t *tg_make(enum tg_style style, size_t *len);

#endif
