/*
 * ca_crl.c: revocation for the commune CA: the `revoked` list, the CRL re-signed at every
 * revocation (and before it expires), and checking a certificate against the CA and CRL.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "signing/ca.h"
#include "signing/ca_priv.h"
#include "signing/keys.h"

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses a serial in hex (either case, no colons) into bytes. */
static int serial_parse(uint8_t out[CA_SERIAL_MAX], size_t *len, const char *hex)
{
	size_t n = hex ? strlen(hex) : 0;

	if (n == 0 || n % 2 || n / 2 > CA_SERIAL_MAX)
		return err_set(E_INVAL, "serial must be 2 to %d hex digits", 2 * CA_SERIAL_MAX);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_val(hex[i]), lo = hex_val(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return err_set(E_INVAL, "serial is not hexadecimal");
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return E_OK;
}

/* Signs the CRL of every revoked serial with CRL number @number, thisUpdate
 * @now and nextUpdate CA_CRL_DAYS later: *crl and its PEM *pem. */
static int crl_sign(const struct ca *ca, time_t now, uint64_t number, gnutls_x509_crl_t *crl,
		    char **pem)
{
	gnutls_datum_t d = {NULL, 0};
	uint8_t num[8];
	uint64_t n = number;
	int rc;

	*crl = NULL;
	*pem = NULL;
	for (int i = 7; i >= 0; i--, n >>= 8)
		num[i] = (uint8_t)n;
	rc = gnutls_x509_crl_init(crl);
	if (rc < 0)
		return keys_err(rc, "CRL init");
	rc = gnutls_x509_crl_set_version(*crl, 2);
	if (rc >= 0)
		rc = gnutls_x509_crl_set_this_update(*crl, now);
	if (rc >= 0)
		rc = gnutls_x509_crl_set_next_update(*crl, now + (time_t)CA_CRL_DAYS * CA_DAY);
	for (size_t i = 0; rc >= 0 && i < ca->n_revoked; i++)
		rc = gnutls_x509_crl_set_crt_serial(*crl, ca->revoked[i].serial, ca->revoked[i].len,
						    ca->revoked[i].when);
	if (rc >= 0)
		rc = gnutls_x509_crl_set_number(*crl, num, sizeof(num));
	if (rc >= 0 && ca->ski_len)
		rc = gnutls_x509_crl_set_authority_key_id(*crl, ca->ski, ca->ski_len);
	if (rc >= 0)
		rc = gnutls_x509_crl_sign2(*crl, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0);
	if (rc >= 0)
		rc = gnutls_x509_crl_export2(*crl, GNUTLS_X509_FMT_PEM, &d);
	rc = rc < 0 ? keys_err(rc, "build CRL") : ca_datum_dup(pem, &d);
	gnutls_free(d.data);
	if (rc < 0) {
		gnutls_x509_crl_deinit(*crl);
		*crl = NULL;
	}
	return rc;
}

/* Builds and signs the CRL of every revoked serial (CRL number above the last one and not
 * below the time) and makes it current in memory.  Does not write it. */
static int crl_build(struct ca *ca, time_t now)
{
	gnutls_x509_crl_t crl = NULL;
	uint64_t number = ca->crl_number + 1;
	char *pem = NULL;
	int rc;

	/* Never below the time: numbers keep rising even if crl.pem was lost. */
	if (now > 0 && number < (uint64_t)now)
		number = (uint64_t)now;
	rc = crl_sign(ca, now, number, &crl, &pem);
	if (rc < 0)
		return rc;
	free(ca->crl_pem);
	ca->crl_pem = pem;
	if (ca->crl)
		gnutls_x509_crl_deinit(ca->crl);
	ca->crl = crl;
	ca->crl_number = number;
	return E_OK;
}

int ca_crl_pem_at(const struct ca *ca, time_t this_update, char **pem)
{
	gnutls_x509_crl_t crl = NULL;
	int rc = crl_sign(ca, this_update, ca->crl_number, &crl, pem);

	if (crl)
		gnutls_x509_crl_deinit(crl);
	return rc;
}

/* Re-signs the CRL and writes crl.pem durably. */
int ca_crl_rewrite(struct ca *ca)
{
	int rc = crl_build(ca, time(NULL));

	if (rc < 0)
		return rc;
	return ca_write(ca, "crl.pem", ca->crl_pem, strlen(ca->crl_pem), 0644);
}

/* Parses one line "<hex> <time>" of `revoked` into @r. */
static int revoked_parse_line(struct ca_revoked *r, char *line)
{
	char *sp = strchr(line, ' '), *end = NULL;
	unsigned long long t;
	int rc;

	if (!sp)
		return err_set(E_CONFIG, "revoked: line without time: %.60s", line);
	*sp = '\0';
	rc = serial_parse(r->serial, &r->len, line);
	if (rc < 0)
		return err_set(E_CONFIG, "revoked: bad serial %.60s", line);
	ca_hex_encode(r->hex, r->serial, r->len);
	errno = 0;
	t = strtoull(sp + 1, &end, 10);
	if (errno || end == sp + 1 || *end != '\0' || t > (unsigned long long)INT64_MAX)
		return err_set(E_CONFIG, "revoked: bad time for %s", r->hex);
	r->when = (time_t)t;
	return E_OK;
}

static int revoked_add(struct ca *ca, const struct ca_revoked *r)
{
	if (ca->n_revoked == ca->cap_revoked) {
		size_t cap = ca->cap_revoked ? ca->cap_revoked * 2 : 16;
		struct ca_revoked *v = reallocarray(ca->revoked, cap, sizeof(*v));

		if (!v)
			return err_set(E_NOMEM, "revoked list");
		ca->revoked = v;
		ca->cap_revoked = cap;
	}
	ca->revoked[ca->n_revoked++] = *r;
	return E_OK;
}

static const struct ca_revoked *revoked_find(const struct ca *ca, const char *hex)
{
	for (size_t i = 0; i < ca->n_revoked; i++)
		if (strcmp(ca->revoked[i].hex, hex) == 0)
			return &ca->revoked[i];
	return NULL;
}

/* Loads `revoked` (a missing file is an empty list). */
int ca_load_revoked(struct ca *ca)
{
	char *data = NULL, *line, *save = NULL;
	int rc = ca_read(ca, "revoked", CA_REVOKED_MAX, &data, NULL);

	if (rc == E_NOTFOUND)
		return E_OK;
	if (rc < 0)
		return rc;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct ca_revoked r;

		if (!*line)
			continue;
		rc = revoked_parse_line(&r, line);
		if (rc == E_OK && !revoked_find(ca, r.hex))
			rc = revoked_add(ca, &r);
		if (rc < 0)
			break;
	}
	free(data);
	return rc;
}

