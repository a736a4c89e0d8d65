/*
 * fuzz_meet.c: libFuzzer target for a meeting's meeting.xml (server/
 * meet_model.c): any input is refused or read; a meeting read must write
 * out, and what it writes must read again into the same bytes (abort()
 * otherwise).
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/meet_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct meeting *m = NULL, *again = NULL;
	char *xml = NULL, *xml2 = NULL;

	if (meet_from_xml(&m, (const char *)data, size) < 0)
		return 0;
	if (meet_to_xml(m, &xml) < 0 || meet_from_xml(&again, xml, strlen(xml)) < 0 ||
	    meet_to_xml(again, &xml2) < 0 || strcmp(xml, xml2) != 0)
		abort();
	g_free(xml);
	g_free(xml2);
	meet_free(m);
	meet_free(again);
	return 0;
}
