/*
 * cms_sign.c: making the detached CMS SignedData of PDF signatures.  Over
 * a digest the caller computed (cms_sign_digest: RSA and ECDSA keys), the
 * whole SignedData is DER-encoded here and only the signature over the
 * signed attributes is GnuTLS's; over contiguous bytes (cms_sign, any key)
 * GnuTLS's pkcs7 API makes it.  The ESS signing-certificate-v2 attribute
 * is encoded here for both.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "common/buf.h"
#include "common/err.h"
#include "signing/cms.h"
#include "signing/keys.h"

#define OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"
#define DER_MAX 2048

struct der {
	uint8_t p[DER_MAX];
	size_t n;
	int over;
};

/* Appends tag, length and @len bytes of @v. */
static void der_put(struct der *d, uint8_t tag, const void *v, size_t len)
{
	uint8_t h[4];
	size_t hn = 0;

	h[hn++] = tag;
	if (len < 128) {
		h[hn++] = (uint8_t)len;
	} else if (len < 256) {
		h[hn++] = 0x81;
		h[hn++] = (uint8_t)len;
	} else {
		h[hn++] = 0x82;
		h[hn++] = (uint8_t)(len >> 8);
		h[hn++] = (uint8_t)len;
	}
	if (len > 0xffff || d->n + hn + len > sizeof(d->p)) {
		d->over = 1;
		return;
	}
	memcpy(d->p + d->n, h, hn);
	memcpy(d->p + d->n + hn, v, len);
	d->n += hn + len;
}

/* Wraps the content of @d in @tag. */
static void der_wrap(struct der *d, uint8_t tag)
{
	struct der t = {{0}, 0, d->over};

	der_put(&t, tag, d->p, d->n);
	*d = t;
}

static void der_cat(struct der *d, const struct der *s)
{
	if (s->over || d->n + s->n > sizeof(d->p)) {
		d->over = 1;
		return;
	}
	memcpy(d->p + d->n, s->p, s->n);
	d->n += s->n;
}

/* SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } with
 * one ESSCertIDv2 { certHash (SHA-256, the default algorithm, so omitted),
 * issuerSerial { GeneralNames { [4] issuer Name }, serialNumber } }. */
static int ess_v2(struct der *out, gnutls_x509_crt_t crt)
{
	struct der gn;
	gnutls_datum_t der = {NULL, 0}, issuer = {NULL, 0};
	uint8_t hash[32], serial[64], ser[65];
	size_t sn = sizeof(serial), n = 0;
	int rc;

	rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der);
	if (rc == 0)
		rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, hash);
	if (rc == 0)
		rc = gnutls_x509_crt_get_raw_issuer_dn(crt, &issuer);
	if (rc == 0)
		rc = gnutls_x509_crt_get_serial(crt, serial, &sn);
	if (rc < 0) {
		rc = keys_err(rc, "signing-certificate-v2");
		goto out;
	}
	if (sn && (serial[0] & 0x80))
		ser[n++] = 0;
	memcpy(ser + n, serial, sn);
	n += sn;
	memset(&gn, 0, sizeof(gn));
	memset(out, 0, sizeof(*out));
	der_put(&gn, 0xa4, issuer.data, issuer.size); /* directoryName */
	der_wrap(&gn, 0x30);                          /* GeneralNames */
	der_put(&gn, 0x02, ser, n);                   /* serialNumber */
	der_wrap(&gn, 0x30);                          /* IssuerSerial */
	der_put(out, 0x04, hash, sizeof(hash));       /* certHash */
	der_cat(out, &gn);
	der_wrap(out, 0x30); /* ESSCertIDv2 */
	der_wrap(out, 0x30); /* SEQUENCE OF */
	der_wrap(out, 0x30); /* SigningCertificateV2 */
	if (out->over)
		rc = err_set(E_CRYPTO, "signing-certificate-v2: issuer name too long");
out:
	gnutls_free(der.data);
	gnutls_free(issuer.data);
	return rc;
}