/* Loads crl.pem: its number, and whether it must be re-signed (*stale) because it does not
 * match `revoked`, is not signed by the CA or expires soon. */
int ca_load_crl(struct ca *ca, int *stale)
{
	gnutls_datum_t d;
	size_t len = 0;
	uint8_t num[32];
	size_t nlen = sizeof(num);
	unsigned crit = 0, status = 0;
	int rc = ca_read(ca, "crl.pem", CA_REVOKED_MAX, &ca->crl_pem, &len);

	*stale = 1;
	if (rc == E_NOTFOUND)
		return E_OK;
	if (rc < 0)
		return rc;
	d.data = (unsigned char *)ca->crl_pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_crl_init(&ca->crl);
	if (rc < 0) {
		ca->crl = NULL;
		return keys_err(rc, "CRL init");
	}
	rc = gnutls_x509_crl_import(ca->crl, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0) { /* unreadable: rebuilt from `revoked` */
		gnutls_x509_crl_deinit(ca->crl);
		ca->crl = NULL;
		return E_OK;
	}
	if (gnutls_x509_crl_get_number(ca->crl, num, &nlen, &crit) >= 0)
		for (size_t i = 0; i < nlen; i++)
			ca->crl_number = ca->crl_number << 8 | num[i];
	rc = gnutls_x509_crl_verify(ca->crl, &ca->crt, 1, 0, &status);
	*stale = rc < 0 || status != 0 ||
		 (size_t)gnutls_x509_crl_get_crt_count(ca->crl) != ca->n_revoked ||
		 gnutls_x509_crl_get_next_update(ca->crl) <
			 time(NULL) + (time_t)CA_CRL_REFRESH_DAYS * CA_DAY;
	return E_OK;
}

int ca_crl_refresh(struct ca *ca)
{
	if (ca->crl && gnutls_x509_crl_get_next_update(ca->crl) >=
			       time(NULL) + (time_t)CA_CRL_REFRESH_DAYS * CA_DAY)
		return E_OK;
	return ca_crl_rewrite(ca);
}

const char *ca_crl_pem(const struct ca *ca)
{
	return ca->crl_pem;
}

