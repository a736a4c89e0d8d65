/*
 * ca.c: the commune certification authority: creates and loads the CA directory and issues
 * server and client certificates from fresh keys or PKCS#10 requests, and document-signing
 * certificates for officials and citizens from requests (GnuTLS x509).
 * Revocation, the CRL and trust checks are in ca_crl.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "common/err.h"
#include "common/fsutil.h"
#include "signing/ca.h"
#include "signing/ca_priv.h"
#include "signing/keys.h"

void ca_hex_encode(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A malloc'd NUL-terminated copy of @d. */
int ca_datum_dup(char **out, const gnutls_datum_t *d)
{
	*out = malloc((size_t)d->size + 1);
	if (!*out)
		return err_set(E_NOMEM, "copy of %u bytes", d->size);
	memcpy(*out, d->data, d->size);
	(*out)[d->size] = '\0';
	return E_OK;
}

/* Checks a CN or organisation name: non-empty, bounded, no control characters. */
static int name_check(const char *name, const char *what)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > CA_NAME_MAX)
		return err_set(E_INVAL, "%s must be 1 to %d bytes", what, CA_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return err_set(E_INVAL, "%s contains a control character", what);
	return E_OK;
}

/* Sets a random positive serial of CA_SERIAL_LEN bytes and returns it in hex. */
static int set_random_serial(gnutls_x509_crt_t crt, char hex[CA_SERIAL_HEX_MAX])
{
	uint8_t s[CA_SERIAL_LEN];
	int rc = gnutls_rnd(GNUTLS_RND_NONCE, s, sizeof(s));

	if (rc < 0)
		return keys_err(rc, "random serial");
	s[0] &= 0x7f; /* positive */
	if (s[0] == 0)
		s[0] = 1; /* minimal DER: no leading zero byte */
	rc = gnutls_x509_crt_set_serial(crt, s, sizeof(s));
	if (rc < 0)
		return keys_err(rc, "set serial");
	if (hex)
		ca_hex_encode(hex, s, sizeof(s));
	return E_OK;
}

/* Checks a subject UID: printable ASCII without spaces, at most CA_UID_MAX bytes. */
static int uid_check(const char *uid)
{
	size_t n = strlen(uid);

	if (n > CA_UID_MAX)
		return err_set(E_INVAL, "UID must be at most %d bytes", CA_UID_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)uid[i] <= 0x20 || (unsigned char)uid[i] >= 0x7f)
			return err_set(E_INVAL, "UID must be printable ASCII without spaces");
	return E_OK;
}

/* Sets the subject [C=@country,] [O=@org,] CN=@cn[, UID=@uid] (in that encoding order) as
 * UTF-8 strings. */
static int set_subject(gnutls_x509_crt_t crt, const char *cn, const char *org, const char *country,
		       const char *uid)
{
	int rc = 0;

	if (country)
		rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, country,
						   (unsigned)strlen(country));
	if (rc >= 0 && org)
		rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, org,
						   (unsigned)strlen(org));
	if (rc >= 0)
		rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
						   (unsigned)strlen(cn));
	if (rc >= 0 && uid && *uid)
		rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_LDAP_UID, 0, uid,
						   (unsigned)strlen(uid));
	return rc < 0 ? keys_err(rc, "subject name") : E_OK;
}

/* A DN attribute of @crt (subject) as malloc'd UTF-8; "" when absent. */
static int crt_dn_attr(char **out, gnutls_x509_crt_t crt, const char *oid)
{
	size_t size = 0;
	int rc;

	*out = NULL;
	rc = gnutls_x509_crt_get_dn_by_oid(crt, oid, 0, 0, NULL, &size);
	if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
		*out = strdup("");
		return *out ? E_OK : err_set(E_NOMEM, "name");
	}
	if (rc != GNUTLS_E_SHORT_MEMORY_BUFFER && rc < 0)
		return keys_err(rc, "read name");
	*out = malloc(size + 1);
	if (!*out)
		return err_set(E_NOMEM, "name of %zu bytes", size);
	rc = gnutls_x509_crt_get_dn_by_oid(crt, oid, 0, 0, *out, &size);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		return keys_err(rc, "read name");
	}
	(*out)[size] = '\0';
	return E_OK;
}

