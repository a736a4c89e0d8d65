/*
 * cms.c: checking the detached CMS SignedData of PDF signatures, with
 * GnuTLS's pkcs7 API for the parsing and the certificates, and here the
 * signed attributes against the digest of the byte ranges (made in
 * cms_sign.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "common/err.h"
#include "signing/cms.h"
#include "signing/keys.h"

void cms_result_clear(struct cms_result *r)
{
	free(r->signer);
	for (size_t i = 0; i < r->n_certs; i++)
		gnutls_x509_crt_deinit(r->certs[i]);
	memset(r, 0, sizeof(*r));
	r->signing_time = -1;
	r->gen_time = -1;
}

static int datum_eq(const gnutls_datum_t *a, const void *p, size_t n)
{
	return a->size == n && memcmp(a->data, p, n) == 0;
}

/* 1 if @crt is the one the SignerInfo names. */
static int is_signer(gnutls_x509_crt_t crt, const gnutls_pkcs7_signature_info_st *info)
{
	gnutls_datum_t dn = {NULL, 0};
	uint8_t buf[128];
	size_t n = sizeof(buf);
	int ok = 0;

	if (info->signer_serial.size) {
		if (gnutls_x509_crt_get_serial(crt, buf, &n) < 0 ||
		    !datum_eq(&info->signer_serial, buf, n) ||
		    gnutls_x509_crt_get_raw_issuer_dn(crt, &dn) < 0)
			return 0;
		ok = info->issuer_dn.size == dn.size &&
		     memcmp(info->issuer_dn.data, dn.data, dn.size) == 0;
		gnutls_free(dn.data);
		return ok;
	}
	if (info->issuer_keyid.size && gnutls_x509_crt_get_subject_key_id(crt, buf, &n, NULL) >= 0)
		return datum_eq(&info->issuer_keyid, buf, n);
	return 0;
}

static char *cert_cn(gnutls_x509_crt_t crt)
{
	char buf[512];
	size_t n = sizeof(buf), i;

	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &n) < 0)
		return NULL;
	buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < ' ' || buf[i] == 0x7f)
			buf[i] = ' ';
	return strdup(buf);
}

/* The SHA-256 of @crt's DER in hex, or "" if it cannot be exported. */
static void cert_fpr(char out[65], gnutls_x509_crt_t crt)
{
	uint8_t h[32];
	size_t n = sizeof(h), i;

	out[0] = '\0';
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, h, &n) < 0 || n != 32)
		return;
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* The element at @p (at most @n bytes): *tag, the offset of its content
 * (*hdr) and its length; 0 if it is not a DER element within @n. */
static size_t der_elem(const uint8_t *p, size_t n, uint8_t *tag, size_t *hdr, size_t *len)
{
	size_t k, i;

	if (n < 2)
		return 0;
	*tag = p[0];
	*len = p[1];
	*hdr = 2;
	if (p[1] & 0x80) {
		k = p[1] & 0x7f;
		if (k < 1 || k > 3 || 2 + k > n)
			return 0;
		for (*len = 0, i = 0; i < k; i++)
			*len = *len << 8 | p[2 + i];
		*hdr = 2 + k;
	}
	return *len <= n - *hdr ? *hdr + *len : 0;
}

/* The genTime of a TSTInfo from @p, what follows its messageImprint:
 * serialNumber INTEGER, genTime GeneralizedTime "YYYYMMDDHHMMSS[.f]Z";
 * -1 if unreadable. */
