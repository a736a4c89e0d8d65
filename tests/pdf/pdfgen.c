/*
 * pdfgen.c: the test PDFs of tests/pdf, written byte by byte (see pdfgen.h).
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "tests/pdf/pdfgen.h"
#include "tests/testutil.h"

const char *tg_corpus_dir(const char *sub)
{
	return tu_corpus_dir(sub);
}

void tg_init(struct tg *g)
{
	memset(g, 0, sizeof(*g));
	buf_init(&g->b, 64u << 20);
}

void tg_free(struct tg *g)
{
	buf_free(&g->b);
}

void tg_raw(struct tg *g, const char *fmt, ...)
{
	char tmp[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	ck_assert(n >= 0 && (size_t)n < sizeof(tmp));
	ck_assert_int_eq(buf_append(&g->b, tmp, (size_t)n), 0);
}

void tg_obj(struct tg *g, uint32_t num, const char *body)
{
	ck_assert_uint_lt(num, TG_OBJS_MAX);
	g->off[num] = g->b.len;
	tg_raw(g, "%u 0 obj\n%s\nendobj\n", num, body);
}

void tg_stream(struct tg *g, uint32_t num, const char *dict, const void *data, size_t len,
	       int flate)
{
	uLongf zlen = compressBound(len);
	uint8_t *z = malloc(zlen);

	ck_assert_ptr_nonnull(z);
	if (flate)
		ck_assert_int_eq(compress(z, &zlen, data, len), Z_OK);
	else
		memcpy(z, data, len), zlen = len;
	g->off[num] = g->b.len;
	tg_raw(g, "%u 0 obj\n<<%s%s /Length %lu>>\nstream\n", num, dict,
	       flate ? " /Filter /FlateDecode" : "", (unsigned long)zlen);
	ck_assert_int_eq(buf_append(&g->b, z, zlen), 0);
	tg_raw(g, "\nendstream\nendobj\n");
	free(z);
}

void tg_table(struct tg *g, uint32_t size, const char *extra)
{
	size_t x = g->b.len;
	uint32_t i;

	tg_raw(g, "xref\n0 %u\n0000000000 65535 f\r\n", size);
	for (i = 1; i < size; i++)
		tg_raw(g, "%010zu 00000 %c\r\n", g->off[i], g->off[i] ? 'n' : 'f');
	tg_raw(g, "trailer\n<</Size %u %s>>\nstartxref\n%zu\n%%%%EOF\n", size, extra, x);
}

void tg_xref_stream(struct tg *g, uint32_t num, const char *extra)
{
	uint8_t rows[TG_OBJS_MAX * 8], raw[TG_OBJS_MAX][7];
	uint32_t i, size = num + 1;
	char dict[512];
	size_t x = g->b.len;
	int k;

	g->off[num] = x;
	for (i = 0; i < size; i++) {
		uint64_t f1 = g->in_stm[i] ? g->in_stm[i] : g->off[i];
		uint32_t f2 = g->in_stm[i] ? g->idx[i] : (i == 0 ? 65535 : 0);

		raw[i][0] = g->in_stm[i] ? 2 : (g->off[i] ? 1 : 0);
		for (k = 0; k < 4; k++)
			raw[i][1 + k] = (uint8_t)(f1 >> (24 - 8 * k));
		raw[i][5] = (uint8_t)(f2 >> 8);
		raw[i][6] = (uint8_t)f2;
		rows[i * 8] = 2; /* PNG Up */
		for (k = 0; k < 7; k++)
			rows[i * 8 + 1 + k] = (uint8_t)(raw[i][k] - (i ? raw[i - 1][k] : 0));
	}
	snprintf(dict, sizeof(dict),
		 " /Type /XRef /Size %u /W [1 4 2] /DecodeParms <</Predictor 12 /Columns 7>> %s",
		 size, extra);
	tg_stream(g, num, dict, rows, size * 8, 1);
	tg_raw(g, "startxref\n%zu\n%%%%EOF\n", x);
}

static const char content[] = "BT /F1 18 Tf 20 60 Td (Giay moi hop) Tj ET";

uint8_t *tg_make(enum tg_style style, size_t *len)
{
	static const char page[] = "<</Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] "
				   "/Contents 4 0 R /Resources <</Font <</F1 <</Type /Font "
				   "/Subtype /Type1 /BaseFont /Helvetica>>>>>>>>";
	char stm[1024];
	struct tg g;
	uint8_t *out;
	int n;

	tg_init(&g);
	tg_raw(&g, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
	if (style == TG_OBJSTM) {
		/* the header padded to /First 40, objects at 0, 43 and 101 */
		n = snprintf(stm, sizeof(stm), "%-40s", "1 0 2 43 3 101");
		n += snprintf(stm + n, sizeof(stm) - (size_t)n, "%-43s",
			      "<</Type /Catalog /Pages 2 0 R>>");
		n += snprintf(stm + n, sizeof(stm) - (size_t)n, "%-58s",
			      "<</Type /Pages /Kids [3 0 R] /Count 1>>");
		n += snprintf(stm + n, sizeof(stm) - (size_t)n, "%s", page);
		tg_stream(&g, 5, " /Type /ObjStm /N 3 /First 40", stm, (size_t)n, 1);
		g.in_stm[1] = g.in_stm[2] = g.in_stm[3] = 5;
		g.idx[2] = 1;
		g.idx[3] = 2;
	} else {
		tg_obj(&g, 1, "<</Type /Catalog /Pages 2 0 R>>");
		tg_obj(&g, 2, "<</Type /Pages /Kids [3 0 R] /Count 1>>");
		tg_obj(&g, 3, page);
	}
	tg_stream(&g, 4, "", content, strlen(content), style != TG_TABLE);
	if (style == TG_TABLE)
		tg_table(&g, 5, "/Root 1 0 R");
	else
		tg_xref_stream(&g, 6, "/Root 1 0 R");
	out = malloc(g.b.len);
	ck_assert_ptr_nonnull(out);
	memcpy(out, g.b.data, g.b.len);
	*len = g.b.len;
	tg_free(&g);
	return out;
}
