/*
 * hall_gtk.c: dinh-hall's full-screen GTK viewer (hall.h).  hall_run()
 * runs on a thread of its own; each view it reports is copied and handed
 * to the GTK main thread (g_idle_add), which alone touches widgets and
 * poppler.  The window shows the meeting's title and the link's state, the
 * agenda, the current page scaled to fit, and the last vote result.  The
 * hall follows the chair, or browses freely (Left/Right) and jumps back
 * (Home).  A file is shown only if it is in the verified pack and its
 * bytes hash to its name once more when opened.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli.h"
#include "clients/hall.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"

#define GTK_FILE_MAX (256u << 20)

struct gview {
	struct hall_opts opts;
	struct hall_view *v; /* the latest view (main thread), or NULL */
	GtkWidget *win, *title, *state, *agenda, *area, *where, *vote;
	PopplerDocument *doc; /* the file shown, or NULL */
	char doc_sha[65];
	unsigned page; /* the page shown, from 1 */
	int browsing;  /* 1: the hall turns its own pages */
	int page_drawn, shot_done;
	int run_done; /* hall_run() returned (main thread's view) */
	int exit_code;
};

struct view_msg {
	struct gview *g;
	struct hall_view *v;
};

/* The pack's file @sha, or NULL when it is not in the pack. */
static const struct pack_file *pack_file_of(const struct hall_view *v, const char *sha)
{
	for (size_t i = 0; sha && i < v->pack.n_files; i++)
		if (strcmp(v->pack.files[i].sha, sha) == 0)
			return &v->pack.files[i];
	return NULL;
}

/* Opens cached file @sha of the pack, checking its bytes against @sha. */
static int open_doc(struct gview *g, const char *sha)
{
	char path[1024], *data = NULL, *sum = NULL;
	GError *gerr = NULL;
	GBytes *bytes;
	size_t len;
	int rc;

	if (g->doc && strcmp(g->doc_sha, sha) == 0)
		return E_OK;
	if (g->doc)
		g_object_unref(g->doc);
	g->doc = NULL;
	g->doc_sha[0] = '\0';
	if ((rc = pack_path(g->opts.cache, sha, path, sizeof(path))) < 0 ||
	    (rc = fs_read_file(path, GTK_FILE_MAX, &data, &len)) < 0)
		return rc;
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	if (!sum || strcmp(sum, sha) != 0) {
		g_free(sum);
		free(data);
		return err_set(E_HASH, "%s does not match its hash", path);
	}
	g_free(sum);
	bytes = g_bytes_new_with_free_func(data, len, free, data);
	g->doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	g_bytes_unref(bytes);
	if (!g->doc) {
		rc = err_set(E_CORRUPT, "%s: %s", path, gerr ? gerr->message : "poppler");
		g_clear_error(&gerr);
		return rc;
	}
	snprintf(g->doc_sha, sizeof(g->doc_sha), "%s", sha);
	return E_OK;
}

static int n_pages(const struct gview *g)
{
	return g->doc ? poppler_document_get_n_pages(g->doc) : 0;
}

/* Appends the agenda line of item @n (title @title, or its number). */
static void agenda_item(GString *s, const struct gview *g, unsigned n, const char *title)
{
	const struct hall_view *v = g->v;
	const struct pack_file *shown = pack_file_of(v, g->doc_sha);
	char *esc;

	if (n == 0)
		esc = g_markup_escape_text(_("Invitation and agenda"), -1);
	else if (title)
		esc = g_markup_printf_escaped("%u. %s", n, title);
	else
		esc = g_markup_printf_escaped(_("Item %u"), n);
	if (shown && shown->item == n)
		g_string_append_printf(s, "<b>▶ %s</b>\n", esc);
	else
		g_string_append_printf(s, "   %s\n", esc);
	g_free(esc);
	for (size_t i = 0; i < v->pack.n_files; i++) {
		const struct pack_file *f = &v->pack.files[i];

		if (f->item != n)
			continue;
		esc = g_markup_escape_text(f->name, -1);
		g_string_append_printf(s, f == shown ? "      <b>%s</b>\n" : "      %s\n", esc);
		g_free(esc);
	}
}

