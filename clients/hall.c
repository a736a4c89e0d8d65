/*
 * hall.c: the village hall's client loop (hall.h): pack, join, follow,
 * and the offline state with reconnection.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "clients/client.h"
#include "clients/hall.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/fsutil.h"
#include "common/i18n.h"
#include "common/proto.h"
#include "pdf/pdf.h"

#define HALL_FILE_MAX (256u << 20)

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hall_render_png(const char *cache, const char *sha, unsigned page, unsigned width,
		    const char *out)
{
	char path[1024], *data = NULL;
	struct buf png;
	size_t len;
	int rc;

	buf_init(&png, 64u << 20);
	if ((rc = pack_path(cache, sha, path, sizeof(path))) < 0 ||
	    (rc = fs_read_file(path, HALL_FILE_MAX, &data, &len)) < 0 ||
	    (rc = pdf_render_png((const uint8_t *)data, len, page, width, &png)) < 0 ||
	    (rc = fs_write_atomic(out, png.data, png.len, 0644)) < 0)
		goto out;
out:
	buf_free(&png);
	free(data);
	return rc;
}

const char *hall_current_doc(const struct hall_view *v)
{
	if (!v->have_pack)
		return NULL;
	for (size_t i = 0; v->doc[0] && i < v->pack.n_files; i++)
		if (strcmp(v->pack.files[i].sha, v->doc) == 0)
			return v->pack.files[i].sha;
	/* The chair named no document (or one not ours): the item's first,
	 * else the invitation and agenda. */
	for (size_t i = 0; i < v->pack.n_files; i++)
		if (v->pack.files[i].item == v->item)
			return v->pack.files[i].sha;
	for (size_t i = 0; i < v->pack.n_files; i++)
		if (v->pack.files[i].item == 0)
			return v->pack.files[i].sha;
	return NULL;
}

/* Shows the view: the PNG in headless mode, then the viewer's @draw. */
static void show(const struct hall_opts *o, struct hall_view *v, hall_draw_fn draw, void *arg)
{
	const char *sha = hall_current_doc(v);
	unsigned page = v->browsing ? v->own_page : v->page;

	if (o->png && sha) {
		if (hall_render_png(o->cache, sha, page, o->width ? o->width : 1280, o->png) ==
		    E_OK)
			printf("page %s %u %s\n", sha, page, o->png);
		else
			printf(_("cannot show page %u of %.16s…: %s\n"), page, sha, err_detail());
		fflush(stdout);
	}
	if (draw)
		draw(v, arg);
}

static void status(struct hall_view *v, const char *text)
{
	snprintf(v->status, sizeof(v->status), "%s", text);
	printf("status %s\n", text);
	fflush(stdout);
}

static unsigned attr_u(const struct proto_node *n, const char *k, unsigned def)
{
	uint64_t x;

	return proto_attr(n, k) && proto_attr_u64(n, k, &x) == E_OK && x < 1000000 ? (unsigned)x
										   : def;
}

/* Applies one event (live or replayed); 1 if the pack must be synced. */
static int apply(struct hall_view *v, const struct proto_node *ev)
{
	const char *name = proto_attr(ev, "name") ? proto_attr(ev, "name") : "";
	uint64_t n = 0;

	printf("event %s", name);
	for (unsigned i = 0; i < ev->nattrs; i++)
		if (strcmp(ev->attrs[i].key, "name") && strcmp(ev->attrs[i].key, "seq"))
			printf(" %s=%s", ev->attrs[i].key, ev->attrs[i].val);
	putchar('\n');
	fflush(stdout);
	if (proto_attr_u64(ev, "n", &n) == E_OK && n > v->last)
		v->last = n;
	if (strcmp(name, "meeting.page") == 0) {
		v->item = attr_u(ev, "item", v->item);
		v->page = attr_u(ev, "page", 1);
		snprintf(v->doc, sizeof(v->doc), "%s",
			 proto_attr(ev, "doc") ? proto_attr(ev, "doc") : "");
	} else if (strcmp(name, "meeting.published") == 0) {
		return 1;
	} else if (strcmp(name, "meeting.vote.result") == 0) {
		snprintf(v->vote, sizeof(v->vote),
			 _("Result of the vote \"%s\": %u in favour, %u against, %u not voting"),
			 proto_attr(ev, "motion") ? proto_attr(ev, "motion") : "",
			 attr_u(ev, "yes", 0), attr_u(ev, "no", 0), attr_u(ev, "abstain", 0));
		printf("vote %s\n", v->vote);
	} else if (strcmp(name, "meeting.closed") == 0) {
		v->closed = 1;
	}
	return 0;
}

