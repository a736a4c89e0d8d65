/*
 * sandbox.h: PDFs dinh did not make are read in a separate helper process,
 * dinh-pdf-helper, under CPU-time, memory and wall-clock limits, with no
 * file it may write and no descriptor but its input and one pipe.  A crash,
 * a hang or a decompression bomb fails that one job with a reason; the
 * caller (dinhd, dinh) goes on.
 *
 * A job: the helper opens the file at @path (it never gets the caller's
 * memory), does one operation, writes "OK\n" and the result, or
 * "ERR <E_NAME> <detail>\n", to the pipe, and exits.  Blocking callers use
 * pdf_sbx_run(); an event loop watches pdf_sbx_fd(), calls pdf_sbx_pump()
 * when it is readable and pdf_sbx_kill() when its own deadline passes.
 */
#ifndef DINH_SANDBOX_H
#define DINH_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum pdf_op { PDF_OP_INFO = 0, PDF_OP_TEXT = 1, PDF_OP_RENDER = 2 };

struct pdf_limits {
	unsigned cpu_s;   /* CPU seconds (RLIMIT_CPU); 0: 10 */
	size_t mem_bytes; /* address space (RLIMIT_AS); 0: 1 GiB */
	unsigned wall_ms; /* wall clock, enforced by pdf_sbx_run(); 0: 20000 */
	size_t out_max;   /* bytes of result; 0: 64 MiB */
};

struct pdf_job {
	enum pdf_op op;
	const char *path; /* the PDF */
	unsigned page;    /* PDF_OP_RENDER: from 1 */
	unsigned width;   /* PDF_OP_RENDER: pixels */
};

struct pdf_sbx;

/* The helper program: $DINH_PDF_HELPER, else dinh-pdf-helper beside the
 * running program or in ../pdf/ of it (the build tree), else the
 * installed one.  Borrowed, static. */
const char *pdf_sbx_helper(void);

/* Starts @job (@lim may be NULL for the defaults). */
int pdf_sbx_start(struct pdf_sbx **out, const struct pdf_job *job, const struct pdf_limits *lim);
/* The pipe the result arrives on (non-blocking). */
int pdf_sbx_fd(const struct pdf_sbx *s);
/*
 * Reads what is there.  E_AGAIN while the helper is still at work; E_OK
 * when it is done and succeeded: *result (may be NULL) points at the
 * result's bytes (owned by @s) of *len bytes.  Any other code is the
 * job's failure, with a reason in err_detail(): the helper's own refusal
 * (E_INVAL "the PDF cannot be opened: ...", E_TOOBIG ...), E_TIMEOUT when
 * it ran out of CPU time or was killed for the wall clock, E_NOMEM when
 * it ran out of memory, E_INVAL "the PDF crashed the reader" for a crash.
 */
int pdf_sbx_pump(struct pdf_sbx *s, const uint8_t **result, size_t *len);
/* Kills the helper (the wall clock passed); the next pump says E_TIMEOUT. */
void pdf_sbx_kill(struct pdf_sbx *s);
/* Kills the helper if it still runs, reaps it, frees. */
void pdf_sbx_free(struct pdf_sbx *s);

/* Runs @job to its end (or its wall clock) and copies the result to @out. */
int pdf_sbx_run(const struct pdf_job *job, const struct pdf_limits *lim, struct buf *out);

#endif