/* The agenda: the titles from meeting.show, else the items the pack has. */
static void show_agenda(struct gview *g)
{
	const struct hall_view *v = g->v;
	GString *s = g_string_new("");
	unsigned seen[HALL_ITEMS_MAX + 1] = {0};

	agenda_item(s, g, 0, NULL);
	for (unsigned i = 0; i < v->n_items; i++) {
		agenda_item(s, g, v->items[i].n, v->items[i].title);
		if (v->items[i].n <= HALL_ITEMS_MAX)
			seen[v->items[i].n] = 1;
	}
	for (size_t i = 0; i < v->pack.n_files; i++) {
		unsigned n = v->pack.files[i].item;

		if (n > 0 && n <= HALL_ITEMS_MAX && !seen[n]) {
			seen[n] = 1;
			agenda_item(s, g, n, NULL);
		}
	}
	gtk_label_set_markup(GTK_LABEL(g->agenda), s->str);
	g_string_free(s, TRUE);
}

/* The header, the page line and the vote: all from g->v and the page. */
static void show_labels(struct gview *g)
{
	const struct hall_view *v = g->v;
	const struct pack_file *f = pack_file_of(v, g->doc_sha);
	char *m;

	m = g_markup_printf_escaped("<span size='x-large' weight='bold'>%s</span>",
				    v->have_pack ? v->pack.title : _("Meeting"));
	gtk_label_set_markup(GTK_LABEL(g->title), m);
	g_free(m);
	m = g_markup_printf_escaped(
		"<span size='large' foreground='%s'>%s%s</span>", v->online ? "#1a7f37" : "#b3261e",
		v->status[0] ? v->status : _("Connecting…"),
		g->browsing ? _(" — browsing freely (Home: follow the chair)") : "");
	gtk_label_set_markup(GTK_LABEL(g->state), m);
	g_free(m);
	if (f) {
		m = g_strdup_printf(_("%s — page %u of %d"), f->name, g->page, n_pages(g));
		gtk_label_set_text(GTK_LABEL(g->where), m);
		g_free(m);
	} else {
		gtk_label_set_text(GTK_LABEL(g->where), _("No document to show yet"));
	}
	gtk_label_set_text(GTK_LABEL(g->vote), v->vote);
	gtk_widget_set_visible(g->vote, v->vote[0] != '\0');
	show_agenda(g);
}

/* Re-reads what to show from g->v (following) or keeps the hall's page. */
static void refresh(struct gview *g)
{
	if (!g->v)
		return;
	/* A re-publish may drop the file the hall was browsing: follow again. */
	if (g->browsing && !pack_file_of(g->v, g->doc_sha))
		g->browsing = 0;
	if (!g->browsing) {
		const char *sha = hall_current_doc(g->v);

		if (sha && open_doc(g, sha) < 0)
			fprintf(stderr, "dinh-hall: %s\n", err_detail());
		if (!sha && g->doc) {
			g_object_unref(g->doc);
			g->doc = NULL;
			g->doc_sha[0] = '\0';
		}
		g->page = g->v->page;
	}
	if (g->doc && (int)g->page > n_pages(g))
		g->page = (unsigned)n_pages(g);
	if (g->page < 1)
		g->page = 1;
	show_labels(g);
	gtk_widget_queue_draw(g->area);
}

/* Main thread: takes a view from the hall's thread. */
static gboolean on_view_main(gpointer p)
{
	struct view_msg *msg = p;

	g_free(msg->g->v);
	msg->g->v = msg->v;
	refresh(msg->g);
	g_free(msg);
	return G_SOURCE_REMOVE;
}

/* The hall's thread: hall_run()'s draw callback. */
static void on_view(const struct hall_view *v, void *arg)
{
	struct view_msg *msg = g_new(struct view_msg, 1);

	msg->g = arg;
	msg->v = g_new(struct hall_view, 1);
	memcpy(msg->v, v, sizeof(*v));
	g_idle_add(on_view_main, msg);
}

/* The page, white, scaled to fit the area and centred on a dark ground. */
static gboolean on_draw(GtkWidget *w, cairo_t *cr, gpointer arg)
{
	struct gview *g = arg;
	double aw = gtk_widget_get_allocated_width(w), ah = gtk_widget_get_allocated_height(w);
	double pw, ph, s;
	PopplerPage *page;

	cairo_set_source_rgb(cr, 0.18, 0.18, 0.2);
	cairo_paint(cr);
	if (!g->doc || !(page = poppler_document_get_page(g->doc, (int)g->page - 1)))
		return TRUE;
	poppler_page_get_size(page, &pw, &ph);
	if (pw > 0 && ph > 0) {
		s = MIN((aw - 16) / pw, (ah - 16) / ph);
		cairo_save(cr);
		cairo_translate(cr, (aw - pw * s) / 2, (ah - ph * s) / 2);
		cairo_scale(cr, s, s);
		cairo_rectangle(cr, 0, 0, pw, ph);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill(cr);
		poppler_page_render(page, cr);
		cairo_restore(cr);
		g->page_drawn = 1;
	}
	g_object_unref(page);
	return TRUE;
}

