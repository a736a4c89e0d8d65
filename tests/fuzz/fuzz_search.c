/*
 * fuzz_search.c: libFuzzer target for what a search box sends: the folding
 * of any bytes must stay valid UTF-8 with no upper-case ASCII and no
 * combining marks left, and any query must be answered by the index or
 * refused as E_INVAL / E_TOOBIG, never reach SQLite as syntax (an E_IO
 * would mean the FTS5 query was not escaped).  abort() otherwise.
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "workflow/def.h"
#include "workflow/doc.h"
#include "workflow/fold.h"
#include "workflow/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct idx *ix;
static struct def_set *defs;

static int none(void *arg, const struct idx_row *r)
{
	return E_OK;
}

/* An index in memory with one document to match against. */
static void setup(void)
{
	struct doc *d = NULL;

	if (def_load(&defs, NULL) < 0 || idx_open(&ix, ":memory:", 1) < 0 ||
	    doc_new(&d, "2026-den-000001", "incoming", "received") < 0 ||
	    doc_set_field(d, "Subject", "Hồ sơ đất đai \"thôn\" Đông (OR) NEAR*") < 0 ||
	    idx_begin(ix) < 0 || idx_put(ix, defs, d) < 0 ||
	    idx_commit(ix, "0000000000000000000000000000000000000000") < 0)
		abort();
	doc_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = malloc(size + 1), *f;
	int rc;

	if (!q)
		return 0;
	if (!ix)
		setup();
	memcpy(q, data, size);
	q[size] = '\0';
	f = fold_text(q);
	if (!f || !g_utf8_validate(f, -1, NULL))
		abort();
	for (const char *p = f; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if ((c >= 'A' && c <= 'Z') || g_unichar_type(c) == G_UNICODE_NON_SPACING_MARK)
			abort();
	}
	rc = idx_search(ix, q, 5, none, NULL);
	if (rc != E_OK && rc != E_INVAL && rc != E_TOOBIG)
		abort();
	free(f);
	free(q);
	return 0;
}