/* The `revoked` file for the current list, malloc'd. */
static int revoked_format(char **out, size_t *len, const struct ca *ca)
{
	size_t cap = ca->n_revoked * (CA_SERIAL_HEX_MAX + 24) + 1, used = 0;
	char *s = malloc(cap);

	*out = NULL;
	if (!s)
		return err_set(E_NOMEM, "revoked list");
	s[0] = '\0';
	for (size_t i = 0; i < ca->n_revoked; i++) {
		int n = snprintf(s + used, cap - used, "%s %lld\n", ca->revoked[i].hex,
				 (long long)ca->revoked[i].when);

		if (n < 0 || (size_t)n >= cap - used) {
			free(s);
			return err_set(E_INTERNAL, "revoked list does not fit");
		}
		used += (size_t)n;
	}
	*out = s;
	*len = used;
	return E_OK;
}

int ca_revoke(struct ca *ca, const char *serial_hex)
{
	struct ca_revoked r;
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = serial_parse(r.serial, &r.len, serial_hex);
	if (rc < 0)
		return rc;
	ca_hex_encode(r.hex, r.serial, r.len);
	if (revoked_find(ca, r.hex))
		return err_set(E_EXISTS, "certificate %s is already revoked", r.hex);
	r.when = time(NULL);
	rc = revoked_add(ca, &r);
	if (rc == E_OK)
		rc = revoked_format(&data, &len, ca);
	if (rc == E_OK)
		rc = ca_write(ca, "revoked", data, len, 0644);
	free(data);
	if (rc < 0) {
		if (ca->n_revoked && strcmp(ca->revoked[ca->n_revoked - 1].hex, r.hex) == 0)
			ca->n_revoked--; /* not durable: forget it */
		return rc;
	}
	/* `revoked` is the truth; a CRL that failed to be written is rebuilt by ca_open(). */
	return ca_crl_rewrite(ca);
}

/* Verifies @crt against the CA and its CRL; E_OK, E_REVOKED or E_AUTH. */
static int trust_verify(const struct ca *ca, gnutls_x509_crt_t crt, const char *hex)
{
	gnutls_datum_t why = {NULL, 0};
	unsigned status = 0;
	int rc;

	if (revoked_find(ca, hex))
		return err_set(E_REVOKED, "certificate %s is revoked", hex);
	rc = gnutls_x509_crt_list_verify(&crt, 1, &ca->crt, 1, ca->crl ? &ca->crl : NULL,
					 ca->crl ? 1 : 0, 0, &status);
	if (rc < 0)
		return err_set(E_AUTH, "certificate %s: %s", hex, gnutls_strerror(rc));
	if (status & GNUTLS_CERT_REVOKED)
		return err_set(E_REVOKED, "certificate %s is revoked", hex);
	if (status == 0)
		return E_OK;
	if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0) < 0)
		return err_set(E_AUTH, "certificate %s: not trusted (status %#x)", hex, status);
	rc = err_set(E_AUTH, "certificate %s: %s", hex, (const char *)why.data);
	gnutls_free(why.data);
	return rc;
}

int ca_trust_check(const struct ca *ca, const char *cert_pem_or_der, size_t len, int is_der,
		   char serial_hex[CA_SERIAL_HEX_MAX])
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d;
	char hex[CA_SERIAL_HEX_MAX];
	int rc;

	if (serial_hex)
		serial_hex[0] = '\0';
	if (!cert_pem_or_der || len == 0 || len > CA_FILE_MAX || len > UINT32_MAX)
		return err_set(E_AUTH, "certificate of %zu bytes", len);
	rc = gnutls_x509_crt_init(&crt);
	if (rc < 0)
		return keys_err(rc, "certificate init");
	d.data = (unsigned char *)cert_pem_or_der;
	d.size = (unsigned)len;
	rc = gnutls_x509_crt_import(crt, &d, is_der ? GNUTLS_X509_FMT_DER : GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		rc = err_set(E_AUTH, "unreadable certificate: %s", gnutls_strerror(rc));
		goto out;
	}
	rc = ca_crt_serial_hex(crt, hex);
	if (rc < 0) {
		rc = err_set(E_AUTH, "certificate without a usable serial");
		goto out;
	}
	if (serial_hex)
		memcpy(serial_hex, hex, sizeof(hex));
	rc = trust_verify(ca, crt, hex);
out:
	gnutls_x509_crt_deinit(crt);
	return rc;
}