static unsigned permille(size_t part, size_t whole)
{
	return whole ? (unsigned)(part * 999 / whole) : 0;
}

/* Writes the window as PNG to o->screenshot (through a temporary file, so
 * a reader never sees half of it) and prints its size and the fractions of
 * white (the page) and dark (its text) pixels: what a test checks. */
static int screenshot(struct gview *g)
{
	int w = gtk_widget_get_allocated_width(g->win), h = gtk_widget_get_allocated_height(g->win);
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	char tmp[1024];
	size_t white = 0, dark = 0;
	int rc = E_OK;
	cairo_t *cr;

	g->shot_done = 1;
	cr = cairo_create(img);
	gtk_widget_draw(g->win, cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
	for (int y = 0; y < h; y++) {
		const uint32_t *row =
			(const uint32_t *)(cairo_image_surface_get_data(img) +
					   (size_t)y * (size_t)cairo_image_surface_get_stride(img));

		for (int x = 0; x < w; x++) {
			unsigned r = row[x] >> 16 & 255, gr = row[x] >> 8 & 255, b = row[x] & 255;

			white += r == 255 && gr == 255 && b == 255;
			dark += r + gr + b < 192;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.part", g->opts.screenshot);
	if (cairo_surface_write_to_png(img, tmp) != CAIRO_STATUS_SUCCESS ||
	    rename(tmp, g->opts.screenshot) != 0)
		rc = err_set(E_IO, "cannot write %s", g->opts.screenshot);
	else
		/* per mille, printed the same in every locale */
		printf("screenshot %s %dx%d white=0.%03u dark=0.%03u\n", g->opts.screenshot, w, h,
		       permille(white, (size_t)w * (size_t)h),
		       permille(dark, (size_t)w * (size_t)h));
	fflush(stdout);
	cairo_surface_destroy(img);
	return rc;
}

/* A timer: the screenshot once the first page is on screen (or at once
 * when --screenshot-after elapsed). */
static gboolean on_shot_timer(gpointer arg)
{
	struct gview *g = arg;

	if (g->shot_done)
		return G_SOURCE_REMOVE;
	if (g->opts.screenshot_after == 0 && !g->page_drawn)
		return G_SOURCE_CONTINUE;
	if (screenshot(g) < 0)
		fprintf(stderr, "dinh-hall: %s\n", err_detail());
	return G_SOURCE_REMOVE;
}

/* Left/Right browse the file shown, Home follows the chair again. */
static void browse(struct gview *g, int step)
{
	int n = n_pages(g), p = (int)g->page + step;

	if (!g->doc)
		return;
	g->browsing = 1;
	g->page = (unsigned)(p < 1 ? 1 : p > n ? n : p);
	refresh(g);
}

static gboolean on_key(GtkWidget *w, GdkEventKey *ev, gpointer arg)
{
	struct gview *g = arg;

	switch (ev->keyval) {
	case GDK_KEY_Escape:
	case GDK_KEY_q:
		gtk_main_quit();
		return TRUE;
	case GDK_KEY_Left:
	case GDK_KEY_Page_Up:
		browse(g, -1);
		return TRUE;
	case GDK_KEY_Right:
	case GDK_KEY_Page_Down:
	case GDK_KEY_space:
		browse(g, 1);
		return TRUE;
	case GDK_KEY_Home:
		g->browsing = 0;
		refresh(g);
		return TRUE;
	default:
		return FALSE;
	}
}

/* Main thread: hall_run() returned; a screenshot still owed is taken. */
static gboolean on_done(gpointer arg)
{
	struct gview *g = arg;

	g->run_done = 1;
	if (g->opts.screenshot && !g->shot_done && g->page_drawn && screenshot(g) < 0)
		fprintf(stderr, "dinh-hall: %s\n", err_detail());
	gtk_main_quit();
	return G_SOURCE_REMOVE;
}

static gpointer hall_thread(gpointer arg)
{
	struct gview *g = arg;

	g->exit_code = hall_run(&g->opts, on_view, g);
	g_idle_add(on_done, g);
	return NULL;
}

static GtkWidget *label(const char *css_class, float xalign)
{
	GtkWidget *l = gtk_label_new("");

	gtk_label_set_xalign(GTK_LABEL(l), xalign);
	gtk_label_set_line_wrap(GTK_LABEL(l), TRUE);
	gtk_style_context_add_class(gtk_widget_get_style_context(l), css_class);
	return l;
}

/* The window: header (title, state), agenda | page, page line, vote. */
static void build(struct gview *g)
{
	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	GtkWidget *head = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
	GtkWidget *mid = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget *scroll = gtk_scrolled_window_new(NULL, NULL), *keys;
	GdkRectangle r = {0, 0, 1280, 800};
	GdkMonitor *mon = gdk_display_get_primary_monitor(gdk_display_get_default());

	g->win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	gtk_window_set_title(GTK_WINDOW(g->win), _("dinh-hall: the meeting"));
	if (mon || (mon = gdk_display_get_monitor(gdk_display_get_default(), 0)))
		gdk_monitor_get_geometry(mon, &r);
	/* Without a window manager fullscreen is only a hint: size it too. */
	gtk_window_set_default_size(GTK_WINDOW(g->win), r.width, r.height);
	gtk_window_move(GTK_WINDOW(g->win), r.x, r.y);
	gtk_container_set_border_width(GTK_CONTAINER(box), 8);
	g->title = label("title", 0);
	g->state = label("state", 1);
	gtk_box_pack_start(GTK_BOX(head), g->title, TRUE, TRUE, 0);
	gtk_box_pack_end(GTK_BOX(head), g->state, FALSE, FALSE, 0);
	g->agenda = label("agenda", 0);
	gtk_label_set_yalign(GTK_LABEL(g->agenda), 0);
	gtk_container_add(GTK_CONTAINER(scroll), g->agenda);
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scroll), GTK_POLICY_NEVER,
				       GTK_POLICY_AUTOMATIC);
	gtk_widget_set_size_request(scroll, r.width / 4, -1);
	g->area = gtk_drawing_area_new();
	g_signal_connect(g->area, "draw", G_CALLBACK(on_draw), g);
	gtk_box_pack_start(GTK_BOX(mid), scroll, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(mid), g->area, TRUE, TRUE, 0);
	g->where = label("where", 0.5);
	g->vote = label("vote", 0.5);
	gtk_box_pack_start(GTK_BOX(box), head, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), mid, TRUE, TRUE, 0);
	gtk_box_pack_start(GTK_BOX(box), g->where, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), g->vote, FALSE, FALSE, 0);
	keys = label("keys", 0.5);
	gtk_label_set_text(GTK_LABEL(keys),
			   _("Left/Right: turn pages freely · Home: follow the chair · Esc: quit"));
	gtk_box_pack_start(GTK_BOX(box), keys, FALSE, FALSE, 0);
	gtk_container_add(GTK_CONTAINER(g->win), box);
	g_signal_connect(g->win, "key-press-event", G_CALLBACK(on_key), g);
	g_signal_connect(g->win, "destroy", G_CALLBACK(gtk_main_quit), NULL);
}

