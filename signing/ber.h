/*
 * ber.h: BER to DER, for the CMS of other signers.  NSS (pdfsig
 * -add-signature, Firefox-based tools) writes the SignedData of a PDF
 * signature with indefinite lengths; GnuTLS reads DER only.  The
 * re-encoding changes nothing that a signature covers: certificates and
 * signed attributes are DER already (RFC 5652 5.4), and an element that
 * is DER comes out byte for byte the same.
 */
#ifndef DINH_BER_H
#define DINH_BER_H

#include <stddef.h>
#include <stdint.h>

#define BER_DEPTH_MAX 32 /* nesting of constructed elements */

/*
 * Re-encodes the one BER element at the start of @in (@len bytes) in DER:
 * indefinite lengths made definite, every length in its shortest form,
 * constructed OCTET STRINGs joined into one primitive.  *used is the number
 * of bytes of @in the element took (what follows is the caller's).
 * *out is malloc'ed (NULL on failure).  E_INVAL for anything that is not
 * BER (truncated, an end-of-contents out of place, a primitive with an
 * indefinite length, nesting deeper than BER_DEPTH_MAX).
 */
int ber_to_der(uint8_t **out, size_t *out_len, size_t *used, const uint8_t *in, size_t len);

#endif
