/*
 * fuzz_genxml.c: libFuzzer target for the input of `dinh pdf gen`
 * (clients/genxml.c): any bytes are tried as each kind of document; each
 * parse is refused or gives an input whose required strings are there.
 * The PDF itself is not made (generation is tested in tests/pdf/test_gen).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "clients/genxml.h"
#include "common/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int k = GENXML_RECEIPT; k <= GENXML_REGISTER; k++) {
		struct genxml *g = NULL;
		int rc = genxml_parse(&g, (enum genxml_kind)k, (const char *)data, size);

		if (rc == E_OK && (!g || g->kind != (enum genxml_kind)k))
			abort();
		if (rc != E_OK &&
		    (g || (rc != E_XML && rc != E_TOOBIG && rc != E_INVAL && rc != E_NOMEM)))
			abort();
		genxml_free(g);
	}
	return 0;
}
