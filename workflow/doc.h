/*
 * doc.h: one document or dossier as the repository keeps it: its metadata
 * (field names of Decree 30/2020 Appendix VI), state, handlers, deadline,
 * files, comments and the trail of every step taken (the rows of the
 * process-control slip).  Stored as meta.xml at doc_path().
 */
#ifndef DINH_DOC_H
#define DINH_DOC_H

#include <stddef.h>
#include <stdint.h>

#define DOC_ID_MAX 48
#define DOC_FIELDS_MAX 48
#define DOC_LIST_MAX 256   /* steps, comments, files, cooperating handlers */
#define DOC_VALUE_MAX 4096 /* bytes of one field value or comment */
#define DOC_XML_MAX (1024 * 1024)

struct doc_kv {
	char *name;
	char *value;
};

/* One step: a state change, a comment, a recall. */
struct doc_step {
	char *time;  /* ISO 8601 with +07:00 */
	char *actor; /* person id */
	char *actor_name;
	char *action;
	char *from;
	char *to;
	char *note; /* may be NULL */
	/* SHA-256 (hex) of the certificate that signed the step's signed PDF, or NULL */
	char *signer_cert;
};

#define DOC_FILE_TEXT_MAX 8192 /* bytes of a file's text kept for search */

struct doc_file {
	char sha256[65];
	char *name;
	char *text; /* the start of a PDF's text, for search; NULL for none */
};

struct doc {
	char id[DOC_ID_MAX];
	char workflow[32];
	char state[32];
	int recalled;
	char *number;             /* register number, e.g. "05/QĐ-UBND"; NULL before numbering */
	char *code;               /* dossier code; NULL for documents */
	char *secret_sha256;      /* dossier: SHA-256 of the citizen's secret */
	char *lead;               /* lead handler (chủ trì) */
	char *coop[DOC_LIST_MAX]; /* cooperating handlers (phối hợp) */
	size_t n_coop;
	char due[11];    /* deadline "YYYY-MM-DD" or "" */
	char paused[11]; /* dossier clock stopped since, or "" */
	char created[11];
	struct doc_kv fields[DOC_FIELDS_MAX];
	size_t n_fields;
	struct doc_file files[DOC_LIST_MAX];
	size_t n_files;
	struct doc_step steps[DOC_LIST_MAX];
	size_t n_steps;
	struct doc_kv comments[DOC_LIST_MAX]; /* name = person id, value = text */
	size_t n_comments;
};

int doc_new(struct doc **out, const char *id, const char *workflow, const char *state);
void doc_free(struct doc *d);

/* Serialises to UTF-8 XML (malloc'd, NUL-terminated). */
int doc_to_xml(const struct doc *d, char **out, size_t *len);
/* Parses what doc_to_xml wrote; E_XML for anything else (no DTD, no
 * entities, no network), E_TOOBIG over DOC_XML_MAX or a list cap. */
int doc_from_xml(struct doc **out, const char *xml, size_t len);

/* Field access; the value is borrowed.  Setting an empty value removes it. */
const char *doc_field(const struct doc *d, const char *name);
int doc_set_field(struct doc *d, const char *name, const char *value);
int doc_add_step(struct doc *d, const struct doc_step *step);
int doc_add_file(struct doc *d, const char *sha256, const char *name);
/* Keeps the first DOC_FILE_TEXT_MAX bytes of @text (cut on a character,
 * control characters as spaces, made valid UTF-8) as file @i's text. */
int doc_set_file_text(struct doc *d, size_t i, const char *text);
int doc_add_comment(struct doc *d, const char *who, const char *text);
int doc_set_str(char **slot, const char *value);

/* 1 if @id is a document id this store makes: [a-z0-9-]{1,47}. */
int doc_id_ok(const char *id);

/* The path of meta.xml for @id "2026-den-000123": docs/2026/den/00/01/2026-den-000123/meta.xml
 * (trees stay near a hundred entries).  E_INVAL for an id not of that shape. */
int doc_path(const char *id, char *out, size_t size);

#endif