/* Joins (since the last event seen) and applies the room and the replay. */
static int join(struct client *cl, const struct hall_opts *o, struct hall_view *v, int *resync)
{
	struct proto_node *req = proto_node_new("req"), *resp = NULL;
	int rc;

	*resync = 0;
	if (!req || proto_node_set(req, "op", "meeting.join") < 0 ||
	    proto_node_set(req, "meeting", o->meeting) < 0 ||
	    (v->last && proto_node_set_u64(req, "since", v->last) < 0)) {
		proto_node_free(req);
		return err_set(E_NOMEM, "request");
	}
	rc = client_request(cl, req, &resp);
	proto_node_free(req);
	if (rc < 0)
		return rc;
	for (const struct proto_node *e = resp->child; e; e = e->next)
		if (strcmp(e->name, "event") == 0)
			*resync |= apply(v, e);
	v->item = attr_u(resp, "item", v->item);
	v->page = attr_u(resp, "page", v->page);
	snprintf(v->doc, sizeof(v->doc), "%s",
		 proto_attr(resp, "doc") ? proto_attr(resp, "doc") : "");
	v->last = attr_u(resp, "last", (unsigned)v->last);
	v->closed = proto_attr(resp, "state") && strcmp(proto_attr(resp, "state"), "closed") == 0;
	*resync |= attr_u(resp, "version", 0) != v->pack.version;
	printf("joined last=%llu item=%u page=%u\n", (unsigned long long)v->last, v->item, v->page);
	fflush(stdout);
	proto_node_free(resp);
	return E_OK;
}

/* Reads the agenda's titles (meeting.show) into @v; the agenda is a
 * nicety, so a refusal leaves the old titles and is not an error. */
static int agenda(struct client *cl, const struct hall_opts *o, struct hall_view *v)
{
	struct proto_node *req = proto_node_new("req"), *resp = NULL;
	unsigned n = 0;
	int rc;

	if (!req || proto_node_set(req, "op", "meeting.show") < 0 ||
	    proto_node_set(req, "meeting", o->meeting) < 0) {
		proto_node_free(req);
		return err_set(E_NOMEM, "request");
	}
	rc = client_request(cl, req, &resp);
	proto_node_free(req);
	if (rc == E_PERM || rc == E_NOTFOUND)
		return E_OK;
	if (rc < 0)
		return rc;
	for (const struct proto_node *e = resp->child; e && n < HALL_ITEMS_MAX; e = e->next) {
		if (strcmp(e->name, "item") || !proto_attr(e, "title"))
			continue;
		v->items[n].n = attr_u(e, "n", 0);
		snprintf(v->items[n].title, sizeof(v->items[n].title), "%s",
			 proto_attr(e, "title"));
		n++;
	}
	v->n_items = n;
	proto_node_free(resp);
	return E_OK;
}

static int sync_pack(struct client *cl, const struct hall_opts *o, struct hall_view *v)
{
	char ca[1024];
	const char *ca_file = o->cli.ca;
	int rc;

	if (!ca_file) {
		snprintf(ca, sizeof(ca), "%s/ca/ca.pem", o->cli.data_dir ? o->cli.data_dir : ".");
		ca_file = ca;
	}
	rc = pack_sync(&v->pack, cl, o->meeting, o->cache, ca_file);
	if (rc == E_OK) {
		v->have_pack = 1;
		printf("pack version=%u files=%zu fetched-bytes=%llu\n", v->pack.version,
		       v->pack.n_files, (unsigned long long)v->pack.bytes_fetched);
		fflush(stdout);
	}
	return rc;
}

/* 1 when @o's limits are reached. */
static int done(const struct hall_opts *o, const struct hall_view *v, long events, int64_t end)
{
	return (o->events >= 0 && events >= o->events) || (end && now_ms() >= end) ||
	       (o->until_closed && v->closed);
}

/* Headless: one console command, if a line is waiting on stdin ("next",
 * "prev", "follow"; "tiep", "lui", "theo" too).  1 if the view changed. */
