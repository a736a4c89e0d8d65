/*
 * fuzz_ber.c: libFuzzer target for BER to DER (signing/ber.c): any input is
 * refused or re-encoded; what comes out is DER, so re-encoding it again
 * gives the same bytes, and it never takes more input than it was given.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signing/ber.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *der = NULL, *again = NULL;
	size_t n, m, used, used2;

	if (ber_to_der(&der, &n, &used, data, size) < 0)
		return 0;
	if (used == 0 || used > size)
		abort();
	if (ber_to_der(&again, &m, &used2, der, n) < 0 || used2 != n || m != n ||
	    memcmp(again, der, n) != 0)
		abort();
	free(again);
	free(der);
	return 0;
}
