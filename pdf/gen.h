/*
 * gen.h: the commune's documents generated as PDF (cairo, pango), laid out
 * as Decree 30/2020 Appendix I prescribes: issuer and number top left, the
 * national heading and the place and date top right, title, summary, body,
 * signer block and "Nơi nhận".  The inputs are plain structs of borrowed
 * UTF-8 strings (never interpreted as markup); nothing here knows the
 * workflow.  Every gen_* that makes a document returns E_OK with a malloc'd
 * PDF in *out / *len (free()), or a negative E_* with *out = NULL: E_INVAL
 * for a missing required field or a string that is not UTF-8, E_TOOBIG over
 * the GEN_*_MAX caps, E_NOMEM, E_INTERNAL when cairo fails.
 *
 * Dates are "YYYY-MM-DD", times "YYYY-MM-DD HH:MM" (or "HH:MM" where said);
 * anything else is printed as given.  Thread-safe: a call uses its own
 * surface and layouts (pango's font map is shared and locked by pango).
 */
#ifndef DINH_GEN_H
#define DINH_GEN_H

#include <stddef.h>
#include <stdint.h>

#define GEN_LIST_MAX 1000       /* entries of any list (participants, rows...) */
#define GEN_TEXT_MAX 16384      /* bytes of one string */
#define GEN_ROWS_MAX 20000      /* rows of a register */
#define GEN_PDF_MAX (64u << 20) /* bytes of a generated PDF */

/* The heading every document starts with. */
struct gen_head {
	const char *parent; /* governing body, caps regular, or NULL ("UBND HUYỆN ...") */
	const char *issuer; /* required: "UBND XÃ MẪU SƠN" */
	const char *number; /* "05/GM-UBND", printed "Số: 05/GM-UBND"; NULL: "Số:   /..." */
	const char *place;  /* required: "Mẫu Sơn" */
	const char *date;   /* "2026-12-02"; NULL leaves "ngày ... tháng ... năm ..." */
};

/* A signature block: "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH" / space / name. */
struct gen_signer {
	const char *authority; /* "TM. ỦY BAN NHÂN DÂN" or NULL */
	const char *position;  /* required: "CHỦ TỊCH" */
	const char *name;      /* "Nguyễn Văn An" or NULL (left blank) */
};

struct gen_list {
	const char *const *items;
	size_t n;
};

struct gen_agenda_item {
	const char *time;      /* "08:00" or "08:00 - 08:30" */
	const char *content;   /* required */
	const char *presenter; /* "Văn phòng UBND" or NULL */
};

/* The invitation (giấy mời) followed by the agenda (chương trình họp). */
struct gen_meeting {
	struct gen_head head;
	const char *subject; /* required: "Họp giao ban tháng 12 năm 2026" */
	const char *start;   /* required: "2026-12-05 08:00" */
	const char *end;     /* "2026-12-05 11:00" or NULL */
	const char *place;   /* required: "Hội trường UBND xã" */
	const char *chair;   /* required: "Ông Nguyễn Văn An, Chủ tịch UBND xã" */
	const char *host;    /* "Ủy ban nhân dân xã Mẫu Sơn" (who invites), or NULL */
	struct gen_list participants; /* "kính mời": one line each */
	const struct gen_agenda_item *items;
	size_t n_items;
	const char *note; /* a closing paragraph or NULL */
	struct gen_signer signer;
	struct gen_list recipients; /* "Nơi nhận": "- X;" each, "- Lưu: VT." added */
};

enum gen_choice { GEN_YES, GEN_NO, GEN_NOVOTE }; /* Đồng ý / Không đồng ý / Không biểu quyết */

struct gen_ballot {
	const char *name;
	enum gen_choice choice;
};

struct gen_vote {
	const char *motion; /* required */
	const struct gen_ballot *ballots;
	size_t n_ballots;
};

struct gen_minutes_item {
	const char *title;   /* required */
	const char *content; /* discussion; "\n" starts a new paragraph */
	const struct gen_vote *votes;
	size_t n_votes;
	const char *conclusion; /* or NULL */
};

