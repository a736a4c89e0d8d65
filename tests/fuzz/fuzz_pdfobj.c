/*
 * fuzz_pdfobj.c: libFuzzer target for the PDF object layer: any input is
 * refused or opened; an opened document must take an incremental update
 * whose output starts with the input and opens again with one more
 * revision (abort() otherwise).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdf_doc.h"
#include "pdf/pdf_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdf_doc *doc = NULL, *again = NULL;
	struct pdf_write *w = NULL;
	struct pdf_ref ref;
	uint8_t *out = NULL;
	size_t len;

	if (pdf_doc_open(&doc, data, size) < 0)
		return 0;
	if (pdf_write_new(&w, doc) < 0 || pdf_write_alloc(w, &ref) < 0 ||
	    pdf_write_put(w, ref, pdf_obj_new_string("dinh", 4)) < 0 ||
	    pdf_write_finish(w, &out, &len) < 0 || len < size || memcmp(out, data, size) != 0 ||
	    pdf_doc_open(&again, out, len) < 0 ||
	    pdf_doc_xref(again)->nsec != pdf_doc_xref(doc)->nsec + 1)
		abort();
	free(out);
	pdf_write_free(w);
	pdf_doc_free(again);
	pdf_doc_free(doc);
	return 0;
}
