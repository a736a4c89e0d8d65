/*
 * test_pdfsig.c: signing PDFs (signing/pdfsig.c) and verifying them
 * (signing/pdfverify.c): CAdES and PKCS#7, every cross-reference style,
 * serial signatures, keys from PEM and PKCS#12, the shared corpus signed by
 * another implementation, and the other tools' verdicts on our files
 * (openssl cms, qpdf, pdfsig).
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "tests/pdf/pdfgen.h"
#include "tests/signing/sigfix.h"
#include "tests/testutil.h"

static void check_one(const struct pdfverify_sig *s, const char *signer, const char *subfilter)
{
	ck_assert_msg(s->intact, "not intact: %s", s->integrity);
	ck_assert_msg(s->trusted, "not trusted: %s", s->trust_why);
	ck_assert_str_eq(s->signer, signer);
	ck_assert_str_eq(s->subfilter, subfilter);
	ck_assert_msg(strncmp(s->m, "D:", 2) == 0 && strstr(s->m, "+07'00'"), "/M %s", s->m);
}

START_TEST(sign_each_style)
{
	static const enum tg_style styles[] = {TG_TABLE, TG_STREAM, TG_OBJSTM};
	size_t len, slen;
	uint8_t *in = tg_make(styles[_i], &len), *out;
	struct pdfverify_report *r;

	out = sf_sign(in, len, sf.spec, NULL, 0, &slen);
	ck_assert_int_eq(memcmp(in, out, len), 0);
	r = sf_verify(out, slen, sf.tl);
	ck_assert_uint_eq(r->n, 1);
	check_one(&r->sig[0], SF_SIGNER, "ETSI.CAdES.detached");
	ck_assert_int_eq(r->sig[0].coverage, PDFVERIFY_WHOLE);
	ck_assert_int_eq(r->sig[0].signing_time, -1);
	ck_assert_int_eq(pdfverify_all_valid(r), 1);
	pdfverify_report_free(r);
	free(in);
	free(out);
}
END_TEST

START_TEST(sign_pkcs7_has_signing_time)
{
	size_t len, slen;
	uint8_t *in = tg_make(TG_TABLE, &len), *out;
	struct pdfverify_report *r;

	out = sf_sign(in, len, sf.p12, SF_PASSWORD, 1, &slen);
	r = sf_verify(out, slen, sf.tl);
	ck_assert_uint_eq(r->n, 1);
	check_one(&r->sig[0], SF_SIGNER2, "adbe.pkcs7.detached");
	ck_assert_int_gt(r->sig[0].signing_time, time(NULL) - 600);
	pdfverify_report_free(r);
	free(in);
	free(out);
}
END_TEST

START_TEST(serial_signatures)
{
	size_t len, l1, l2, l3;
	uint8_t *in = tg_make(TG_STREAM, &len), *s1, *s2, *s3;
	struct pdfverify_report *r;
	size_t i;

	s1 = sf_sign(in, len, sf.spec, NULL, 0, &l1);
	s2 = sf_sign(s1, l1, sf.p12, SF_PASSWORD, 0, &l2);
	s3 = sf_sign(s2, l2, sf.spec, NULL, 1, &l3);
	r = sf_verify(s3, l3, sf.tl);
	ck_assert_uint_eq(r->n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(r->sig[i].intact, "%zu: %s", i, r->sig[i].integrity);
		ck_assert_msg(r->sig[i].coverage != PDFVERIFY_MODIFIED, "%zu: %s", i,
			      r->sig[i].coverage_why);
	}
	ck_assert_int_eq(r->sig[0].coverage, PDFVERIFY_ALLOWED);
	ck_assert_int_eq(r->sig[2].coverage, PDFVERIFY_WHOLE);
	ck_assert_str_eq(r->sig[1].signer, SF_SIGNER2);
	ck_assert_int_eq(pdfverify_all_valid(r), 1);
	pdfverify_report_free(r);
	free(in);
	free(s1);
	free(s2);
	free(s3);
}
END_TEST

START_TEST(untrusted_is_not_broken)
{
	size_t len, slen;
	uint8_t *in = tg_make(TG_TABLE, &len), *out;
	struct pdfverify_report *r;

	out = sf_sign(in, len, sf.spec, NULL, 0, &slen);
	r = sf_verify(out, slen, NULL);
	ck_assert_uint_eq(r->n, 1);
	ck_assert(r->sig[0].intact);
	ck_assert(!r->sig[0].trusted);
	ck_assert_int_eq(pdfverify_all_valid(r), 0);
	pdfverify_report_free(r);
	free(in);
	free(out);
}
END_TEST

START_TEST(keys)
{
	struct sigkey *k = (struct sigkey *)1;
	gnutls_x509_crt_t *chain;
	char spec[600];

	ck_assert_int_eq(sigkey_open(&k, sf.p12, "sai"), E_PASSWORD);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(sigkey_open(&k, sf.p12, SF_PASSWORD), E_OK);
	ck_assert_uint_ge(sigkey_chain(k, &chain), 1);
	ck_assert_ptr_eq(chain[0], sigkey_cert(k));
	sigkey_free(k);
	ck_assert_int_eq(sigkey_open(&k, sf.spec, NULL), E_OK);
	ck_assert_uint_eq(sigkey_chain(k, &chain), 2);
	sigkey_free(k);
	/* the CA certificate is not the key's */
	snprintf(spec, sizeof(spec), "%.250s/an.key:%.250s", sf.dir, sf.ca_pem);
	ck_assert_int_eq(sigkey_open(&k, spec, NULL), E_CRYPTO);
	ck_assert_int_lt(sigkey_open(&k, "pkcs11:token=no-such-token", "1234"), 0);
	ck_assert_ptr_null(k);
	ck_assert_int_eq(sigkey_open(&k, "/nonexistent.p12", "x"), E_NOTFOUND);
}
END_TEST

