/*
 * sigfix.h: the fixture of the PDF signature suites: a commune CA in a
 * scratch directory, an official's and a citizen's keys and document-signing
 * certificates from it (PEM and PKCS#12), a trust store of the CA, and small
 * file helpers.
 */
#ifndef DINH_TESTS_SIGFIX_H
#define DINH_TESTS_SIGFIX_H

#include <stddef.h>
#include <stdint.h>

#include "signing/pdfsig.h"
#include "signing/pdfverify.h"
#include "signing/sigkey.h"

#define SF_SIGNER "Nguyễn Văn An"
#define SF_SIGNER2 "Trần Thị Bình"
#define SF_PASSWORD "mật khẩu 42"

struct sigfix {
	char dir[64];
	char spec[1024]; /* KEY.pem:CERT.pem:CA.pem of SF_SIGNER */
	char p12[128];   /* PKCS#12 of SF_SIGNER2, SF_PASSWORD */
	char ca_pem[128];
	char cadir[96];
	char serial[41];  /* SF_SIGNER's certificate serial (CA_SERIAL_HEX_MAX) */
	struct trust *tl; /* the commune CA (with its CRL) */
};

extern struct sigfix sf;

void sf_setup(void);
void sf_teardown(void);

/* Signs @in (pkcs7 or CAdES) with @spec/@secret; malloc'd result. */
uint8_t *sf_sign(const uint8_t *in, size_t len, const char *spec, const char *secret, int pkcs7,
		 size_t *outlen);
/* Verifies; asserts the file is read. */
struct pdfverify_report *sf_verify(const uint8_t *p, size_t len, const struct trust *tl);
/* sf_sign with options (certification...). */
uint8_t *sf_sign_opts(const uint8_t *in, size_t len, const char *spec, const char *secret,
		      const struct pdfsig_opts *o, size_t *outlen);
/* Writes @p to @name in the scratch directory and returns the path (static). */
const char *sf_write(const char *name, const uint8_t *p, size_t len);
/* The last /ByteRange of the file. */
void sf_last_range(const uint8_t *p, size_t len, size_t v[4]);

#endif