/* The keys line, the vote's look: a little CSS. */
static void style(void)
{
	GtkCssProvider *css = gtk_css_provider_new();

	gtk_css_provider_load_from_data(
		css,
		".vote { font-size: 20pt; font-weight: bold; color: #0b3d91; }"
		".where { font-size: 14pt; } .agenda { font-size: 14pt; } .keys { color: #555; }",
		-1, NULL);
	gtk_style_context_add_provider_for_screen(gdk_screen_get_default(), GTK_STYLE_PROVIDER(css),
						  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
	g_object_unref(css);
}

int hall_gtk_main(const struct hall_opts *o)
{
	struct gview *g;
	GThread *th;
	int ex;

	if (!gtk_init_check(NULL, NULL)) {
		fprintf(stderr, _("dinh-hall: no display: use --headless\n"));
		return CLI_EXIT_USAGE;
	}
	g = g_new0(struct gview, 1);
	g->opts = *o;
	g->opts.png = NULL; /* poppler only on this thread */
	style();
	build(g);
	gtk_widget_show_all(g->win);
	gtk_widget_hide(g->vote);
	gtk_window_fullscreen(GTK_WINDOW(g->win));
	if (o->screenshot)
		g_timeout_add(o->screenshot_after > 0 ? (guint)o->screenshot_after * 1000 : 200,
			      on_shot_timer, g);
	th = g_thread_new("hall", hall_thread, g);
	gtk_main();
	/* Quit by key: hall_run() may still wait on the network and owns @g;
	 * the process ends with it.  Otherwise it has returned: join, free. */
	ex = g->exit_code;
	if (!g->run_done)
		return CLI_EXIT_OK;
	g_thread_join(th);
	if (g->doc)
		g_object_unref(g->doc);
	g_free(g->v);
	g_free(g);
	return ex;
}
