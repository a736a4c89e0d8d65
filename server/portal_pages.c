/*
 * portal_pages.c: the portal's HTML: the frame of every page (lang="vi",
 * a viewport, one small inline style sheet, a skip link, the menu), the
 * lookup form, the generic answers, the procedure catalogue, the monthly
 * statistics (the index query of doc.stats, so the figures are the same)
 * and the signature check.  Mobile first, no JavaScript; every value from
 * outside goes through html().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/i18n.h"
#include "common/log.h"
#include "server/portal_priv.h"
#include "workflow/calendar.h"
#include "workflow/def.h"
#include "workflow/idx.h"

/* Contrast: text #1b1b1b and links #0b4f9c on white, white on #0b4f9c:
 * all above 7:1 (WCAG AAA); the focus ring is thick and yellow on blue. */
const char portal_css[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,"
	"'Noto Sans','DejaVu Sans',sans-serif;color:#1b1b1b;background:#f4f6f9}"
	"header{background:#0b4f9c;color:#fff;padding:.75rem 1rem}"
	"header p{margin:0;font-weight:700;font-size:1.125rem}"
	"nav{display:flex;flex-wrap:wrap;gap:.25rem .75rem;margin-top:.5rem}"
	"nav a{color:#fff;padding:.25rem 0}"
	"main{max-width:40rem;margin:0 auto;padding:1rem}"
	"h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}"
	"h2{font-size:1.2rem;margin:1.25rem 0 .5rem}"
	"a{color:#0b4f9c}"
	"a:focus,button:focus,input:focus,select:focus{outline:3px solid "
	"#ffbf47;outline-offset:2px}"
	".card{background:#fff;border:1px solid #c9d1dc;border-radius:.5rem;padding:1rem;"
	"margin:0 0 1rem}"
	"label{display:block;font-weight:700;margin:.5rem 0 .25rem}"
	"input,select{width:100%;font:inherit;padding:.65rem;border:2px solid #5a6472;"
	"border-radius:.375rem;background:#fff;color:#1b1b1b}"
	"button{font:inherit;font-weight:700;min-height:3rem;padding:.6rem "
	"1.25rem;margin-top:.75rem;"
	"border:0;border-radius:.375rem;background:#0b4f9c;color:#fff;width:100%}"
	".hint{color:#4a5260;font-size:.95rem;margin:.25rem 0}"
	"dl{margin:0;display:grid;grid-template-columns:auto;gap:.15rem}"
	"dt{font-weight:700;margin-top:.5rem}dd{margin:0}"
	".state{font-size:1.125rem;font-weight:700;padding:.75rem;border-left:.4rem solid #0b4f9c;"
	"background:#e8f0fa;margin:0 0 1rem}"
	".ok{color:#0f5c2e;font-weight:700}.late{color:#9b1c1c;font-weight:700}"
	"ol.steps{list-style:none;padding:0;margin:0}"
	"ol.steps li{border-left:3px solid #0b4f9c;padding:0 0 .75rem 1rem;position:relative}"
	"ol.steps time{display:block;color:#4a5260;font-size:.95rem}"
	"table{border-collapse:collapse;width:100%;background:#fff}"
	"th,td{text-align:left;padding:.5rem;border-bottom:1px solid #c9d1dc}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"fieldset{border:0;padding:0;margin:0}legend{font-weight:700;margin-bottom:.25rem}"
	".stars{display:flex;gap:.5rem;flex-wrap:wrap}"
	".stars label{font-weight:400;display:flex;gap:.35rem;align-items:center;margin:0}"
	".stars input{width:1.5rem;height:1.5rem}"
	".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;"
	"color:#0b4f9c;padding:.5rem}"
	"footer{max-width:40rem;margin:0 auto;padding:1rem;color:#4a5260;font-size:.9rem}"
	"@media(min-width:48rem){dl{grid-template-columns:12rem 1fr}dt{margin-top:0}"
	"button{width:auto}}";

void html(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		default:
			break;
		}
		if (e)
			buf_append(b, e, strlen(e));
		else
			buf_append(b, s, 1);
	}
}