int ca_crt_serial_hex(gnutls_x509_crt_t crt, char hex[CA_SERIAL_HEX_MAX])
{
	uint8_t s[64];
	size_t n = sizeof(s);
	int rc = gnutls_x509_crt_get_serial(crt, s, &n);

	if (rc < 0)
		return keys_err(rc, "read serial");
	if (n == 0 || n > CA_SERIAL_MAX)
		return err_set(E_CRYPTO, "serial of %zu bytes", n);
	ca_hex_encode(hex, s, n);
	return E_OK;
}

/* Reads @name in the CA directory (at most @max bytes). */
int ca_read(const struct ca *ca, const char *name, size_t max, char **out, size_t *len)
{
	char *path = fs_join(ca->dir, name);
	int rc;

	*out = NULL;
	if (!path)
		return err_set(E_NOMEM, "path");
	rc = fs_read_file(path, max, out, len);
	free(path);
	return rc;
}

int ca_write(const struct ca *ca, const char *name, const void *data, size_t len, mode_t mode)
{
	char *path = fs_join(ca->dir, name);
	int rc;

	if (!path)
		return err_set(E_NOMEM, "path");
	rc = fs_write_atomic(path, data, len, mode);
	free(path);
	return rc;
}

/* Builds the self-signed CA certificate for @key. */
static int ca_make_cert(gnutls_x509_crt_t *out, gnutls_x509_privkey_t key, const char *commune)
{
	gnutls_x509_crt_t crt = NULL;
	uint8_t kid[64];
	size_t kid_len = sizeof(kid);
	char *cn = NULL;
	time_t now = time(NULL);
	int rc;

	*out = NULL;
	if (asprintf(&cn, "CA %s", commune) < 0)
		return err_set(E_NOMEM, "CA name");
	rc = gnutls_x509_crt_init(&crt);
	if (rc < 0) {
		crt = NULL;
		rc = keys_err(rc, "certificate init");
		goto out;
	}
	rc = set_random_serial(crt, NULL);
	if (rc == E_OK)
		rc = set_subject(crt, cn, commune, "VN", NULL);
	if (rc < 0)
		goto out;
	rc = gnutls_x509_crt_set_version(crt, 3);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key(crt, key);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_activation_time(crt, now - CA_SKEW);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_expiration_time(crt, now + (time_t)CA_VALID_DAYS * CA_DAY);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_basic_constraints(crt, 1, 0);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key_usage(crt,
						   GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
	if (rc >= 0)
		rc = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, kid, &kid_len);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_subject_key_id(crt, kid, kid_len);
	if (rc >= 0)
		rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
	if (rc < 0) {
		rc = keys_err(rc, "build CA certificate");
		goto out;
	}
	*out = crt;
	crt = NULL;
	rc = E_OK;
out:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	free(cn);
	return rc;
}

/* Fills the fields derived from ca->crt: PEM, commune, subject key id. */
static int ca_load_cert_fields(struct ca *ca)
{
	size_t n = sizeof(ca->ski);
	unsigned crit = 0;
	int rc;

	rc = crt_dn_attr(&ca->commune, ca->crt, GNUTLS_OID_X520_ORGANIZATION_NAME);
	if (rc < 0)
		return rc;
	if (!ca->cert_pem) {
		rc = keys_crt_export_pem(&ca->cert_pem, ca->crt);
		if (rc < 0)
			return rc;
	}
	rc = gnutls_x509_crt_get_subject_key_id(ca->crt, ca->ski, &n, &crit);
	ca->ski_len = rc < 0 ? 0 : n;
	return E_OK;
}

void ca_free(struct ca *ca)
{
	if (!ca)
		return;
	if (ca->crt)
		gnutls_x509_crt_deinit(ca->crt);
	if (ca->key)
		gnutls_x509_privkey_deinit(ca->key);
	if (ca->crl)
		gnutls_x509_crl_deinit(ca->crl);
	free(ca->dir);
	free(ca->cert_pem);
	free(ca->crl_pem);
	free(ca->commune);
	free(ca->revoked);
	free(ca);
}

static int ca_alloc(struct ca **out, const char *dir)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return err_set(E_NOMEM, "CA");
	(*out)->dir = strdup(dir);
	if (!(*out)->dir) {
		free(*out);
		*out = NULL;
		return err_set(E_NOMEM, "CA");
	}
	return E_OK;
}

