/*
 * pdf_filter.c: FlateDecode through zlib with a hard output cap, and PNG
 * row predictors; the only zlib user of dinh.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/err.h"
#include "pdf/pdf_filter.h"

static int inflate_capped(uint8_t **out, size_t *outlen, const uint8_t *in, size_t inlen,
			  size_t max)
{
	z_stream zs;
	uint8_t *dst = NULL, *grown;
	size_t cap = 4096, len = 0;
	int zr = Z_OK, rc = E_OK;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return err_set(E_NOMEM, "zlib: cannot initialise");
	zs.next_in = (Bytef *)(uintptr_t)in;
	while (zr != Z_STREAM_END) {
		if (len == cap || !dst) {
			if (dst && cap >= max + 1) {
				rc = err_set(E_TOOBIG, "stream decodes to more than %zu bytes",
					     max);
				goto out;
			}
			cap = dst ? (cap * 2 > max + 1 ? max + 1 : cap * 2) : cap;
			grown = realloc(dst, cap);
			if (!grown) {
				rc = err_set(E_NOMEM, "out of memory");
				goto out;
			}
			dst = grown;
		}
		zs.avail_in = inlen - (size_t)(zs.next_in - in) > UINT32_MAX
				      ? UINT32_MAX
				      : (uInt)(inlen - (size_t)(zs.next_in - in));
		zs.next_out = dst + len;
		zs.avail_out = (uInt)(cap - len);
		zr = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr != Z_OK || (zs.avail_in == 0 && zs.avail_out != 0)) {
			rc = err_set(E_CORRUPT, "FlateDecode: corrupt or truncated data");
			goto out;
		}
	}
	if (len > max) {
		rc = err_set(E_TOOBIG, "stream decodes to more than %zu bytes", max);
		goto out;
	}
	*out = dst;
	*outlen = len;
	dst = NULL;
out:
	inflateEnd(&zs);
	free(dst);
	return rc;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Undoes PNG predictors in place: rows of 1 filter byte + @rowlen bytes
 * become rows of @rowlen bytes.  @bpp is bytes per pixel. */
static int png_unpredict(uint8_t *d, size_t *len, size_t rowlen, size_t bpp)
{
	size_t rows, r, i, o = 0;
	uint8_t *prev = NULL;

	if (*len % (rowlen + 1) != 0)
		return err_set(E_CORRUPT, "PNG predictor: %zu bytes are not whole rows of %zu",
			       *len, rowlen + 1);
	rows = *len / (rowlen + 1);
	for (r = 0; r < rows; r++) {
		int f = d[r * (rowlen + 1)];
		uint8_t *row = d + o;

		memmove(row, d + r * (rowlen + 1) + 1, rowlen);
		for (i = 0; i < rowlen; i++) {
			int a = i >= bpp ? row[i - bpp] : 0, b = prev ? prev[i] : 0;
			int c = prev && i >= bpp ? prev[i - bpp] : 0;

			switch (f) {
			case 0:
				break;
			case 1:
				row[i] = (uint8_t)(row[i] + a);
				break;
			case 2:
				row[i] = (uint8_t)(row[i] + b);
				break;
			case 3:
				row[i] = (uint8_t)(row[i] + (a + b) / 2);
				break;
			case 4:
				row[i] = (uint8_t)(row[i] + paeth(a, b, c));
				break;
			default:
				return err_set(E_CORRUPT, "PNG predictor: bad row filter %d", f);
			}
		}
		prev = row;
		o += rowlen;
	}
	*len = o;
	return E_OK;
}

static int int_param(const struct pdf_obj *parms, const char *key, int64_t dflt, int64_t lo,
		     int64_t hi, int64_t *out)
{
	const struct pdf_obj *v = pdf_obj_dict_get(parms, key);

	*out = dflt;
	if (!v)
		return E_OK;
	if (v->type != PDF_INT || v->u.i < lo || v->u.i > hi)
		return err_set(E_CORRUPT, "/DecodeParms /%s is not an integer in [%lld, %lld]", key,
			       (long long)lo, (long long)hi);
	*out = v->u.i;
	return E_OK;
}

static int apply_predictor(uint8_t *d, size_t *len, const struct pdf_obj *parms)
{
	int64_t pred = 1, colors = 1, bpc = 8, cols = 1;
	int rc;

	if (!parms || parms->type == PDF_NULL)
		return E_OK;
	if (parms->type != PDF_DICT)
		return err_set(E_CORRUPT, "/DecodeParms is not a dictionary");
	rc = int_param(parms, "Predictor", 1, 1, 15, &pred);
	if (rc == E_OK)
		rc = int_param(parms, "Colors", 1, 1, 32, &colors);
	if (rc == E_OK)
		rc = int_param(parms, "BitsPerComponent", 8, 1, 16, &bpc);
	if (rc == E_OK)
		rc = int_param(parms, "Columns", 1, 1, PDF_FILTER_COLUMNS_MAX, &cols);
	if (rc < 0 || pred == 1)
		return rc;
	if (pred < 10)
		return err_set(E_INVAL, "predictor %lld not supported", (long long)pred);
	if (bpc != 8)
		return err_set(E_INVAL, "PNG predictor with %lld bits per component not supported",
			       (long long)bpc);
	return png_unpredict(d, len, (size_t)(colors * cols), (size_t)colors);
}

int pdf_filter_decode(uint8_t **out, size_t *outlen, const struct pdf_obj *dict, const uint8_t *raw,
		      size_t rawlen, size_t max)
{
	const struct pdf_obj *f = pdf_obj_dict_get(dict, "Filter");
	const struct pdf_obj *parms = pdf_obj_dict_get(dict, "DecodeParms");
	const struct pdf_obj *name = f, *parm = parms;
	uint8_t *d = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (f && f->type == PDF_ARRAY) {
		if (f->u.a.n > 1)
			return err_set(E_INVAL, "a chain of %zu filters is not supported",
				       f->u.a.n);
		name = f->u.a.n ? f->u.a.v[0] : NULL;
		parm = parms && parms->type == PDF_ARRAY && parms->u.a.n ? parms->u.a.v[0] : NULL;
	}
	if (!name) {
		if (rawlen > max)
			return err_set(E_TOOBIG, "stream of %zu bytes is over %zu", rawlen, max);
		d = malloc(rawlen ? rawlen : 1);
		if (!d)
			return err_set(E_NOMEM, "out of memory");
		memcpy(d, raw, rawlen);
		*out = d;
		*outlen = rawlen;
		return E_OK;
	}
	if (!pdf_obj_is_name(name, "FlateDecode"))
		return err_set(E_INVAL, "filter %s%s not supported",
			       name->type == PDF_NAME ? "/" : "",
			       name->type == PDF_NAME ? name->u.s.p : "(not a name)");
	rc = inflate_capped(&d, &len, raw, rawlen, max);
	if (rc == E_OK)
		rc = apply_predictor(d, &len, parm);
	if (rc < 0) {
		free(d);
		return rc;
	}
	*out = d;
	*outlen = len;
	return E_OK;
}