static time_t tst_gentime(const uint8_t *p, size_t n)
{
	size_t hdr, len, t;
	uint8_t tag;
	struct tm tm;
	char txt[16];

	if (!(t = der_elem(p, n, &tag, &hdr, &len)) || tag != 0x02)
		return -1;
	if (!der_elem(p + t, n - t, &tag, &hdr, &len) || tag != 0x18 || len < 15)
		return -1;
	p += t + hdr;
	if (p[len - 1] != 'Z' || (len > 15 && p[14] != '.'))
		return -1;
	memcpy(txt, p, 14);
	txt[14] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (strspn(txt, "0123456789") != 14 ||
	    sscanf(txt, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* The digest and the hash of TSTInfo's messageImprint (RFC 3161):
 * SEQUENCE { version INTEGER, policy OID, messageImprint SEQUENCE {
 * SEQUENCE { algorithm OID ... }, hashedMessage OCTET STRING } ... }. */
static int tst_imprint(const uint8_t *p, size_t n, gnutls_digest_algorithm_t *dig,
		       const uint8_t **hash, size_t *hlen, time_t *gen)
{
	static const uint8_t sha2[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};
	size_t hdr, len, t, i;
	uint8_t tag;

	if (!der_elem(p, n, &tag, &hdr, &len) || tag != 0x30)
		return -1;
	p += hdr, n = len;
	for (i = 0; i < 2; i++) { /* version, policy */
		if (!(t = der_elem(p, n, &tag, &hdr, &len)))
			return -1;
		p += t, n -= t;
	}
	if (!(t = der_elem(p, n, &tag, &hdr, &len)) || tag != 0x30)
		return -1;
	*gen = tst_gentime(p + t, n - t);
	p += hdr, n = len;
	if (!(t = der_elem(p, n, &tag, &hdr, &len)) || tag != 0x30 ||
	    !der_elem(p + hdr, len, &tag, &hdr, &len) || tag != 0x06)
		return -1;
	*dig = GNUTLS_DIG_UNKNOWN;
	if (len == 9 && memcmp(p + 4, sha2, 8) == 0 && p[12] >= 1 && p[12] <= 3)
		*dig = p[12] == 1   ? GNUTLS_DIG_SHA256
		       : p[12] == 2 ? GNUTLS_DIG_SHA384
				    : GNUTLS_DIG_SHA512;
	p += t, n -= t;
	if (!der_elem(p, n, &tag, &hdr, &len) || tag != 0x04)
		return -1;
	*hash = p + hdr;
	*hlen = len;
	return 0;
}

/* The digest @dig of the runs @s into @h; its length, or 0 on failure. */
static size_t hash_spans(gnutls_digest_algorithm_t dig, const struct cms_span *s, size_t n,
			 uint8_t h[64])
{
	gnutls_hash_hd_t hd;
	size_t i;

	if (gnutls_hash_get_len(dig) > 64 || gnutls_hash_init(&hd, dig) < 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i].n && gnutls_hash(hd, s[i].p, s[i].n) < 0) {
			gnutls_hash_deinit(hd, NULL);
			return 0;
		}
	gnutls_hash_deinit(hd, h);
	return gnutls_hash_get_len(dig);
}

/* The timestamp's imprint must be the digest of @data. */
static void check_tst(struct cms_result *r, gnutls_pkcs7_t p7, const struct cms_span *data,
		      size_t nspan)
{
	gnutls_datum_t emb = {NULL, 0};
	gnutls_digest_algorithm_t dig;
	const uint8_t *hash;
	uint8_t h[64];
	size_t hlen;

	r->intact = 0;
	if (gnutls_pkcs7_get_embedded_data(p7, 0, &emb) < 0 ||
	    tst_imprint(emb.data, emb.size, &dig, &hash, &hlen, &r->gen_time) < 0)
		snprintf(r->why, sizeof(r->why), "the timestamp has no readable TSTInfo");
	else if (dig == GNUTLS_DIG_UNKNOWN || hlen != gnutls_hash_get_len(dig))
		snprintf(r->why, sizeof(r->why), "the timestamp's digest is not SHA-2");
	else if (hash_spans(dig, data, nspan, h) != hlen || memcmp(h, hash, hlen))
		snprintf(r->why, sizeof(r->why), "the timestamp is not of these bytes");
	else
		r->intact = 1;
	gnutls_free(emb.data);
}

#define OID_CONTENT_TYPE "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x03"
#define OID_MESSAGE_DIGEST "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x04"
#define VERIFY_FLAGS (GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS)

/* Steps over the element at *p (*n bytes left) if its tag is @tag (0: any):
 * *el the whole element, *in its content (either may be NULL); -1 if the
 * next bytes are not such an element. */
static int der_next(const uint8_t **p, size_t *n, uint8_t tag, struct cms_span *el,
		    struct cms_span *in)
{
	uint8_t t;
	size_t hdr, len, all = der_elem(*p, *n, &t, &hdr, &len);

	if (!all || (tag && t != tag))
		return -1;
	if (el)
		*el = (struct cms_span){*p, all};
	if (in)
		*in = (struct cms_span){*p + hdr, len};
	*p += all;
	*n -= all;
	return 0;
}

/* Enters the element at *p of tag @tag: *p, *n become its content. */
static int der_enter(const uint8_t **p, size_t *n, uint8_t tag)
{
	struct cms_span in;

	if (der_next(p, n, tag, NULL, &in) < 0)
		return -1;
	*p = in.p;
	*n = in.n;
	return 0;
}

/* From the DER of a ContentInfo holding a SignedData: the encapsulated
 * content's type (its OID element) and the first SignerInfo's signedAttrs
 * (the [0] element; n 0 when it has none); -1 if the DER is not that. */
static int signer_attrs(const uint8_t *p, size_t n, struct cms_span *ctype, struct cms_span *attrs)
{
	struct cms_span encap;
	const uint8_t *q;
	size_t m;

	if (der_enter(&p, &n, 0x30) < 0 || der_next(&p, &n, 0x06, NULL, NULL) < 0 ||
	    der_enter(&p, &n, 0xa0) < 0 || der_enter(&p, &n, 0x30) < 0 || /* SignedData */
	    der_next(&p, &n, 0x02, NULL, NULL) < 0 ||                     /* version */
	    der_next(&p, &n, 0x31, NULL, NULL) < 0 ||                     /* digestAlgorithms */
	    der_next(&p, &n, 0x30, NULL, &encap) < 0)
		return -1;
	q = encap.p;
	m = encap.n;
	if (der_next(&q, &m, 0x06, ctype, NULL) < 0)
		return -1;
	while (n && (p[0] == 0xa0 || p[0] == 0xa1)) /* certificates, crls */
		if (der_next(&p, &n, 0, NULL, NULL) < 0)
			return -1;
	if (der_enter(&p, &n, 0x31) < 0 || der_enter(&p, &n, 0x30) < 0 || /* a SignerInfo */
	    der_next(&p, &n, 0x02, NULL, NULL) < 0 ||                     /* version */
	    der_next(&p, &n, 0, NULL, NULL) < 0 ||                        /* sid */
	    der_next(&p, &n, 0x30, NULL, NULL) < 0)                       /* digestAlgorithm */
		return -1;
	*attrs = (struct cms_span){NULL, 0};
	if (n && p[0] == 0xa0)
		return der_next(&p, &n, 0xa0, attrs, NULL);
	return 0;
}

static int span_is(struct cms_span s, const void *p, size_t n)
{
	return s.n == n && memcmp(s.p, p, n) == 0;
}

/* The signed attributes @attrs against the digest @h (@hl bytes) of the
 * data and the content type @ctype: exactly one messageDigest, equal to
 * @h; at most one contentType, equal to @ctype.  NULL when they hold,
 * else why not. */
static const char *attrs_fault(struct cms_span attrs, struct cms_span ctype, const uint8_t *h,
			       size_t hl)
{
	struct cms_span a, oid, set, v;
	const uint8_t *p = attrs.p, *q;
	size_t n = attrs.n, m;
	int md = 0, ct = 0;

	if (der_enter(&p, &n, 0xa0) < 0)
		return "unreadable signed attributes";
	while (n) {
		if (der_next(&p, &n, 0x30, NULL, &a) < 0)
			return "unreadable signed attribute";
		q = a.p;
		m = a.n;
		if (der_next(&q, &m, 0x06, &oid, NULL) < 0 ||
		    der_next(&q, &m, 0x31, NULL, &set) < 0)
			return "unreadable signed attribute";
		q = set.p;
		m = set.n;
		if (span_is(oid, OID_MESSAGE_DIGEST, 11)) {
			if (md++ || der_next(&q, &m, 0x04, NULL, &v) < 0 || m)
				return "the CMS must hold one messageDigest";
			if (!span_is(v, h, hl))
				return "the digest of the signed bytes is not the CMS's "
				       "messageDigest";
		} else if (span_is(oid, OID_CONTENT_TYPE, 11)) {
			if (ct++ || der_next(&q, &m, 0x06, &v, NULL) < 0 || m ||
			    !span_is(v, ctype.p, ctype.n))
				return "the contentType attribute is not the content's type";
		}
	}
	return md ? NULL : "the CMS has no messageDigest";
}

/* GnuTLS's check of a signature over the data itself: on a joined copy. */
static int verify_joined(int *grc, gnutls_pkcs7_t p7, gnutls_x509_crt_t signer,
			 const struct cms_span *data, size_t nspan)
{
	gnutls_datum_t d;
	size_t n = 0, i;
	uint8_t *all;

	for (i = 0; i < nspan; i++)
		n += data[i].n;
	all = malloc(n ? n : 1);
	if (!all)
		return err_set(E_NOMEM, "signed bytes");
	for (n = 0, i = 0; i < nspan; n += data[i].n, i++)
		memcpy(all + n, data[i].p, data[i].n);
	d = (gnutls_datum_t){all, (unsigned)n};
	*grc = gnutls_pkcs7_verify_direct(p7, signer, 0, &d, VERIFY_FLAGS);
	free(all);
	return E_OK;
}

/* The signature over the signed attributes @attrs (signed as a SET). */
static int verify_attrs(int *grc, gnutls_x509_crt_t signer,
			const gnutls_pkcs7_signature_info_st *info, struct cms_span attrs)
{
	uint8_t *set = malloc(attrs.n);
	gnutls_datum_t d = {set, (unsigned)attrs.n};

	if (!set)
		return err_set(E_NOMEM, "signed attributes");
	memcpy(set, attrs.p, attrs.n);
	set[0] = 0x31;
	*grc = gnutls_x509_crt_verify_data2(signer, info->algo, VERIFY_FLAGS, &d, &info->sig);
	free(set);
	return E_OK;
}

/* The data a CMS signs: runs of bytes, and their SHA-256 when the caller
 * has it (cms_check). */
struct signed_data {
	const struct cms_span *span;
	size_t n;
	const uint8_t *sha256;
};

/* The digest @dig of @sd into @h: the caller's SHA-256 when it has it,
 * else hashed here; its length, 0 on failure. */
static size_t data_digest(const struct signed_data *sd, gnutls_digest_algorithm_t dig,
			  uint8_t h[64])
{
	if (sd->sha256 && dig == GNUTLS_DIG_SHA256) {
		memcpy(h, sd->sha256, 32);
		return 32;
	}
	return hash_spans(dig, sd->span, sd->n, h);
}

/* The signature of @der by @signer over @sd: r->intact, or r->why. */
static int check_signature(struct cms_result *r, gnutls_pkcs7_t p7,
			   const gnutls_pkcs7_signature_info_st *info, gnutls_x509_crt_t signer,
			   const gnutls_datum_t *der, const struct signed_data *sd, int tst)
{
	gnutls_digest_algorithm_t dig = gnutls_sign_get_hash_algorithm(info->algo);
	struct cms_span ctype, attrs;
	const char *why = NULL;
	uint8_t h[64];
	size_t hl;
	int grc = 0, rc = E_OK;

	if (tst)
		grc = gnutls_pkcs7_verify_direct(p7, signer, 0, NULL, VERIFY_FLAGS);
	else if (signer_attrs(der->data, der->size, &ctype, &attrs) < 0)
		why = "unreadable SignedData";
	else if (!attrs.n)
		rc = verify_joined(&grc, p7, signer, sd->span, sd->n);
	else if (!(hl = data_digest(sd, dig, h)))
		why = "the CMS's digest algorithm is not supported";
	else if (!(why = attrs_fault(attrs, ctype, h, hl)))
		rc = verify_attrs(&grc, signer, info, attrs);
	if (rc < 0)
		return rc;
	if (why)
		snprintf(r->why, sizeof(r->why), "%s", why);
	else if (grc < 0)
		snprintf(r->why, sizeof(r->why), "the CMS signature does not verify: %s",
			 gnutls_strerror(grc));
	else
		r->intact = 1;
	return E_OK;
}

/* The CMS's certificates, the signer first; *signer_found 0 if absent. */
static int load_certs(gnutls_pkcs7_t p7, const gnutls_pkcs7_signature_info_st *info,
		      gnutls_x509_crt_t *certs, size_t *n, int *found)
{
	int count = gnutls_pkcs7_get_crt_count(p7), i;
	gnutls_datum_t raw;
	gnutls_x509_crt_t c;

	*n = 0;
	*found = 0;
	for (i = 0; i < count && *n < CMS_CERTS_MAX; i++) {
		if (gnutls_pkcs7_get_crt_raw2(p7, (unsigned)i, &raw) < 0)
			continue;
		if (gnutls_x509_crt_init(&c) < 0) {
			gnutls_free(raw.data);
			return err_set(E_NOMEM, "certificate");
		}
		if (gnutls_x509_crt_import(c, &raw, GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(c);
		} else if (!*found && is_signer(c, info)) {
			memmove(certs + 1, certs, *n * sizeof(*certs));
			certs[0] = c;
			(*n)++;
			*found = 1;
		} else {
			certs[(*n)++] = c;
		}
		gnutls_free(raw.data);
	}
	return E_OK;
}

static int check_p7(struct cms_result *r, gnutls_pkcs7_t p7, const gnutls_datum_t *der,
		    const struct signed_data *sd, int tst)
{
	gnutls_pkcs7_signature_info_st info;
	gnutls_x509_crt_t *certs = r->certs;
	size_t i;
	int rc, found = 0;

	if (gnutls_pkcs7_get_signature_count(p7) != 1) {
		snprintf(r->why, sizeof(r->why), "the CMS must hold exactly one signature");
		return E_OK;
	}
	rc = gnutls_pkcs7_get_signature_info(p7, 0, &info);
	if (rc < 0) {
		snprintf(r->why, sizeof(r->why), "unreadable SignerInfo: %s", gnutls_strerror(rc));
		return E_OK;
	}
	r->signing_time = info.signing_time;
	rc = load_certs(p7, &info, certs, &r->n_certs, &found);
	if (rc == E_OK && !found) {
		snprintf(r->why, sizeof(r->why), "the signer's certificate is not in the CMS");
	} else if (rc == E_OK) {
		r->signer = cert_cn(certs[0]);
		cert_fpr(r->cert_sha256, certs[0]);
		/* time is a trust matter, reported by trust_check() */
		rc = check_signature(r, p7, &info, certs[0], der, sd, tst);
		if (rc == E_OK && r->intact && tst)
			check_tst(r, p7, sd->span, sd->n);
	}
	if (!found) {
		for (i = 0; i < r->n_certs; i++)
			gnutls_x509_crt_deinit(certs[i]);
		r->n_certs = 0;
	}
	gnutls_pkcs7_signature_info_deinit(&info);
	return rc;
}

int cms_check(struct cms_result *r, const uint8_t *der, size_t derlen, const struct cms_span *data,
	      size_t nspan, int tst, const uint8_t *sha256)
{
	gnutls_pkcs7_t p7 = NULL;
	gnutls_datum_t d = {(unsigned char *)der, (unsigned)derlen}, emb = {NULL, 0};
	int rc;

	memset(r, 0, sizeof(*r));
	r->signing_time = -1;
	r->gen_time = -1;
	rc = gnutls_pkcs7_init(&p7);
	if (rc < 0)
		return keys_err(rc, "CMS");
	rc = gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER);
	if (rc < 0) {
		snprintf(r->why, sizeof(r->why), "/Contents is not a CMS: %s", gnutls_strerror(rc));
		rc = E_OK;
	} else if (!tst && gnutls_pkcs7_get_embedded_data(p7, 0, &emb) >= 0) {
		snprintf(r->why, sizeof(r->why), "the CMS is not detached");
		gnutls_free(emb.data);
		rc = E_OK;
	} else {
		rc = check_p7(r, p7, &d, &(struct signed_data){data, nspan, sha256}, tst);
	}
	gnutls_pkcs7_deinit(p7);
	return rc;
}