static int sign_p7(gnutls_pkcs7_t p7, const struct sigkey *k, const gnutls_datum_t *data, int pkcs7)
{
	gnutls_pkcs7_attrs_t attrs = NULL;
	gnutls_x509_crt_t *chain;
	size_t n = sigkey_chain(k, &chain), i;
	unsigned flags = GNUTLS_PKCS7_INCLUDE_CERT;
	struct der ess;
	gnutls_datum_t v;
	int rc = E_OK;

	for (i = 1; rc >= 0 && i < n; i++)
		rc = gnutls_pkcs7_set_crt(p7, chain[i]);
	if (rc < 0)
		return keys_err(rc, "CMS certificates");
	if (pkcs7) {
		flags |= GNUTLS_PKCS7_INCLUDE_TIME;
	} else {
		rc = ess_v2(&ess, chain[0]);
		if (rc < 0)
			return rc;
		v.data = ess.p;
		v.size = (unsigned)ess.n;
		rc = gnutls_pkcs7_add_attr(&attrs, OID_SIGNING_CERT_V2, &v, 0);
		if (rc < 0)
			return keys_err(rc, "signing-certificate-v2");
	}
	rc = gnutls_pkcs7_sign(p7, chain[0], sigkey_privkey(k), data, attrs, NULL,
			       GNUTLS_DIG_SHA256, flags);
	gnutls_pkcs7_attrs_deinit(attrs);
	return rc < 0 ? keys_err(rc, "CMS signature") : E_OK;
}

int cms_sign(uint8_t **out, size_t *outlen, const struct sigkey *k, const uint8_t *data, size_t n,
	     int pkcs7)
{
	gnutls_pkcs7_t p7 = NULL;
	gnutls_datum_t d = {(unsigned char *)data, (unsigned)n}, der = {NULL, 0};
	int rc;

	*out = NULL;
	*outlen = 0;
	rc = gnutls_pkcs7_init(&p7);
	if (rc < 0)
		return keys_err(rc, "CMS");
	rc = sign_p7(p7, k, &d, pkcs7);
	if (rc == E_OK && (rc = gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, &der)) < 0)
		rc = keys_err(rc, "CMS export");
	if (rc == E_OK) {
		*out = malloc(der.size);
		if (!*out)
			rc = err_set(E_NOMEM, "CMS");
		else
			memcpy(*out, der.data, der.size);
		*outlen = *out ? der.size : 0;
	}
	gnutls_free(der.data);
	gnutls_pkcs7_deinit(p7);
	return rc;
}

/* DER of the object identifiers and algorithm identifiers written here;
 * DER(x) is the bytes and their count. */
#define DER(x) (const uint8_t *)(x), sizeof(x) - 1
#define OID_DATA "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01"
#define OID_SIGNED_DATA "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"
#define OID_SHA256 "\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01"
#define OID_CTYPE "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x03"
#define OID_MDIGEST "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x04"
#define OID_STIME "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x09\x05"
#define OID_SCV2 "\x06\x0b\x2a\x86\x48\x86\xf7\x0d\x01\x09\x10\x02\x2f"
/* rsaEncryption with NULL parameters, as GnuTLS and PKCS #7 write it */
#define ALG_RSA "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01\x05\x00"
#define ALG_ECDSA_SHA256 "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02"

int cms_can_sign_digest(const struct sigkey *k)
{
	int pk = gnutls_privkey_get_pk_algorithm(sigkey_privkey(k), NULL);

	return pk == GNUTLS_PK_RSA || pk == GNUTLS_PK_ECDSA;
}

/* Appends the tag and length of an element of @len content bytes. */
static int put_hdr(struct buf *b, uint8_t tag, size_t len)
{
	uint8_t h[6];
	size_t n = 0, k;

	h[n++] = tag;
	if (len < 128) {
		h[n++] = (uint8_t)len;
	} else {
		for (k = 0; k < 4 && (len >> (8 * k)); k++)
			;
		if (len >> 31)
			return err_set(E_TOOBIG, "DER element of %zu bytes", len);
		h[n++] = (uint8_t)(0x80 | k);
		while (k--)
			h[n++] = (uint8_t)(len >> (8 * k));
	}
	return buf_append(b, h, n);
}

static int put_tlv(struct buf *b, uint8_t tag, const void *v, size_t len)
{
	int rc = put_hdr(b, tag, len);

	return rc < 0 ? rc : buf_append(b, v, len);
}

/* Makes the bytes of @b from @from on the content of an element @tag. */
static int wrap_from(struct buf *b, size_t from, uint8_t tag)
{
	struct buf h;
	size_t len = b->len - from;
	uint8_t *room;
	int rc;

	buf_init(&h, 8);
	rc = put_hdr(&h, tag, len);
	room = rc == E_OK ? buf_reserve(b, h.len) : NULL;
	if (rc == E_OK && !room)
		rc = err_set(E_TOOBIG, "CMS");
	if (rc == E_OK) {
		memmove(b->data + from + h.len, b->data + from, len);
		memcpy(b->data + from, h.data, h.len);
		buf_commit(b, h.len);
	}
	buf_free(&h);
	return rc;
}

/* DER order of the elements of a SET OF (X.690 11.6). */
static int der_order(const void *x, const void *y)
{
	const gnutls_datum_t *a = x, *b = y;
	int c = memcmp(a->data, b->data, a->size < b->size ? a->size : b->size);

	return c ? c : (a->size > b->size) - (a->size < b->size);
}