void day_vn(char out[11], const char *iso)
{
	if (!iso || strlen(iso) < 10) {
		snprintf(out, 11, "%s", iso ? iso : "");
		return;
	}
	snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

void page_begin(const struct portal *p, struct buf *b, const char *title)
{
	buf_printf(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		      "<title>");
	html(b, title);
	buf_printf(b, " · ");
	html(b, p->commune);
	buf_printf(b, "</title><style>%s</style></head><body>", portal_css);
	buf_printf(b, "<a class=\"skip\" href=\"#main\">%s</a><header><p>", _("Skip to content"));
	html(b, p->commune);
	buf_printf(b,
		   "</p><nav aria-label=\"%s\"><a href=\"/\">%s</a><a href=\"/thu-tuc\">%s</a>"
		   "<a href=\"/thong-ke\">%s</a><a href=\"/kiem-tra\">%s</a></nav></header>"
		   "<main id=\"main\"><h1>",
		   _("Menu"), _("Look up a dossier"), _("Procedures"), _("Statistics"),
		   _("Check a signature"));
	html(b, title);
	buf_printf(b, "</h1>");
}

void page_end(struct buf *b)
{
	buf_printf(
		b, "</main><footer>%s</footer></body></html>\n",
		_("Public service portal of the commune. Your dossier code is on your receipt."));
}

/* The lookup form, on the home page and under the generic answers. */
static void lookup_form(const struct portal *p, struct buf *b)
{
	buf_printf(
		b,
		"<form class=\"card\" method=\"get\" action=\"/tra-cuu\"><label "
		"for=\"ma\">%s</label>"
		"<p class=\"hint\" id=\"ma-hint\">%s</p>"
		"<input id=\"ma\" name=\"ma\" required maxlength=\"63\" autocomplete=\"off\" "
		"autocapitalize=\"characters\" spellcheck=\"false\" aria-describedby=\"ma-hint\">"
		"<button type=\"submit\">%s</button></form>",
		_("Dossier code"), _("As printed on your receipt, e.g. 000.00.00.H01-261202-0001"),
		_("Look up"));
}

void page_home(struct portal *p, struct portal_reply *r)
{
	page_begin(p, &r->body, _("Look up your dossier"));
	buf_printf(&r->body, "<p>%s</p>",
		   _("Type the code of your dossier, or scan the QR code of your receipt."));
	lookup_form(p, &r->body);
	page_end(&r->body);
	r->cache = 1;
}

void page_notfound(const struct portal *p, struct portal_reply *r)
{
	r->status = 404;
	page_begin(p, &r->body, _("Not found"));
	buf_printf(&r->body, "<p class=\"state\">%s</p>",
		   _("Not found. Check the code and the secret on your receipt."));
	lookup_form(p, &r->body);
	page_end(&r->body);
}

void page_later(const struct portal *p, struct portal_reply *r)
{
	r->status = 429;
	page_begin(p, &r->body, _("Please try again later"));
	buf_printf(&r->body, "<p class=\"state\">%s</p>",
		   _("Too many requests. Please try again later."));
	page_end(&r->body);
}

void page_error(const struct portal *p, struct portal_reply *r, unsigned status)
{
	const char *t = status == 413   ? _("The file is too large")
			: status == 405 ? _("This method is not allowed")
					: _("The request is not valid");

	r->status = status;
	page_begin(p, &r->body, t);
	buf_printf(&r->body, "<p><a href=\"/\">%s</a></p>", _("Back to the lookup"));
	page_end(&r->body);
}

/* "2.000 đồng", "Miễn phí". */
static void fee(struct buf *b, unsigned long v)
{
	char d[32], g[48];
	size_t n, o = 0;

	if (!v) {
		buf_printf(b, "%s", _("Free of charge"));
		return;
	}
	n = (size_t)snprintf(d, sizeof(d), "%lu", v);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			g[o++] = '.';
		g[o++] = d[i];
	}
	g[o] = '\0';
	buf_printf(b, _("%s dong"), g);
}

