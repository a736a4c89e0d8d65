/*
 * gen_sigapp.h: the visible appearances of signatures as Decree 30/2020
 * Appendix I prescribes for electronic documents, each drawn with cairo and
 * pango as a one-page PDF exactly the size of its box (signing/ copies that
 * page into the signed file as the widget's appearance stream):
 *
 * - GEN_SIGAPP_SIGNER, the signer's signature: the title (chức vụ) at the
 *   top, the signature image (a PNG, blue on transparent; without one the
 *   name drawn in a blue italic with a flourish, plainly typeset, so it is
 *   not mistaken for a handwritten image) centred in the image box of
 *   gen_sigapp_image_box(), the full name in bold at the bottom;
 * - GEN_SIGAPP_SEAL, the agency's seal-signature: the red seal (a PNG, or a
 *   round red seal drawn with the agency name around it and a star), at
 *   GEN_SIGAPP_SEAL_D across, centred at the top of the box, the agency
 *   name and the signing time under it;
 * - GEN_SIGAPP_COPY, the stamp of an electronic copy: no image, the copy's
 *   form (SAO Y, SAO LỤC, TRÍCH SAO), the copying agency and the time, in
 *   Liberation Serif (Times New Roman metrics) 10 pt black.
 *
 * Contracts: every string is UTF-8 under GEN_TEXT_MAX (E_INVAL, E_TOOBIG
 * naming the field); user text is never markup.  Text a reader should get
 * back (title, name, agency, time, copy form) is real text in subset fonts
 * with a ToUnicode map; the drawn seal and the fallback signature are
 * outlines.  A PNG is at most GEN_SIGAPP_PNG_MAX bytes and
 * GEN_SIGAPP_PNG_SIDE_MAX pixels a side, else E_TOOBIG; one cairo cannot
 * read is E_INVAL.  Units are points, y up from the box's bottom-left as in
 * PDF (only gen_sigapp_image_box speaks of positions).
 */
#ifndef DINH_GEN_SIGAPP_H
#define DINH_GEN_SIGAPP_H

#include <stddef.h>
#include <stdint.h>

#define GEN_SIGAPP_PNG_MAX (4u << 20)        /* bytes of an image */
#define GEN_SIGAPP_PNG_SIDE_MAX 4096         /* pixels of a side */
#define GEN_SIGAPP_SEAL_D (35.0 * 72 / 25.4) /* a commune seal, 35 mm (check) */

enum gen_sigapp_kind { GEN_SIGAPP_SIGNER, GEN_SIGAPP_SEAL, GEN_SIGAPP_COPY };

struct gen_sigapp {
	enum gen_sigapp_kind kind;
	double w, h;          /* the box, points; 0: gen_sigapp_size() */
	const uint8_t *image; /* PNG: signature (signer) or seal (seal); NULL: drawn */
	size_t image_len;
	const char *name;      /* signer: full name (required) */
	const char *title;     /* signer: chức vụ, or NULL */
	const char *agency;    /* seal, copy: the agency (required) */
	const char *copy_kind; /* copy: "SAO Y", "SAO LỤC", "TRÍCH SAO" (required) */
	const char *time;      /* seal, copy: the signing time as printed (required) */
};

/* The default box of @kind, points. */
void gen_sigapp_size(enum gen_sigapp_kind kind, double *w, double *h);

/* Where a signer box of @w x @h draws the signature image: box[0..3] =
 * x, y, width, height from the box's bottom-left. */
void gen_sigapp_image_box(double w, double h, double box[4]);

/* The appearance @a as a one-page PDF of a->w x a->h; *out malloc'd. */
int gen_sigapp_pdf(uint8_t **out, size_t *len, const struct gen_sigapp *a);

#endif