/* Writes the key last: its presence is what makes the CA exist. */
static int ca_create_files(struct ca *ca)
{
	char *key_pem = NULL;
	int rc;

	rc = ca_write(ca, "revoked", "", 0, 0644);
	if (rc == E_OK)
		rc = ca_write(ca, "ca.pem", ca->cert_pem, strlen(ca->cert_pem), 0644);
	if (rc == E_OK)
		rc = ca_crl_rewrite(ca);
	if (rc == E_OK)
		rc = keys_export_pem(&key_pem, ca->key);
	if (rc == E_OK)
		rc = ca_write(ca, "ca.key", key_pem, strlen(key_pem), 0600);
	if (key_pem) {
		gnutls_memset(key_pem, 0, strlen(key_pem));
		free(key_pem);
	}
	return rc;
}

int ca_create(const char *dir, const char *commune)
{
	struct ca *ca = NULL;
	char *keypath = NULL;
	int rc;

	rc = name_check(commune, "commune name");
	if (rc < 0)
		return rc;
	rc = fs_mkdir_p(dir, 0700);
	if (rc < 0)
		return rc;
	keypath = fs_join(dir, "ca.key");
	if (!keypath)
		return err_set(E_NOMEM, "path");
	if (fs_exists(keypath)) {
		rc = err_set(E_EXISTS, "%s already exists", keypath);
		goto out;
	}
	rc = ca_alloc(&ca, dir);
	if (rc == E_OK)
		rc = keys_generate(&ca->key);
	if (rc == E_OK)
		rc = ca_make_cert(&ca->crt, ca->key, commune);
	if (rc == E_OK)
		rc = ca_load_cert_fields(ca);
	if (rc == E_OK)
		rc = ca_create_files(ca);
out:
	ca_free(ca);
	free(keypath);
	return rc;
}

static int ca_load_key(struct ca *ca)
{
	gnutls_datum_t d;
	char *data = NULL;
	size_t len = 0;
	uint8_t k1[64], k2[64];
	size_t n1 = sizeof(k1), n2 = sizeof(k2);
	int rc = ca_read(ca, "ca.key", CA_FILE_MAX, &data, &len);

	if (rc < 0)
		return rc;
	d.data = (unsigned char *)data;
	d.size = (unsigned)len;
	rc = gnutls_x509_privkey_init(&ca->key);
	if (rc < 0) {
		ca->key = NULL;
		rc = keys_err(rc, "key init");
		goto out;
	}
	rc = gnutls_x509_privkey_import2(ca->key, &d, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc < 0) {
		rc = keys_err(rc, "ca.key");
		goto out;
	}
	if (gnutls_x509_privkey_get_key_id(ca->key, GNUTLS_KEYID_USE_SHA1, k1, &n1) < 0 ||
	    gnutls_x509_crt_get_key_id(ca->crt, GNUTLS_KEYID_USE_SHA1, k2, &n2) < 0 || n1 != n2 ||
	    memcmp(k1, k2, n1) != 0) {
		rc = err_set(E_CRYPTO, "ca.key does not match ca.pem");
		goto out;
	}
	rc = E_OK;
out:
	gnutls_memset(data, 0, len);
	free(data);
	return rc;
}

static int ca_load_cert(struct ca *ca)
{
	gnutls_datum_t d;
	size_t len = 0;
	int rc = ca_read(ca, "ca.pem", CA_FILE_MAX, &ca->cert_pem, &len);

	if (rc < 0)
		return rc;
	d.data = (unsigned char *)ca->cert_pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_crt_init(&ca->crt);
	if (rc < 0) {
		ca->crt = NULL;
		return keys_err(rc, "certificate init");
	}
	rc = gnutls_x509_crt_import(ca->crt, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0)
		return keys_err(rc, "ca.pem");
	return ca_load_cert_fields(ca);
}

int ca_open(struct ca **out, const char *dir)
{
	struct ca *ca = NULL;
	int stale = 0, rc;

	*out = NULL;
	rc = ca_alloc(&ca, dir);
	if (rc == E_OK)
		rc = ca_load_cert(ca);
	if (rc == E_OK)
		rc = ca_load_key(ca);
	if (rc == E_OK)
		rc = ca_load_revoked(ca);
	if (rc == E_OK)
		rc = ca_load_crl(ca, &stale);
	if (rc == E_OK && stale)
		rc = ca_crl_rewrite(ca);
	if (rc < 0) {
		ca_free(ca);
		return rc;
	}
	*out = ca;
	return E_OK;
}