/* Appends SET OF @n elements @e (sorted in place) with @tag. */
static int put_set(struct buf *b, uint8_t tag, gnutls_datum_t *e, size_t n)
{
	size_t from = b->len, i;
	int rc = E_OK;

	qsort(e, n, sizeof(*e), der_order);
	for (i = 0; rc == E_OK && i < n; i++)
		rc = buf_append(b, e[i].data, e[i].size);
	return rc < 0 ? rc : wrap_from(b, from, tag);
}

/* Attribute ::= SEQUENCE { attrType OID, attrValues SET { @v } } */
static void attr(struct der *d, const uint8_t *oid, size_t oidlen, const struct der *v)
{
	memset(d, 0, sizeof(*d));
	der_cat(d, v);
	der_wrap(d, 0x31);
	if (d->n + oidlen <= sizeof(d->p)) {
		memmove(d->p + oidlen, d->p, d->n);
		memcpy(d->p, oid, oidlen);
		d->n += oidlen;
	} else {
		d->over = 1;
	}
	der_wrap(d, 0x30);
}

/* signingTime as UTCTime (RFC 5652 11.3: years 1950 to 2049). */
static int stime(struct der *v, time_t t)
{
	struct tm tm;
	char s[64];

	if (!gmtime_r(&t, &tm) || tm.tm_year < 50 || tm.tm_year >= 150)
		return err_set(E_INVAL, "signing-time out of the UTCTime years");
	snprintf(s, sizeof(s), "%02d%02d%02d%02d%02d%02dZ", tm.tm_year % 100, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	der_put(v, 0x17, s, 13);
	return E_OK;
}

/* The signed attributes, a SET sorted: contentType, messageDigest, and
 * signingTime (@pkcs7) or signing-certificate-v2 of @crt. */
static int signed_attrs(struct buf *b, gnutls_x509_crt_t crt, const uint8_t digest[32], time_t now,
			int pkcs7)
{
	struct der a[3], v;
	gnutls_datum_t e[3];
	size_t i;
	int rc;

	memset(&v, 0, sizeof(v));
	memcpy(v.p, OID_DATA, sizeof(OID_DATA) - 1);
	v.n = sizeof(OID_DATA) - 1;
	attr(&a[0], DER(OID_CTYPE), &v);
	memset(&v, 0, sizeof(v));
	der_put(&v, 0x04, digest, 32);
	attr(&a[1], DER(OID_MDIGEST), &v);
	memset(&v, 0, sizeof(v));
	rc = pkcs7 ? stime(&v, now) : ess_v2(&v, crt);
	if (rc < 0)
		return rc;
	if (pkcs7)
		attr(&a[2], DER(OID_STIME), &v);
	else
		attr(&a[2], DER(OID_SCV2), &v);
	for (i = 0; i < 3; i++) {
		if (a[i].over)
			return err_set(E_CRYPTO, "signed attribute too long");
		e[i] = (gnutls_datum_t){a[i].p, (unsigned)a[i].n};
	}
	return put_set(b, 0x31, e, 3);
}

/* IssuerAndSerialNumber of @crt. */
static int put_sid(struct buf *b, gnutls_x509_crt_t crt)
{
	gnutls_datum_t issuer = {NULL, 0};
	uint8_t serial[64], ser[65];
	size_t sn = sizeof(serial), n = 0, from = b->len;
	int rc;

	rc = gnutls_x509_crt_get_raw_issuer_dn(crt, &issuer);
	if (rc == 0)
		rc = gnutls_x509_crt_get_serial(crt, serial, &sn);
	if (rc < 0) {
		gnutls_free(issuer.data);
		return keys_err(rc, "signer identifier");
	}
	if (sn && (serial[0] & 0x80))
		ser[n++] = 0;
	memcpy(ser + n, serial, sn);
	n += sn;
	rc = buf_append(b, issuer.data, issuer.size);
	if (rc == E_OK)
		rc = put_tlv(b, 0x02, ser, n);
	if (rc == E_OK)
		rc = wrap_from(b, from, 0x30);
	gnutls_free(issuer.data);
	return rc;
}

/* SignerInfo: version 1, sid, sha256, [0] the attributes @sa (a SET, as
 * signed), the signature algorithm of @pk, the signature @sig. */
static int put_signer(struct buf *b, gnutls_x509_crt_t crt, const struct buf *sa, int pk,
		      const gnutls_datum_t *sig)
{
	size_t from = b->len;
	int rc = put_tlv(b, 0x02, "\x01", 1);

	if (rc == E_OK)
		rc = put_sid(b, crt);
	if (rc == E_OK)
		rc = put_tlv(b, 0x30, DER(OID_SHA256));
	if (rc == E_OK)
		rc = buf_append(b, "\xa0", 1); /* [0] IMPLICIT: the SET's tag replaced */
	if (rc == E_OK)
		rc = buf_append(b, sa->data + 1, sa->len - 1);
	if (rc == E_OK)
		rc = pk == GNUTLS_PK_RSA ? buf_append(b, DER(ALG_RSA))
					 : buf_append(b, DER(ALG_ECDSA_SHA256));
	if (rc == E_OK)
		rc = put_tlv(b, 0x04, sig->data, sig->size);
	if (rc == E_OK)
		rc = wrap_from(b, from, 0x30);
	return rc == E_OK ? wrap_from(b, from, 0x31) : rc;
}

/* [0] IMPLICIT SET OF Certificate: the chain of @k. */
static int put_certs(struct buf *b, const struct sigkey *k)
{
	gnutls_x509_crt_t *chain;
	size_t n = sigkey_chain(k, &chain), i;
	gnutls_datum_t *e = calloc(n ? n : 1, sizeof(*e));
	int rc = e ? E_OK : err_set(E_NOMEM, "certificates");

	for (i = 0; rc == E_OK && i < n; i++)
		if ((rc = gnutls_x509_crt_export2(chain[i], GNUTLS_X509_FMT_DER, &e[i])) < 0)
			rc = keys_err(rc, "CMS certificates");
	if (rc == E_OK)
		rc = put_set(b, 0xa0, e, n);
	for (i = 0; e && i < n; i++)
		gnutls_free(e[i].data);
	free(e);
	return rc;
}

/* ContentInfo { signedData, [0] SignedData { version 1, { sha256 },
 * { data }, [0] certificates, { SignerInfo } } }. */
static int put_content_info(struct buf *b, const struct sigkey *k, const struct buf *sa, int pk,
			    const gnutls_datum_t *sig)
{
	gnutls_x509_crt_t *chain;
	int rc = put_tlv(b, 0x02, "\x01", 1);

	sigkey_chain(k, &chain);
	if (rc == E_OK)
		rc = put_hdr(b, 0x31, 2 + sizeof(OID_SHA256) - 1);
	if (rc == E_OK)
		rc = put_tlv(b, 0x30, DER(OID_SHA256));
	if (rc == E_OK)
		rc = put_tlv(b, 0x30, DER(OID_DATA));
	if (rc == E_OK)
		rc = put_certs(b, k);
	if (rc == E_OK)
		rc = put_signer(b, chain[0], sa, pk, sig);
	if (rc == E_OK)
		rc = wrap_from(b, 0, 0x30);
	if (rc == E_OK)
		rc = wrap_from(b, 0, 0xa0);
	if (rc == E_OK && !buf_reserve(b, sizeof(OID_SIGNED_DATA) - 1))
		rc = err_set(E_TOOBIG, "CMS");
	if (rc == E_OK) {
		memmove(b->data + sizeof(OID_SIGNED_DATA) - 1, b->data, b->len);
		memcpy(b->data, DER(OID_SIGNED_DATA));
		buf_commit(b, sizeof(OID_SIGNED_DATA) - 1);
		rc = wrap_from(b, 0, 0x30);
	}
	return rc;
}

int cms_sign_digest(uint8_t **out, size_t *outlen, const struct sigkey *k, const uint8_t digest[32],
		    time_t now, int pkcs7)
{
	gnutls_privkey_t key = sigkey_privkey(k);
	int pk = gnutls_privkey_get_pk_algorithm(key, NULL);
	gnutls_x509_crt_t *chain;
	gnutls_datum_t set, sig = {NULL, 0};
	struct buf sa, b;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (!cms_can_sign_digest(k) || sigkey_chain(k, &chain) < 1)
		return err_set(E_INVAL,
			       "cms_sign_digest: an RSA or ECDSA key with its certificate");
	buf_init(&sa, CMS_ATTRS_MAX);
	buf_init(&b, CMS_SIGN_MAX);
	rc = signed_attrs(&sa, chain[0], digest, now, pkcs7);
	if (rc == E_OK) {
		set = (gnutls_datum_t){sa.data, (unsigned)sa.len};
		rc = gnutls_privkey_sign_data(key, GNUTLS_DIG_SHA256, 0, &set, &sig);
		rc = rc < 0 ? keys_err(rc, "CMS signature") : E_OK;
	}
	if (rc == E_OK)
		rc = put_content_info(&b, k, &sa, pk, &sig);
	gnutls_free(sig.data);
	buf_free(&sa);
	if (rc < 0) {
		buf_free(&b);
		return rc;
	}
	*out = b.data;
	*outlen = b.len;
	return E_OK;
}
