/*
 * pdfsig_ap.h: the visible appearance of a new signature (pdfsig.h): where
 * on which page it goes, and its /AP /N form, drawn by gen_sigapp.h and
 * copied into the update by pdf_import.h, so the appearance, its fonts and
 * images are new objects of the signature's own revision, reachable from
 * the widget's /AP (what pdfverify_diff.c allows after earlier signatures).
 *
 * Placement when no rectangle is given (points, page corner at the
 * /MediaBox's lower left):
 * - signer: the signer block at the bottom right of the page, above the
 *   20 mm margin, 15 mm from the right edge;
 * - seal: centred so the seal covers the left third of the signature image
 *   of the last visible signature widget on the page (as gen_sigapp_image_box
 *   places it in that widget's box); without one, of a signer block in its
 *   default place;
 * - copy: page 1 (unless a page is given), in the top margin at the right.
 * A default box that sticks out of a small page is moved inside it.
 * Contracts: E_INVAL for a page that is not there or a box outside it or
 * smaller than 1 pt; errors of gen_sigapp_pdf and pdf_import_page.
 */
#ifndef DINH_PDFSIG_AP_H
#define DINH_PDFSIG_AP_H

#include <stdint.h>
#include <time.h>

#include "pdf/pdf_doc.h"
#include "pdf/pdf_write.h"
#include "signing/pdfsig.h"
#include "signing/sigkey.h"

struct pdfsig_placed {
	uint32_t page;       /* 0-based */
	double rect[4];      /* /Rect: x0 y0 x1 y1 */
	struct pdf_ref form; /* the /AP /N form */
};

/* Draws @ap for key @k at @now and puts it into @w (an update of @doc). */
int pdfsig_ap_build(struct pdfsig_placed *out, struct pdf_doc *doc, struct pdf_write *w,
		    const struct pdfsig_appearance *ap, const struct sigkey *k, time_t now);

#endif