const char *ca_cert_pem(const struct ca *ca)
{
	return ca->cert_pem;
}

/* Adds the subject alternative names of a server certificate: IPv4/IPv6 literals as IP
 * addresses, anything else as a DNS name. */
static int set_sans(gnutls_x509_crt_t crt, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ip[16];
		const char *nm = names[i];
		int rc;

		if (!nm || !*nm || strlen(nm) > 253 || strpbrk(nm, " \t\r\n/"))
			return err_set(E_INVAL, "bad server name '%.60s'", nm ? nm : "");
		if (inet_pton(AF_INET, nm, ip) == 1)
			rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 4,
								  GNUTLS_FSAN_APPEND);
		else if (inet_pton(AF_INET6, nm, ip) == 1)
			rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 16,
								  GNUTLS_FSAN_APPEND);
		else
			rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, nm,
								  (unsigned)strlen(nm),
								  GNUTLS_FSAN_APPEND);
		if (rc < 0)
			return keys_err(rc, nm);
	}
	return E_OK;
}

static int is_signer(enum ca_profile profile)
{
	return profile == CA_PROFILE_OFFICIAL || profile == CA_PROFILE_CITIZEN;
}

static unsigned default_days(enum ca_profile profile)
{
	switch (profile) {
	case CA_PROFILE_SERVER:
		return CA_SERVER_DAYS;
	case CA_PROFILE_OFFICIAL:
		return CA_OFFICIAL_DAYS;
	case CA_PROFILE_CITIZEN:
		return CA_CITIZEN_DAYS;
	default:
		return CA_CLIENT_DAYS;
	}
}

/* Key usage and extended key usages of @profile. */
static int set_usages(gnutls_x509_crt_t crt, enum ca_profile profile)
{
	int rc;

	if (!is_signer(profile)) {
		rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
		if (rc >= 0)
			rc = gnutls_x509_crt_set_key_purpose_oid(crt,
								 profile == CA_PROFILE_SERVER
									 ? GNUTLS_KP_TLS_WWW_SERVER
									 : GNUTLS_KP_TLS_WWW_CLIENT,
								 0);
		return rc;
	}
	rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
							GNUTLS_KEY_NON_REPUDIATION);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key_purpose_oid(crt, CA_KP_DOCUMENT_SIGNING, 0);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_EMAIL_PROTECTION, 0);
	return rc;
}

/* Sets version, validity (capped at the CA's own expiry), constraints and usages. */
static int set_profile(gnutls_x509_crt_t crt, const struct ca *ca, enum ca_profile profile,
		       unsigned valid_days)
{
	time_t now = time(NULL), end, ca_end = gnutls_x509_crt_get_expiration_time(ca->crt);
	int rc;

	if (valid_days == 0)
		valid_days = default_days(profile);
	if (valid_days > CA_VALID_DAYS)
		return err_set(E_INVAL, "validity of %u days", valid_days);
	end = now + (time_t)valid_days * CA_DAY;
	if (ca_end != (time_t)-1 && end > ca_end)
		end = ca_end;
	rc = gnutls_x509_crt_set_version(crt, 3);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_activation_time(crt, now - CA_SKEW);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_expiration_time(crt, end);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1);
	if (rc >= 0)
		rc = set_usages(crt, profile);
	if (rc >= 0 && ca->ski_len)
		rc = gnutls_x509_crt_set_authority_key_id(crt, ca->ski, ca->ski_len);
	return rc < 0 ? keys_err(rc, "certificate profile") : E_OK;
}

