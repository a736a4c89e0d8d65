/*
 * hall.h: dinh-hall, the village hall's thin client.  It keeps the
 * meeting's pack in a cache (pack.h), follows the live session (the
 * chair's item and page), and shows the current page: as a PNG file and
 * lines on stdout in headless mode (tests, screens without a desktop), or
 * full-screen in the GTK viewer.  When the link drops it keeps showing the
 * saved pack, says so, and reconnects, asking only for the events it
 * missed.  Only files whose SHA-256 matches the signed manifest are shown.
 */
#ifndef DINH_HALL_H
#define DINH_HALL_H

#include <stdint.h>

#include "clients/cli.h"
#include "clients/pack.h"

struct hall_opts {
	struct cli cli;      /* server, identity, password, CA */
	const char *meeting; /* the meeting's id */
	const char *cache;   /* the pack's directory */
	const char *png;     /* headless: the current page written here */
	unsigned width;      /* pixels of the page (default 1280) */
	long events;         /* stop after this many live events (-1: never) */
	long seconds;        /* stop after this long (0: never) */
	int until_closed;    /* stop when the meeting closes */
	/* GTK viewer: a PNG of the window after its first page is drawn, or
	 * after screenshot_after seconds (0: at the first page). */
	const char *screenshot;
	long screenshot_after;
};

#define HALL_ITEMS_MAX 64

/* An agenda item as meeting.show gives it to the hall (its audience). */
struct hall_item {
	unsigned n;
	char title[256];
};

/* What the hall shows; the viewer draws it. */
struct hall_view {
	struct pack pack;
	int have_pack;
	/* The agenda's titles, asked for on each connection (n_items 0
	 * while none arrived yet: the viewer names items by number). */
	struct hall_item items[HALL_ITEMS_MAX];
	unsigned n_items;
	int online;
	unsigned item, page;
	char doc[65];     /* the document shown: the chair's, else the item's first */
	char status[256]; /* a line for the screen, in Vietnamese */
	char vote[512];   /* the last announced result, or "" */
	uint64_t last;    /* the last event seen */
	int closed;
	/* Headless: the hall's own page while it browses (commands on stdin). */
	int browsing;
	unsigned own_page;
};

/* Called after every change of the view (NULL: nothing). */
typedef void (*hall_draw_fn)(const struct hall_view *v, void *arg);

/*
 * Runs the hall until @o's limits (or forever): connect, sync the pack,
 * join, follow; offline, show the cache and retry with a growing pause.
 * @draw is called on every change; in headless mode (o->png) the page is
 * written there too.  Returns a CLI exit status.
 */
int hall_run(const struct hall_opts *o, hall_draw_fn draw, void *arg);

/* hall_gtk.c (when built with GTK): the full-screen viewer; runs
 * hall_run() on a thread of its own and draws each view. */
int hall_gtk_main(const struct hall_opts *o);

/* The file to show for @v (NULL when the cache lacks it). */
const char *hall_current_doc(const struct hall_view *v);

/* Renders page @page of cached file @sha at @width into PNG @out. */
int hall_render_png(const char *cache, const char *sha, unsigned page, unsigned width,
		    const char *out);

#endif