static int console(const struct hall_opts *o, struct hall_view *v)
{
	static int eof;
	struct pollfd p = {0, POLLIN, 0};
	char line[64];

	if (!o->png || eof || poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP)))
		return 0;
	if (!fgets(line, sizeof(line), stdin)) {
		eof = 1;
		return 0;
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (!strcmp(line, "next") || !strcmp(line, "tiep") || !strcmp(line, "prev") ||
	    !strcmp(line, "lui")) {
		unsigned from = v->browsing ? v->own_page : v->page;
		int back = line[0] == 'p' || line[0] == 'l';

		v->browsing = 1;
		v->own_page = back ? (from > 1 ? from - 1 : 1) : from + 1;
		printf("browse page %u\n", v->own_page);
	} else if (!strcmp(line, "follow") || !strcmp(line, "theo")) {
		v->browsing = 0;
		printf("follow page %u\n", v->page);
	} else {
		printf(_("unknown command '%s': next, prev or follow\n"), line);
		fflush(stdout);
		return 0;
	}
	fflush(stdout);
	return 1;
}

/* One connection's life: sync, join, follow until it drops or we are done. */
static int session(struct client *cl, const struct hall_opts *o, struct hall_view *v,
		   hall_draw_fn draw, void *arg, long *events, int64_t end)
{
	int rc, resync = 1;

	/* A publish between our sync and our join: sync again (a few times). */
	for (int tries = 0; resync && tries < 3; tries++)
		if ((rc = sync_pack(cl, o, v)) < 0 || (rc = join(cl, o, v, &resync)) < 0)
			return rc;
	if ((rc = agenda(cl, o, v)) < 0)
		return rc;
	status(v, _("Connected: following the meeting"));
	show(o, v, draw, arg);
	while (!done(o, v, *events, end)) {
		struct proto_node *ev = NULL;

		if (console(o, v))
			show(o, v, draw, arg);
		rc = client_wait_event(cl, 200, &ev);
		if (rc == E_TIMEOUT)
			continue;
		if (rc < 0)
			return rc;
		(*events)++;
		if (apply(v, ev) &&
		    ((rc = sync_pack(cl, o, v)) < 0 || (rc = agenda(cl, o, v)) < 0)) {
			proto_node_free(ev);
			return rc;
		}
		proto_node_free(ev);
		show(o, v, draw, arg);
	}
	return E_OK;
}

int hall_run(const struct hall_opts *o, hall_draw_fn draw, void *arg)
{
	struct hall_view *v = calloc(1, sizeof(*v));
	int64_t end = o->seconds > 0 ? now_ms() + o->seconds * 1000 : 0;
	unsigned pause_ms = 200;
	long events = 0;
	char ca[1024];
	int ex = CLI_EXIT_OK;

	if (!v)
		return cli_fail(err_set(E_NOMEM, "hall"));
	v->item = v->page = 1;
	snprintf(ca, sizeof(ca), "%s/ca/ca.pem", o->cli.data_dir ? o->cli.data_dir : ".");
	if (pack_load(&v->pack, o->cache, o->cli.ca ? o->cli.ca : ca) == E_OK) {
		v->have_pack = 1;
		printf("cache version=%u files=%zu\n", v->pack.version, v->pack.n_files);
	}
	while (!done(o, v, events, end)) {
		struct client *cl = NULL;
		int rc;

		if (cli_connect(&cl, &o->cli) == CLI_EXIT_OK) {
			pause_ms = 200;
			v->online = 1;
			rc = session(cl, o, v, draw, arg, &events, end);
			client_close(cl);
			if (rc == E_OK)
				break;
			if (rc == E_HASH || rc == E_CRYPTO || rc == E_PERM || rc == E_NOTFOUND) {
				ex = cli_fail(rc);
				break;
			}
			fprintf(stderr, "dinh-hall: %s\n", err_detail());
		}
		if (v->online || !v->status[0]) {
			v->online = 0;
			status(v, v->have_pack ? _("Offline: showing the saved pack")
					       : _("Offline: no saved pack yet"));
			show(o, v, draw, arg);
		}
		usleep(pause_ms * 1000);
		pause_ms = pause_ms < 2500 ? pause_ms * 2 : 5000;
	}
	free(v);
	return ex;
}