/* Issues a certificate of @profile for @pub: the common part of both issuing paths. */
static int issue(struct ca *ca, enum ca_profile profile, const char *cn, const char *uid,
		 const char *const *names, size_t n_names, unsigned valid_days, gnutls_pubkey_t pub,
		 char **cert_pem, char serial_hex[CA_SERIAL_HEX_MAX])
{
	gnutls_x509_crt_t crt = NULL;
	uint8_t kid[64];
	size_t kid_len = sizeof(kid);
	char hex[CA_SERIAL_HEX_MAX];
	int rc;

	*cert_pem = NULL;
	rc = gnutls_x509_crt_init(&crt);
	if (rc < 0)
		return keys_err(rc, "certificate init");
	rc = set_random_serial(crt, hex);
	if (rc == E_OK)
		rc = is_signer(profile)
			     ? set_subject(crt, cn,
					   profile == CA_PROFILE_OFFICIAL ? ca->commune : NULL,
					   "VN", uid)
			     : set_subject(crt, cn, ca->commune, NULL, NULL);
	if (rc == E_OK)
		rc = set_profile(crt, ca, profile, valid_days);
	if (rc == E_OK && profile == CA_PROFILE_SERVER)
		rc = set_sans(crt, names, n_names);
	if (rc < 0)
		goto out;
	rc = gnutls_x509_crt_set_pubkey(crt, pub);
	if (rc >= 0)
		rc = gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA1, kid, &kid_len);
	if (rc >= 0)
		rc = gnutls_x509_crt_set_subject_key_id(crt, kid, kid_len);
	if (rc >= 0)
		rc = gnutls_x509_crt_sign2(crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0);
	if (rc < 0) {
		rc = keys_err(rc, "sign certificate");
		goto out;
	}
	rc = keys_crt_export_pem(cert_pem, crt);
	if (rc == E_OK && serial_hex)
		memcpy(serial_hex, hex, sizeof(hex));
out:
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* The public key of @key. */
static int pubkey_of(gnutls_pubkey_t *out, gnutls_x509_privkey_t key)
{
	gnutls_privkey_t pk = NULL;
	int rc;

	*out = NULL;
	rc = gnutls_privkey_init(&pk);
	if (rc >= 0)
		rc = gnutls_privkey_import_x509(pk, key, 0);
	if (rc >= 0)
		rc = gnutls_pubkey_init(out);
	if (rc >= 0)
		rc = gnutls_pubkey_import_privkey(*out, pk, 0, 0);
	if (pk)
		gnutls_privkey_deinit(pk);
	if (rc < 0) {
		if (*out)
			gnutls_pubkey_deinit(*out);
		*out = NULL;
		return keys_err(rc, "public key");
	}
	return E_OK;
}

int ca_issue_keypair(struct ca *ca, enum ca_profile profile, const char *cn,
		     const char *const *names, size_t n_names, unsigned valid_days, char **key_pem,
		     char **cert_pem, char serial_hex[CA_SERIAL_HEX_MAX])
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_pubkey_t pub = NULL;
	int rc;

	*key_pem = NULL;
	*cert_pem = NULL;
	if (profile != CA_PROFILE_SERVER && profile != CA_PROFILE_CLIENT)
		return err_set(E_INVAL, "unknown certificate profile %d", (int)profile);
	rc = name_check(cn, "common name");
	if (rc < 0)
		return rc;
	rc = keys_generate(&key);
	if (rc == E_OK)
		rc = pubkey_of(&pub, key);
	if (rc == E_OK)
		rc = issue(ca, profile, cn, NULL, names, n_names, valid_days, pub, cert_pem,
			   serial_hex);
	if (rc == E_OK)
		rc = keys_export_pem(key_pem, key);
	if (rc < 0) {
		free(*cert_pem);
		*cert_pem = NULL;
	}
	if (pub)
		gnutls_pubkey_deinit(pub);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}

/* Imports a PEM request and checks its self-signature and key strength. */
static int csr_load(gnutls_x509_crq_t *out, const char *csr_pem)
{
	gnutls_datum_t d;
	unsigned bits = 0;
	size_t len = csr_pem ? strlen(csr_pem) : 0;
	int rc, algo;

	*out = NULL;
	if (len == 0 || len > CA_FILE_MAX)
		return err_set(E_INVAL, "certificate request of %zu bytes", len);
	rc = gnutls_x509_crq_init(out);
	if (rc < 0) {
		*out = NULL;
		return keys_err(rc, "request init");
	}
	d.data = (unsigned char *)csr_pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_crq_import(*out, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		rc = keys_err(rc, "certificate request");
		goto fail;
	}
	rc = gnutls_x509_crq_verify(*out, 0);
	if (rc < 0) {
		rc = err_set(E_CRYPTO, "certificate request signature: %s", gnutls_strerror(rc));
		goto fail;
	}
	algo = gnutls_x509_crq_get_pk_algorithm(*out, &bits);
	if (algo < 0 || (algo == GNUTLS_PK_RSA && bits < 2048) || algo == GNUTLS_PK_DSA) {
		rc = err_set(E_CRYPTO, "certificate request key too weak (%s, %u bits)",
			     gnutls_pk_get_name((gnutls_pk_algorithm_t)algo), bits);
		goto fail;
	}
	return E_OK;
fail:
	gnutls_x509_crq_deinit(*out);
	*out = NULL;
	return rc;
}

