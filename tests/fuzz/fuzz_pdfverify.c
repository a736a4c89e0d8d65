/*
 * fuzz_pdfverify.c: libFuzzer target for the signature verifier: any input
 * is refused or gives a report; a report is consistent (every signature
 * has a revision of the file; all-valid is never claimed without trust).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "signing/pdfverify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdfverify_report *r = NULL;
	size_t i;

	if (pdfverify_data(&r, data, size, NULL) < 0)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->sig[i].revision < 1 || r->sig[i].revision > r->revisions)
			abort();
	if (pdfverify_all_valid(r))
		abort(); /* nothing is trusted without roots */
	pdfverify_report_free(r);
	return 0;
}
