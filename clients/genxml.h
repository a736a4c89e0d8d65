/*
 * genxml.h: the input of `dinh pdf gen`: a small XML file describing one
 * document (docs/pdf.md, "The XML input"), read with libxml2's safe options
 * (no network, no DTD, no entities, GENXML_MAX bytes) into the structs of
 * pdf/gen.h.  Unknown elements and attributes are refused, so a typo never
 * goes silently missing from a printed paper.
 */
#ifndef DINH_GENXML_H
#define DINH_GENXML_H

#include <stddef.h>
#include <stdint.h>

#include "pdf/gen.h"

#define GENXML_MAX (4u << 20) /* bytes of an input file */

enum genxml_kind { GENXML_RECEIPT, GENXML_SLIP, GENXML_AGENDA, GENXML_MINUTES, GENXML_REGISTER };

/* A parsed input; every string and array belongs to it. */
struct genxml {
	enum genxml_kind kind;
	union {
		struct gen_receipt receipt;
		struct gen_control slip;
		struct gen_meeting agenda;
		struct gen_minutes minutes;
		struct gen_register reg;
	} u;
	void *pool; /* private: the strings and arrays */
};

/* "receipt", "slip", "agenda", "minutes", "register" -> *out; E_INVAL else. */
int genxml_kind_from_name(enum genxml_kind *out, const char *name);

/*
 * Parses @len bytes of @xml as an input of @kind (its root element is the
 * kind's name).  E_OK with *out (free with genxml_free); E_TOOBIG over
 * GENXML_MAX or a list cap, E_XML for XML that is malformed, has a DTD, or
 * does not follow the format, with the reason in err_detail().
 */
int genxml_parse(struct genxml **out, enum genxml_kind kind, const char *xml, size_t len);
void genxml_free(struct genxml *g);

/* Generates the PDF of @g (gen_*_pdf of its kind). */
int genxml_render(uint8_t **out, size_t *len, const struct genxml *g);

#endif