/* The checked public key of a PEM request. */
static int csr_pubkey(gnutls_pubkey_t *out, const char *csr_pem)
{
	gnutls_x509_crq_t crq = NULL;
	int rc;

	*out = NULL;
	rc = csr_load(&crq, csr_pem);
	if (rc < 0)
		return rc;
	rc = gnutls_pubkey_init(out);
	if (rc >= 0)
		rc = gnutls_pubkey_import_x509_crq(*out, crq, 0);
	gnutls_x509_crq_deinit(crq);
	if (rc < 0) {
		if (*out)
			gnutls_pubkey_deinit(*out);
		*out = NULL;
		return keys_err(rc, "request public key");
	}
	return E_OK;
}

int ca_issue_from_csr(struct ca *ca, const char *csr_pem, const char *cn, unsigned valid_days,
		      char **cert_pem, char serial_hex[CA_SERIAL_HEX_MAX])
{
	gnutls_pubkey_t pub = NULL;
	int rc;

	*cert_pem = NULL;
	rc = name_check(cn, "common name");
	if (rc == E_OK)
		rc = csr_pubkey(&pub, csr_pem);
	if (rc < 0)
		return rc;
	rc = issue(ca, CA_PROFILE_CLIENT, cn, NULL, NULL, 0, valid_days, pub, cert_pem, serial_hex);
	gnutls_pubkey_deinit(pub);
	return rc;
}

int ca_issue_signer(struct ca *ca, enum ca_profile profile, const char *cn, const char *uid,
		    const char *csr_pem, unsigned valid_days, char **cert_pem,
		    char serial_hex[CA_SERIAL_HEX_MAX])
{
	gnutls_pubkey_t pub = NULL;
	int rc;

	*cert_pem = NULL;
	if (!is_signer(profile))
		return err_set(E_INVAL, "not a signing profile: %d", (int)profile);
	rc = name_check(cn, "common name");
	if (rc == E_OK && uid)
		rc = uid_check(uid);
	if (rc == E_OK)
		rc = csr_pubkey(&pub, csr_pem);
	if (rc < 0)
		return rc;
	rc = issue(ca, profile, cn, uid, NULL, 0, valid_days, pub, cert_pem, serial_hex);
	gnutls_pubkey_deinit(pub);
	return rc;
}

int cert_info(const char *cert_pem, char serial_hex[CA_SERIAL_HEX_MAX],
	      char fpr_hex[CA_FPR_HEX_MAX], char **cn, time_t *not_after)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d;
	uint8_t fpr[32];
	size_t n = sizeof(fpr), len = cert_pem ? strlen(cert_pem) : 0;
	int rc;

	if (cn)
		*cn = NULL;
	if (len == 0 || len > CA_FILE_MAX)
		return err_set(E_INVAL, "certificate of %zu bytes", len);
	rc = gnutls_x509_crt_init(&crt);
	if (rc < 0)
		return keys_err(rc, "certificate init");
	d.data = (unsigned char *)cert_pem;
	d.size = (unsigned)len;
	rc = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		rc = keys_err(rc, "certificate");
		goto out;
	}
	rc = serial_hex ? ca_crt_serial_hex(crt, serial_hex) : E_OK;
	if (rc == E_OK && fpr_hex) {
		int g = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fpr, &n);

		if (g < 0 || n != sizeof(fpr))
			rc = keys_err(g < 0 ? g : GNUTLS_E_INTERNAL_ERROR, "fingerprint");
		else
			ca_hex_encode(fpr_hex, fpr, n);
	}
	if (rc == E_OK && not_after)
		*not_after = gnutls_x509_crt_get_expiration_time(crt);
	if (rc == E_OK && cn)
		rc = crt_dn_attr(cn, crt, GNUTLS_OID_X520_COMMON_NAME);
out:
	gnutls_x509_crt_deinit(crt);
	return rc;
}
