/*
 * cmd_pdfgen.c: `dinh pdf gen KIND INPUT.xml OUT.pdf`: the commune's
 * documents (receipt, control slip, invitation and agenda, minutes,
 * registers) generated offline from a small XML file (clients/genxml.h,
 * docs/pdf.md).  Nothing is sent anywhere; OUT.pdf is written atomically.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli.h"
#include "clients/genxml.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"

void cli_help_pdfgen(void)
{
	printf(_("Usage: dinh pdf gen KIND INPUT.xml OUT.pdf\n"
		 "Generates a document of the commune as PDF, laid out as Decree 30/2020\n"
		 "prescribes, from the data in INPUT.xml (format: docs/pdf.md). KIND is one of:\n"
		 "  receipt    dossier receipt with the QR code of its status page\n"
		 "  slip       process-control slip of a dossier\n"
		 "  agenda     meeting invitation with the agenda\n"
		 "  minutes    meeting minutes with attendance and votes\n"
		 "  register   register of incoming or outgoing documents for a period\n"));
}

int cmd_pdf_gen(const struct cli *c, int argc, char **argv)
{
	struct genxml *g = NULL;
	enum genxml_kind kind;
	uint8_t *pdf = NULL;
	char *xml = NULL;
	size_t xlen = 0, plen = 0;
	int rc;

	(void)c;
	if (cli_wants_help(argc, argv)) {
		cli_help_pdfgen();
		return CLI_EXIT_OK;
	}
	if (argc != 4)
		return cli_usage_error(_("'dinh pdf gen' needs KIND INPUT.xml OUT.pdf"));
	if (genxml_kind_from_name(&kind, argv[1]) < 0)
		return cli_usage_error(_("unknown document kind '%s'"), argv[1]);
	rc = fs_read_file(argv[2], GENXML_MAX, &xml, &xlen);
	if (rc == E_OK)
		rc = genxml_parse(&g, kind, xml, xlen);
	if (rc == E_OK)
		rc = genxml_render(&pdf, &plen, g);
	if (rc == E_OK)
		rc = fs_write_atomic(argv[3], pdf, plen, 0644);
	if (rc == E_OK)
		printf(_("%s: %zu bytes\n"), argv[3], plen);
	genxml_free(g);
	free(xml);
	free(pdf);
	return rc == E_OK ? CLI_EXIT_OK : cli_fail(rc);
}