void page_catalogue(struct portal *p, struct portal_reply *r)
{
	struct buf *b = &r->body;

	page_begin(p, b, _("Administrative procedures"));
	for (size_t i = 0; i < def_procedure_count(p->defs); i++) {
		const struct def_procedure *pr = def_procedure_at(p->defs, i);

		buf_printf(b, "<section class=\"card\"><h2>");
		html(b, pr->name);
		buf_printf(b, "</h2><dl><dt>%s</dt><dd>", _("Processing time"));
		buf_printf(b, _("%u working days"), pr->days);
		buf_printf(b, "</dd><dt>%s</dt><dd>", _("Fee"));
		fee(b, pr->fee);
		buf_printf(b, "</dd></dl><h3>%s</h3><ul>", _("Papers to bring"));
		for (size_t k = 0; pr->papers && pr->papers[k]; k++) {
			buf_printf(b, "<li>");
			html(b, pr->papers[k]);
			buf_printf(b, "</li>");
		}
		buf_printf(b, "</ul></section>");
	}
	page_end(b);
	r->cache = 1;
}

/* A share rounded down to a tenth of a percent, as `dinh doc stats`
 * prints it, with a decimal comma: "66,6%". */
static void share(struct buf *b, size_t part, size_t whole)
{
	unsigned long long t = whole ? (unsigned long long)part * 1000 / whole : 0;

	buf_printf(b, "%llu,%llu%%", t / 10, t % 10);
}

/* "YYYY-MM" into the first and last day of that month. */
static int month_days(const char *m, char from[16], char to[16])
{
	static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, n;
	cal_day d;

	if (!m || strlen(m) != 7 || sscanf(m, "%4d-%2d", &y, &mo) != 2 || y < 2000 || mo < 1 ||
	    mo > 12 || m[4] != '-')
		return E_INVAL;
	n = len[mo - 1] + (mo == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
	snprintf(from, 16, "%04u-%02u-01", (unsigned)y % 10000, (unsigned)mo % 100);
	snprintf(to, 16, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)mo % 100,
		 (unsigned)n % 100);
	return cal_parse(to, &d);
}

static void stats_row(struct buf *b, const char *what, size_t n, size_t part, size_t whole)
{
	buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"n\">%zu</td><td class=\"n\">", what,
		   n);
	if (whole)
		share(b, part, whole);
	buf_printf(b, "</td></tr>");
}

void page_stats(struct portal *p, struct portal_thread *t, const struct portal_req *q,
		struct portal_reply *r)
{
	char month[8], from[16], to[16], today[11];
	struct buf *b = &r->body;
	struct idx_stats st;

	cal_format(cal_from_time(time(NULL)), today);
	snprintf(month, sizeof(month), "%.7s", q->month && *q->month ? q->month : today);
	if (month_days(month, from, to) < 0) {
		page_error(p, r, 400);
		return;
	}
	if (idx_stats(t->ix, from, to, today, &st, NULL, NULL) < 0) {
		log_err("portal: statistics: %s", err_detail());
		page_later(p, r);
		return;
	}
	page_begin(p, b, _("Statistics of dossiers"));
	buf_printf(
		b,
		"<form class=\"card\" method=\"get\" action=\"/thong-ke\"><label for=\"thang\">%s"
		"</label><input type=\"month\" id=\"thang\" name=\"thang\" value=\"%s\" "
		"min=\"2000-01\" max=\"9999-12\"><button type=\"submit\">%s</button></form>",
		_("Month"), month, _("Show"));
	buf_printf(b, "<h2>");
	buf_printf(b, _("Month %.2s/%.4s"), month + 5, month);
	buf_printf(b,
		   "</h2><table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		   "<th scope=\"col\">%s</th></tr></thead><tbody>",
		   _("Dossiers"), _("Number"), _("Share"));
	stats_row(b, _("Received"), st.received, 0, 0);
	stats_row(b, _("Filed online"), st.online, st.online, st.received);
	stats_row(b, _("Resolved"), st.resolved, 0, 0);
	stats_row(b, _("Resolved on time"), st.on_time, st.on_time, st.on_time + st.late);
	stats_row(b, _("Resolved late"), st.late, st.late, st.on_time + st.late);
	buf_printf(b, "</tbody></table><p class=\"hint\">%s</p>",
		   _("Shares are rounded down to a tenth of a percent."));
	page_end(b);
}