struct gen_attendee {
	const char *name;     /* required */
	const char *position; /* or NULL */
	int present;
	const char *reason; /* why absent, or NULL */
};

/* The minutes (biên bản) of a meeting, as many pages as needed. */
struct gen_minutes {
	struct gen_head head;
	const char *subject;   /* required */
	const char *start;     /* required */
	const char *end;       /* or NULL */
	const char *place;     /* required */
	const char *chair;     /* required: name of the chair (chủ trì) */
	const char *secretary; /* required: name of the secretary (thư ký) */
	const struct gen_attendee *attendees;
	size_t n_attendees;
	const struct gen_minutes_item *items;
	size_t n_items;
	const char *conclusion;   /* the meeting's conclusions, or NULL */
	struct gen_signer signer; /* the chair's block on the right */
	struct gen_list recipients;
};

struct gen_paper {
	const char *name;   /* required: "Tờ khai đăng ký khai sinh" */
	const char *copies; /* "01 bản chính" or NULL */
};

/* The dossier receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả). */
struct gen_receipt {
	struct gen_head head;
	const char *code;       /* required: the dossier code */
	const char *status_url; /* required: the status page, drawn as a QR code */
	const char *procedure;  /* required */
	const char *applicant;  /* required */
	const char *address;    /* or NULL */
	const char *phone;      /* or NULL */
	const struct gen_paper *papers;
	size_t n_papers;
	const char *received;     /* required, "YYYY-MM-DD HH:MM" */
	const char *due;          /* required, "YYYY-MM-DD HH:MM" */
	const char *return_place; /* where the result is returned, or NULL */
	const char *receiver;     /* the desk officer's name, or NULL */
};

enum gen_timing { GEN_TIMING_NONE, GEN_ON_TIME, GEN_LATE };

struct gen_handover {
	const char *from;   /* required */
	const char *to;     /* required */
	const char *time;   /* required */
	const char *result; /* or NULL */
	enum gen_timing timing;
};

/* The process-control slip (phiếu kiểm soát quá trình giải quyết hồ sơ). */
struct gen_control {
	struct gen_head head;
	const char *code;      /* required */
	const char *procedure; /* required */
	const char *applicant; /* required */
	const char *received;  /* required */
	const char *due;       /* required */
	const struct gen_handover *rows;
	size_t n_rows;
};

enum gen_book {
	GEN_BOOK_INCOMING, /* sổ đăng ký văn bản đến: 10 columns */
	GEN_BOOK_OUTGOING, /* sổ đăng ký văn bản đi: 10 columns */
	GEN_BOOK_FOLLOWUP, /* sổ theo dõi giải quyết văn bản đến: 9 columns */
	GEN_BOOK_DOSSIER,  /* sổ theo dõi hồ sơ: 10 columns */
	GEN_BOOK_COUNT
};

/* A register for a period: landscape A4, the header row on every page. */
struct gen_register {
	enum gen_book book;
	const char *issuer;       /* required */
	const char *parent;       /* or NULL */
	const char *from;         /* required: first day of the period */
	const char *to;           /* required: last day */
	const char *const *cells; /* n_rows * gen_book_columns(book), row-major; NULL = "" */
	size_t n_rows;
};

/* The columns of @book and their headings (the wording of workflow/books.c). */
size_t gen_book_columns(enum gen_book book);
const char *gen_book_heading(enum gen_book book, size_t col);
/* "den", "di", "theo-doi", "hs" -> *out; E_INVAL for another name. */
int gen_book_from_name(enum gen_book *out, const char *name);

int gen_receipt_pdf(uint8_t **out, size_t *len, const struct gen_receipt *r);
int gen_control_pdf(uint8_t **out, size_t *len, const struct gen_control *c);
int gen_meeting_pdf(uint8_t **out, size_t *len, const struct gen_meeting *m);
int gen_minutes_pdf(uint8_t **out, size_t *len, const struct gen_minutes *m);
int gen_register_pdf(uint8_t **out, size_t *len, const struct gen_register *r);

/*
 * Drops pango's default font map (its fonts and caches).  Only for the end
 * of a process under a leak checker (tests): no gen_* call may run during
 * or after it.
 */
void gen_release_caches(void);

#endif
