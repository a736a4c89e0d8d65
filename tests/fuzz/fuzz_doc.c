/*
 * fuzz_doc.c: libFuzzer target for the document parser (meta.xml): any
 * input is refused or parsed; a parsed document must serialise, and what it
 * serialises to must parse again into the same document (abort() otherwise).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workflow/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc *d = NULL, *again = NULL;
	char *xml = NULL, *xml2 = NULL;
	size_t len, len2;

	if (doc_from_xml(&d, (const char *)data, size) < 0)
		return 0;
	if (doc_to_xml(d, &xml, &len) < 0 || doc_from_xml(&again, xml, len) < 0 ||
	    doc_to_xml(again, &xml2, &len2) < 0 || len != len2 || memcmp(xml, xml2, len) != 0)
		abort();
	free(xml);
	free(xml2);
	doc_free(d);
	doc_free(again);
	return 0;
}
