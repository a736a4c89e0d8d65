/*
 * cli.h: the `dinh` command-line program, as a library so that tests can
 * drive it: argument parsing, help, passwords, the exit-code mapping, the
 * table printer, and the commands (cmd_*.c).  Every function named cmd_* or
 * cli_main returns a process exit status (enum cli_exit), never an E_* code.
 */
#ifndef DINH_CLI_H
#define DINH_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct client;

/* Exit statuses of `dinh` (documented in `dinh --help` and docs/cli.md). */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_USAGE = 1,
	CLI_EXIT_CONNECT = 2,  /* cannot connect, TLS failure, protocol trouble */
	CLI_EXIT_AUTH = 3,     /* identity, password or certificate refused */
	CLI_EXIT_PERM = 4,     /* E_PERM */
	CLI_EXIT_NOTFOUND = 5, /* E_NOTFOUND */
	CLI_EXIT_SERVER = 6,   /* any other error the server reported */
	CLI_EXIT_IO = 7,       /* local I/O error */
	CLI_EXIT_HASH = 8,     /* integrity failure (hash mismatch) */
};

#define CLI_PASSWORD_MAX 1024 /* bytes of a password line */

/* Global options and what was derived from them. */
struct cli {
	const char *server;        /* --server ADDR:PORT */
	const char *identity;      /* --identity FILE.p12 */
	const char *password_file; /* --password-file F */
	const char *ca;            /* --ca FILE */
	const char *data_dir;      /* --data-dir DIR */
	int tls12;                 /* --tls12 */
};

/* Runs `dinh` with @argv (i18n_init() already called); returns the exit status. */
int cli_main(int argc, char **argv);

/* The exit status for an E_* code (E_OK -> 0). */
int cli_exit_code(int err);

/* Prints "dinh: <translated message>: <detail>" on stderr for @err and
 * returns cli_exit_code(@err). */
int cli_fail(int err);

/* Prints @fmt (already translated) as a usage error with a hint to --help;
 * returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The first line of @path without its line end, malloc'd (wipe with
 * cli_free_secret).  E_IO if unreadable, E_INVAL if the line is empty,
 * E_TOOBIG over CLI_PASSWORD_MAX bytes.
 */
int cli_read_password_file(char **out, const char *path);

/*
 * A password from @file if not NULL, else from the environment variable
 * @env, else asked on the terminal with @prompt without echo.  E_PASSWORD
 * when none of these is possible.
 */
int cli_get_password(char **out, const char *file, const char *env, const char *prompt);

/* The password of a new PKCS#12 file: from @file, else DINH_NEW_PASSWORD,
 * else a random one (*generated set: the caller shows it once). */
int cli_new_password(char **out, const char *file, int *generated);

/* Overwrites a NUL-terminated secret and frees it; NULL is fine. */
void cli_free_secret(char *s);

/* Columns a UTF-8 string takes on a terminal (wcswidth; code points not
 * counting combining marks when the locale cannot convert it). */
size_t cli_text_width(const char *s);

/* Prints @nrows rows of @ncols cells (row-major, row 0 the header), each
 * column padded to its widest cell plus two spaces. */
int cli_table_print(FILE *f, const char *const *cells, size_t nrows, size_t ncols);

/* Connects with the global options (see `dinh --help`); returns an exit
 * status, *cl set on CLI_EXIT_OK. */
int cli_connect(struct client **cl, const struct cli *c);

/* Parses "--help"/"-h" only; 1 if argv holds a help request. */
int cli_wants_help(int argc, char **argv);

/* The commands; @argv[0] is the command name ("ping", "add"...). */
int cmd_ping(const struct cli *c, int argc, char **argv);
int cmd_whoami(const struct cli *c, int argc, char **argv);
int cmd_user(const struct cli *c, int argc, char **argv);
int cmd_hall(const struct cli *c, int argc, char **argv);
/* cmd_cert.c: `dinh cert issue|revoke|crl`, document-signing certificates. */
int cmd_cert(const struct cli *c, int argc, char **argv);
int cmd_file(const struct cli *c, int argc, char **argv);
int cmd_doc(const struct cli *c, int argc, char **argv);
int cmd_wf(const struct cli *c, int argc, char **argv);
/* cmd_meet.c: `dinh meeting ...`. */
int cmd_meeting(const struct cli *c, int argc, char **argv);
/* cmd_pdf.c: `dinh pdf info|text|render FILE`, offline, in the sandbox;
 * `dinh pdf gen` goes to cmd_pdf_gen. */
int cmd_pdf(const struct cli *c, int argc, char **argv);
/* cmd_pdfgen.c: `dinh pdf gen KIND INPUT.xml OUT.pdf`, offline; @argv[0] is
 * "gen". */
int cmd_pdf_gen(const struct cli *c, int argc, char **argv);
void cli_help_pdfgen(void);
/* cmd_pdfsig.c: `dinh pdf sign|verify`, offline; @argv[0] is "sign" or
 * "verify".  verify exits with CLI_EXIT_HASH unless every signature is valid. */
int cmd_pdf_sign(const struct cli *c, int argc, char **argv);
int cmd_pdf_verify(const struct cli *c, int argc, char **argv);
void cli_help_pdfsig(void);
/* cmd_docq.c: `dinh doc inbox|search|lookup|register|stats`. */
int cmd_doc_query(const struct cli *c, int argc, char **argv);
void cli_help_docq(void);
/* cmd_file.c: downloads the stored file @hex to @outp (resuming, verified). */
struct client;
int cli_download(struct client *cl, const char *hex, const char *outp);
/* The same in CHUNK frames of @chunk data bytes (4096 to 262144; 0: the
 * server's default), so a link that drops often keeps each whole chunk. */
int cli_download_chunked(struct client *cl, const char *hex, const char *outp, uint32_t chunk);
/* Uploads the file @path (resuming); its SHA-256 in hex into @hex. */
int cli_upload(struct client *cl, const char *path, char hex[65]);
/* cmd_pdfsrv.c: `dinh pdf sign --server`, `dinh pdf seal`, `dinh pdf verify
 * --server`: the same on the server's files; @argv[0] is the subcommand. */
int cmd_pdf_sign_server(const struct cli *c, int argc, char **argv);
int cmd_pdf_seal(const struct cli *c, int argc, char **argv);
int cmd_pdf_verify_server(const struct cli *c, int argc, char **argv);
void cli_help_pdfsrv(void);

#endif
