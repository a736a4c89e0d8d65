/*
 * pdf_filter.h: the stream filters the object layer needs to read
 * cross-reference and object streams: FlateDecode (zlib) and the PNG
 * predictors of its /DecodeParms (ISO 32000-1, 7.4.4).
 *
 * Contracts: output never exceeds @max bytes (E_TOOBIG: a decompression
 * bomb costs at most @max); corrupt data is E_CORRUPT; other filters are
 * E_INVAL ("filter /X not supported").  *out is malloc'ed (caller frees),
 * NULL on failure.
 */
#ifndef DINH_PDF_FILTER_H
#define DINH_PDF_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "pdf/pdf_obj.h"

#define PDF_FILTER_CHAIN_MAX 4       /* filters applied to one stream */
#define PDF_FILTER_COLUMNS_MAX 65536 /* /Columns of a predictor */

/* Decodes the raw data of a stream whose dictionary is @dict. */
int pdf_filter_decode(uint8_t **out, size_t *outlen, const struct pdf_obj *dict, const uint8_t *raw,
		      size_t rawlen, size_t max);

#endif