/* Every signature of every file of ../shared/corpus/signed-valid is intact. */
START_TEST(corpus_signed_valid)
{
	const char *cadir = tg_corpus_dir("ca");
	struct trust *tl = NULL;
	char dir[4096];
	struct pdfverify_report *r;
	struct dirent *de;
	char path[8192];
	size_t len, i, files = 0;
	char *data;
	DIR *d;

	ck_assert_msg(cadir, "../shared/corpus not found beside the source tree");
	snprintf(path, sizeof(path), "%s/pyhanko-testing-root.cert.pem", cadir);
	snprintf(dir, sizeof(dir), "%s", tg_corpus_dir("signed-valid"));
	ck_assert_int_eq(trust_open(&tl, NULL, path, NULL), E_OK);
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (!strstr(de->d_name, ".pdf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		ck_assert_int_eq(fs_read_file(path, 64u << 20, &data, &len), E_OK);
		files++;
		r = sf_verify((const uint8_t *)data, len, tl);
		ck_assert_msg(r->n >= 1, "%s: no signature", de->d_name);
		for (i = 0; i < r->n; i++) {
			ck_assert_msg(r->sig[i].intact, "%s: signature %zu: %s", de->d_name, i + 1,
				      r->sig[i].integrity);
			ck_assert_ptr_nonnull(r->sig[i].signer);
			/* the minimal-* files' second revisions also rewrite the
			 * XMP metadata and /Info dates, add a /DR font and an
			 * /Annots array object, and lock the widget they sign:
			 * allowed changes */
			ck_assert_msg(r->sig[i].coverage != PDFVERIFY_MODIFIED, "%s: %zu: %s",
				      de->d_name, i + 1, r->sig[i].coverage_why);
		}
		fprintf(stderr, "%s: %zu signature(s) intact, trust: %s\n", de->d_name, r->n,
			r->sig[0].trusted ? "yes" : r->sig[0].trust_why);
		pdfverify_report_free(r);
		free(data);
	}
	closedir(d);
	ck_assert_uint_eq(files, 6);
	trust_free(tl);
}
END_TEST

static int hexval(int c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* The CMS of the last signature (DER, without its zero padding) and the
 * signed bytes, as files for openssl. */
static void extract(const uint8_t *p, size_t len, const char *cms, const char *data)
{
	size_t v[4], i, n, der;
	uint8_t *c, *s;

	sf_last_range(p, len, v);
	ck_assert_uint_eq(v[2] + v[3], len);
	c = malloc(v[2] - v[1]);
	for (i = v[1] + 1, n = 0; i + 1 < v[2] - 1; i += 2)
		c[n++] = (uint8_t)(hexval(p[i]) << 4 | hexval(p[i + 1]));
	ck_assert(c[0] == 0x30 && c[1] == 0x82);
	der = 4 + ((size_t)c[2] << 8 | c[3]);
	ck_assert_int_eq(fs_write_atomic(cms, c, der, 0600), E_OK);
	s = malloc(v[1] + v[3]);
	memcpy(s, p, v[1]);
	memcpy(s + v[1], p + v[2], v[3]);
	ck_assert_int_eq(fs_write_atomic(data, s, v[1] + v[3], 0600), E_OK);
	free(c);
	free(s);
}

/* openssl cms -verify accepts the CMS of @p over its ranges, with @ca. */
static void openssl_verifies(const uint8_t *p, size_t len, const char *ca)
{
	char cmd[1024], cms[256], data[256];

	snprintf(cms, sizeof(cms), "%s/sig.der", sf.dir);
	snprintf(data, sizeof(data), "%s/signed.bin", sf.dir);
	extract(p, len, cms, data);
	snprintf(cmd, sizeof(cmd),
		 "openssl cms -verify -binary -inform DER -in %s -content %s -CAfile %s "
		 "-purpose any -out /dev/null 2>&1",
		 cms, data, ca);
	ck_assert_str_eq(tu_first_line(cmd), "CMS Verification successful");
}

/* qpdf's linearized copy of @in (the signer must append to it). */
static uint8_t *linearize(uint8_t *in, size_t *len)
{
	char plain[256], cmd[700], *lin;

	snprintf(plain, sizeof(plain), "%s", sf_write("plain.pdf", in, *len));
	free(in);
	snprintf(cmd, sizeof(cmd), "qpdf --linearize %s %s/lin.pdf", plain, sf.dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/lin.pdf", sf.dir);
	ck_assert_int_eq(fs_read_file(cmd, 64u << 20, &lin, len), E_OK);
	return (uint8_t *)lin;
}

/* _i: 1 PKCS#7 (else CAdES), 2 a linearized input. */
START_TEST(interop)
{
	char cmd[2048], pdf[256];
	size_t len, slen;
	uint8_t *in = tg_make(TG_TABLE, &len), *out;

	if (_i & 2)
		in = linearize(in, &len);
	out = sf_sign(in, len, sf.spec, NULL, _i & 1, &slen);
	snprintf(pdf, sizeof(pdf), "%s", sf_write("signed.pdf", out, slen));
	openssl_verifies(out, slen, sf.ca_pem);
	snprintf(cmd, sizeof(cmd), "qpdf --check %s 2>&1 | grep -c 'No syntax or stream'", pdf);
	ck_assert_str_eq(tu_first_line(cmd), "1");
	snprintf(cmd, sizeof(cmd),
		 "mkdir %s/nss && certutil -N -d sql:%s/nss --empty-password && "
		 "certutil -A -d sql:%s/nss -n commune -t CT,C,C -i %s && "
		 "pdfsig -nssdir sql:%s/nss %s 2>&1 | "
		 "grep -c -e 'Signature is Valid' -e 'Total document signed'",
		 sf.dir, sf.dir, sf.dir, sf.ca_pem, sf.dir, pdf);
	ck_assert_str_eq(tu_first_line(cmd), "2");
	free(in);
	free(out);
}
END_TEST

/* Signing in place writes the same file as signing a copy but for the CMS
 * (the key is ECDSA: its signatures differ), leaves the input part alone,
 * and refuses a buffer without room for the update. */
START_TEST(sign_in_place)
{
	struct pdfsig_opts o = {0};
	struct sigkey *k = NULL;
	size_t len, slen, blen = 0, v[4], w[4];
	uint8_t *in = tg_make((enum tg_style)_i, &len), *out, *buf;
	struct pdfverify_report *r;

	o.now = 1767225600;
	ck_assert_int_eq(sigkey_open(&k, sf.spec, NULL), E_OK);
	ck_assert_int_eq(pdfsig_sign(&out, &slen, in, len, k, &o), E_OK);
	buf = calloc(1, len + 100000);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, in, len);
	ck_assert_int_eq(pdfsig_sign_buf(buf, len, slen - 1, &blen, k, &o), E_TOOBIG);
	ck_assert_uint_eq(blen, 0);
	ck_assert_int_eq(memcmp(buf, in, len), 0);
	ck_assert_int_eq(pdfsig_sign_buf(buf, len, len + 100000, &blen, k, &o), E_OK);
	ck_assert_uint_eq(blen, slen);
	sf_last_range(buf, blen, v);
	sf_last_range(out, slen, w);
	ck_assert_int_eq(memcmp(v, w, sizeof(v)), 0);
	ck_assert_int_eq(memcmp(buf, out, v[1]), 0);
	ck_assert_int_eq(memcmp(buf + v[2], out + v[2], v[3]), 0);
	r = sf_verify(buf, blen, sf.tl);
	ck_assert_uint_eq(r->n, 1);
	check_one(&r->sig[0], SF_SIGNER, "ETSI.CAdES.detached");
	pdfverify_report_free(r);
	sigkey_free(k);
	free(buf);
	free(in);
	free(out);
}
END_TEST

/* A digest the caller knows stands for the hash of the ranges only when
 * the /ByteRange is the one it names, and is compared with the CMS's
 * messageDigest like a digest computed here. */
START_TEST(known_digest)
{
	struct pdfverify_known k = {0};
	struct pdfverify_report *r;
	size_t len, slen, v[4], i;
	uint8_t *in = tg_make(TG_STREAM, &len), *out;
	gnutls_hash_hd_t h;

	out = sf_sign(in, len, sf.spec, NULL, 0, &slen);
	sf_last_range(out, slen, v);
	r = sf_verify(out, slen, NULL);
	k.obj = r->sig[0].obj;
	pdfverify_report_free(r);
	for (i = 0; i < 4; i++)
		k.range[i] = v[i];
	ck_assert_int_eq(gnutls_hash_init(&h, GNUTLS_DIG_SHA256), 0);
	ck_assert_int_eq(gnutls_hash(h, out, v[1]), 0);
	ck_assert_int_eq(gnutls_hash(h, out + v[2], v[3]), 0);
	gnutls_hash_deinit(h, k.sha256);
	ck_assert_int_eq(pdfverify_data_known(&r, out, slen, NULL, &k), E_OK);
	ck_assert_msg(r->sig[0].intact, "%s", r->sig[0].integrity);
	pdfverify_report_free(r);
	k.sha256[5] ^= 1;
	ck_assert_int_eq(pdfverify_data_known(&r, out, slen, NULL, &k), E_OK);
	ck_assert(!r->sig[0].intact);
	ck_assert_msg(strstr(r->sig[0].integrity, "messageDigest"), "%s", r->sig[0].integrity);
	pdfverify_report_free(r);
	k.range[3]--; /* another range: the digest is not used, the file is hashed */
	ck_assert_int_eq(pdfverify_data_known(&r, out, slen, NULL, &k), E_OK);
	ck_assert_msg(r->sig[0].intact, "%s", r->sig[0].integrity);
	pdfverify_report_free(r);
	k.range[3]++;
	k.obj++; /* another signature's */
	ck_assert_int_eq(pdfverify_data_known(&r, out, slen, NULL, &k), E_OK);
	ck_assert_msg(r->sig[0].intact, "%s", r->sig[0].integrity);
	pdfverify_report_free(r);
	free(in);
	free(out);
}
END_TEST

/* The file @p with one hex digit of the string @pat (the first after @from,
 * @skip digits in) changed: a copy, still a PDF the object layer reads. */
static uint8_t *flip_hex_after(const uint8_t *p, size_t len, size_t from, const char *pat,
			       size_t skip)
{
	uint8_t *c = malloc(len), *at;

	ck_assert_ptr_nonnull(c);
	memcpy(c, p, len);
	at = memmem(c + from, len - from, pat, strlen(pat));
	ck_assert_msg(at, "%s not found", pat);
	at += strlen(pat) + skip;
	*at = *at == '0' ? '1' : '0';
	return c;
}

static void expect_broken(uint8_t *p, size_t len, const char *why)
{
	struct pdfverify_report *r = sf_verify(p, len, sf.tl);

	ck_assert_uint_eq(r->n, 1);
	ck_assert_msg(!r->sig[0].intact, "a changed file is intact");
	ck_assert_msg(strstr(r->sig[0].integrity, why), "%s", r->sig[0].integrity);
	pdfverify_report_free(r);
	free(p);
}

/* A byte changed in either signed range, in the messageDigest or in the
 * signature value of the CMS: not intact, for the reason it is not. */
START_TEST(tampered_is_broken)
{
	size_t len, slen, v[4], dl;
	uint8_t *in = tg_make(TG_TABLE, &len), *out, *c;
	char hex[5] = {0};

	out = sf_sign(in, len, sf.spec, NULL, 0, &slen);
	sf_last_range(out, slen, v);
	/* range 1: the binary comment of the header */
	c = malloc(slen);
	ck_assert_ptr_nonnull(c);
	memcpy(c, out, slen);
	ck_assert_int_eq(c[9], '%');
	c[10] ^= 1;
	expect_broken(c, slen, "messageDigest");
	/* range 2: the name of the new field */
	c = malloc(slen);
	ck_assert_ptr_nonnull(c);
	memcpy(c, out, slen);
	((uint8_t *)memmem(c + v[2], slen - v[2], "(Signature", 10))[1] = 'T';
	expect_broken(c, slen, "messageDigest");
	/* the messageDigest attribute: OID 1.2.840.113549.1.9.4, SET, OCTET STRING */
	expect_broken(flip_hex_after(out, slen, v[1], "2a864886f70d010904312204", 4), slen,
		      "messageDigest");
	/* the signature value: the CMS's last bytes (a DER of 2 length bytes) */
	memcpy(hex, out + v[1] + 5, 4);
	dl = 4 + strtoul(hex, NULL, 16);
	ck_assert_int_eq(memcmp(out + v[1] + 1, "3082", 4), 0);
	expect_broken(flip_hex_after(out, slen, v[1] + 1 + 2 * (dl - 8), "", 0), slen,
		      "does not verify");
	free(in);
	free(out);
}
END_TEST

/* An RSA key (the commune's are ECDSA; citizens may bring RSA ones), with
 * its own CA made by openssl: the SignedData dinh encodes for it (PKCS#7 and
 * CAdES) verifies with dinh and with openssl cms. */
START_TEST(rsa_interop)
{
	char cmd[2048], spec[700];
	size_t len, slen;
	uint8_t *in = tg_make(TG_TABLE, &len), *out;
	struct pdfverify_report *r;

	snprintf(cmd, sizeof(cmd),
		 "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout rca.key -out rca.pem "
		 "-days 30 -subj /CN=RSA-CA -addext basicConstraints=critical,CA:TRUE "
		 "-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null && "
		 "openssl req -newkey rsa:2048 -nodes -keyout rme.key -out rme.csr -subj "
		 "/CN=RSA-Signer "
		 "2>/dev/null && printf 'keyUsage=critical,digitalSignature,nonRepudiation\\n' "
		 ">rext && "
		 "openssl x509 -req -in rme.csr -CA rca.pem -CAkey rca.key -CAcreateserial "
		 "-out rme.pem -days 30 -extfile rext 2>/dev/null && echo ok",
		 sf.dir);
	ck_assert_str_eq(tu_first_line(cmd), "ok");
	snprintf(spec, sizeof(spec), "%s/rme.key:%s/rme.pem:%s/rca.pem", sf.dir, sf.dir, sf.dir);
	out = sf_sign(in, len, spec, NULL, _i, &slen);
	r = sf_verify(out, slen, NULL);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_msg(r->sig[0].intact, "%s", r->sig[0].integrity);
	ck_assert_str_eq(r->sig[0].signer, "RSA-Signer");
	ck_assert_int_eq(r->sig[0].signing_time >= 0, _i);
	pdfverify_report_free(r);
	snprintf(cmd, sizeof(cmd), "%s/rca.pem", sf.dir);
	openssl_verifies(out, slen, cmd);
	free(in);
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pdfsig");
	TCase *tc = tcase_create("sign");

	tcase_add_checked_fixture(tc, sf_setup, sf_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, sign_each_style, 0, 3);
	tcase_add_test(tc, sign_pkcs7_has_signing_time);
	tcase_add_test(tc, serial_signatures);
	tcase_add_test(tc, untrusted_is_not_broken);
	tcase_add_test(tc, tampered_is_broken);
	tcase_add_test(tc, known_digest);
	tcase_add_loop_test(tc, sign_in_place, 0, 3);
	tcase_add_test(tc, keys);
	tcase_add_test(tc, corpus_signed_valid);
	tcase_add_loop_test(tc, interop, 0, 4);
	tcase_add_loop_test(tc, rsa_interop, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite());
}