static void verify_form(struct buf *b, size_t max)
{
	buf_printf(b,
		   "<form class=\"card\" method=\"post\" action=\"/kiem-tra\" "
		   "enctype=\"multipart/form-data\"><label for=\"pdf\">%s</label>"
		   "<p class=\"hint\" id=\"pdf-hint\">",
		   _("PDF file issued by the commune"));
	buf_printf(b, _("At most %zu MB."), max >> 20);
	buf_printf(b,
		   "</p><input type=\"file\" id=\"pdf\" name=\"pdf\" accept=\"application/pdf\" "
		   "required aria-describedby=\"pdf-hint\"><button type=\"submit\">%s</button>"
		   "</form>",
		   _("Check the signatures"));
}

static void verdict(struct buf *b, const struct portal_verdict *v)
{
	if (!v->n)
		buf_printf(b, "<p class=\"state late\">%s</p>", _("This file has no signature."));
	else
		buf_printf(b, "<p class=\"state %s\">%s</p>", v->all_valid ? "ok" : "late",
			   v->all_valid ? _("Every signature is valid and made by the commune.")
					: _("Not every signature is valid."));
	for (size_t i = 0; i < v->n && i < PORTAL_SIGS_MAX; i++) {
		const struct portal_sig *s = &v->sig[i];

		buf_printf(b, "<section class=\"card\"><h2>");
		buf_printf(b, _("Signature %zu"), i + 1);
		buf_printf(b, "</h2><dl><dt>%s</dt><dd class=\"%s\">%s</dd><dt>%s</dt><dd>",
			   _("Result"), s->valid ? "ok" : "late",
			   s->valid ? _("Valid") : _("Not valid"), _("Signer"));
		html(b, s->signer[0] ? s->signer : "-");
		buf_printf(b, "</dd><dt>%s</dt><dd>", _("Signed at"));
		html(b, s->when[0] ? s->when : "-");
		buf_printf(b, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl></section>",
			   _("Content"),
			   !s->intact    ? _("Damaged or forged")
			   : s->modified ? _("Changed after signing")
					 : _("Unchanged since signing"),
			   _("Signer's certificate"),
			   s->trusted ? _("Issued by the commune")
				      : _("Not issued by the commune"));
	}
}

void page_verify(struct portal *p, const struct portal_req *q, struct portal_reply *r)
{
	struct buf *b = &r->body;
	struct portal_verdict v;
	int rc;

	page_begin(p, b, _("Check the signatures of a document"));
	if (!q->post) {
		buf_printf(b, "<p>%s</p>",
			   _("Choose a PDF the commune gave you to see whether its digital "
			     "signatures are valid. The file is checked and forgotten."));
		verify_form(b, p->upload_max);
		page_end(b);
		r->cache = 1;
		return;
	}
	if (!q->file_len) {
		r->status = 400;
		buf_printf(b, "<p class=\"state\">%s</p>", _("Choose a PDF file."));
	} else if ((rc = portal_verify(&v, q->file, q->file_len, p->ca_pem, p->crl_pem)) < 0) {
		log_info("portal: check of a %zu byte upload: %s", q->file_len, err_detail());
		r->status = 422;
		buf_printf(b, "<p class=\"state late\">%s</p>",
			   _("This file cannot be checked: it is not a PDF that can be read."));
	} else {
		verdict(b, &v);
	}
	verify_form(b, p->upload_max);
	page_end(b);
}
