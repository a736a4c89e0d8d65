/*
 * meet_priv.h: the meetings' model, shared by server/meet*.c only.
 *
 * A meeting lives in memory on the loop thread and in git:
 *   meetings/<year>/<seq>/meeting.xml   definition, published versions,
 *                                        the record (attendance, votes'
 *                                        results, conclusions, minutes)
 *   meetings/<year>/<seq>/votes/<n>/<xx>/<person>   one ballot ("yes\n")
 *   meetings/<year>/<seq>/in/<xx>/<person>  a check-in ("<time> <present>\n")
 *   meetings/<year>/<seq>/notes/<xx>/<person>/<sha>  a private note
 *   meetings/<year>/count                 the year's last sequence number
 * Every durable change rewrites meeting.xml (or writes one ballot) as one
 * commit through the store writer, and is answered only once durable.  The
 * live position (item, document, page), speaker requests and readiness
 * are kept in memory only: they are for the room, not the record, and a
 * restart starts from the first page.
 */
#ifndef DINH_MEET_PRIV_H
#define DINH_MEET_PRIV_H

#include <glib.h>
#include <stdint.h>
#include <time.h>

#include "common/proto.h"

struct server;
struct session;
struct store_req;

#define MEET_ID_MAX 16        /* "2026-0001" */
#define MEET_MEMBERS_MAX 800  /* participants and halls of a meeting */
#define MEET_ITEMS_MAX 32     /* agenda items */
#define MEET_DOCS_MAX 8       /* documents of an item */
#define MEET_VOTES_MAX 64     /* votes of a meeting */
#define MEET_TEXT_MAX 2000    /* bytes of a title, motion, conclusion */
#define MEET_EVENTS_KEPT 512  /* events replayed to a reconnecting client */
#define MEET_SPEAKERS_MAX 200 /* waiting speaker requests */
#define MEET_NOTE_MAX 8000    /* bytes of a private note */

enum meet_state { MS_DRAFT, MS_PUBLISHED, MS_CLOSED };
enum meet_choice { MC_NONE = -1, MC_YES = 0, MC_NO = 1, MC_ABSTAIN = 2 };

struct meet_doc {
	char sha[65];
	char *name;
	uint64_t size;
	char prefix[65]; /* published: the earlier version this file extends, or "" */
	uint64_t prefix_size;
};

struct meet_item {
	char *title;
	char *presenter; /* or NULL */
	char *time;      /* "08:00" or NULL */
	int confidential;
	char *invite; /* confidential: "id,id,..." of those invited besides chair and secretary */
	struct meet_doc docs[MEET_DOCS_MAX];
	unsigned n_docs;
	char *conclusion; /* recorded by the chair or secretary, or NULL */
	char *task_lead;  /* the conclusion's handler, or NULL */
	char *task_due;   /* "YYYY-MM-DD", or NULL */
	char *task_doc;   /* the workflow task made at closing, or NULL */
};

struct meet_member {
	char *id;
	int hall;
	time_t checkin;   /* 0: not checked in */
	unsigned present; /* a hall's count of people present */
	/* In memory only. */
	unsigned have_version;
	uint64_t missing;     /* bytes of the published pack it lacks */
	time_t reported;      /* its last readiness report */
	time_t offline_since; /* its last session to the meeting ended, or 0 */
};

struct meet_vote {
	unsigned item; /* 1-based */
	char *motion;
	int open;
	time_t opened, closed;
	unsigned count[3];   /* yes, no, abstain */
	GHashTable *ballots; /* person id -> GINT_TO_POINTER(choice + 1); pending included */
	GHashTable *pending; /* person id -> 1 while its ballot is not yet durable */
	/* vote.close waiting for the pending ballots (sid 0: none). */
	uint64_t close_sid;
	uint32_t close_id;
};

/* A published version: what every audience's manifest lists. */
struct meet_version {
	unsigned n;
	time_t at;
	char agenda[65]; /* the invitation and agenda PDF */
	/* One manifest per audience (the set of confidential items it may see). */
	struct {
		uint32_t mask; /* bit i: confidential item i+1 */
		char manifest[65], cms[65];
	} aud[MEET_ITEMS_MAX + 1];
	unsigned n_aud;
	/* In memory, built from the manifests when first needed: SHA-256 (hex)
	 * -> the audiences (bit k: aud[k]) whose manifest lists that file. */
	GHashTable *files;
};

struct meet_event {
	uint64_t n;
	struct proto_node *ev; /* <event> body, without seq */
};

struct meeting {
	char id[MEET_ID_MAX];
	char *title, *start, *end, *place, *chair, *secretary; /* chair, secretary: ids */
	enum meet_state state;
	struct meet_member *members;
	unsigned n_members;
	struct meet_item items[MEET_ITEMS_MAX];
	unsigned n_items;
	struct meet_version pub; /* the latest published version (pub.n 0: none) */
	struct meet_vote votes[MEET_VOTES_MAX];
	unsigned n_votes;
	char *conclusion;
	char minutes[65];        /* generated at closing, or "" */
	char minutes_signed[65]; /* the latest signed minutes, or "" */
	unsigned minutes_sigs;   /* 0, 1 (secretary), 2 (chair) */
	time_t created, closed;
	/* In memory only: the room. */
	unsigned cur_item, cur_page;
	char cur_doc[65];
	GPtrArray *speakers; /* person ids waiting, oldest first */
	GArray *joined;      /* sids of sessions following the meeting */
	struct meet_event ring[MEET_EVENTS_KEPT];
	uint64_t next_event; /* the n of the next event, from 1 */
	unsigned busy;       /* a durable change or a job in flight: others wait (E_BUSY) */
};

struct meet_set {
	GHashTable *by_id;        /* id -> struct meeting */
	unsigned year_count[200]; /* last sequence per year since 2000 */
};

/* meet_model.c */
struct meeting *meet_new(void);
void meet_free(struct meeting *m);
/* meeting.xml of @m (the durable part), malloc'd, NUL-terminated. */
int meet_to_xml(const struct meeting *m, char **out);
/* Reads meeting.xml; E_CORRUPT for anything that does not fit the model. */
int meet_from_xml(struct meeting **out, const char *xml, size_t len);
/* Puts back the durable part of @m from @saved (meeting.xml as it was
 * before a change that could not be made durable), keeping the room, the
 * ballots and the check-ins. */
int meet_restore(struct meeting *m, const char *saved);
/* "<xx>/<id>": the shard of @id in a folder of many people. */
int meet_shard(const char *id, char *out, size_t size);
/* Replaces @m's definition by the <req>'s attributes and children
 * (title start end place chair secretary, <member>, <item>).  Checks
 * every person exists (@people) and every file is stored; nothing of @m
 * changes on failure. */
int meet_define(struct meeting *m, struct server *srv, const struct proto_node *req);
struct meet_member *meet_member(const struct meeting *m, const char *id);
/* 1 for the chair, the secretary and the admin role: they run the meeting. */
int meet_runs(const struct meeting *m, const char *id, unsigned roles);
/* The confidential items @id may see (bitmask); all of them for those who run it. */
uint32_t meet_mask(const struct meeting *m, const char *id, unsigned roles);
/* 1 if item @i (0-based) is visible under @mask. */
int meet_item_visible(const struct meeting *m, unsigned i, uint32_t mask);
const char *meet_choice_name(enum meet_choice c);
enum meet_choice meet_choice_parse(const char *s);
/* A path under the meeting: "meetings/<year>/<seq>/@rest". */
int meet_path(const struct meeting *m, const char *rest, char *out, size_t size);
/* Loads every meeting from the branch head. */
int meet_load(struct meet_set *set, struct server *srv);
/* The heading of the commune's documents: issuer and place from [server]
 * commune ("UBND xã Mẫu Sơn": "UBND XÃ MẪU SƠN", "Mẫu Sơn"), the date of
 * @at; strings in @strs. */
struct gen_head;
void meet_heading(GStringChunk *strs, struct server *srv, time_t at, struct gen_head *h);

/* meet.c */
struct meet_set *meet_set(struct server *srv);
struct meeting *meet_find(struct server *srv, const char *id);
/* The meeting named by the request's "meeting" attribute that the caller
 * may see (a member, or one who runs it), else E_NOTFOUND. */
int meet_get(struct session *s, const struct proto_node *req, struct meeting **out);
/*
 * Commits @m's meeting.xml as it is now (plus @extra files: path, data
 * pairs, at most STORE_FILES_MAX - 1) with message @msg.  @saved is
 * meeting.xml from before the change (taken; NULL for a new meeting): if
 * the change cannot be made durable, @m goes back to it (a new meeting is
 * removed).  Request @id of @s (0: none) is answered when durable with
 * <resp meeting commit> plus @reply's attributes and children (taken),
 * then @then(srv, m, ok, arg) runs (may be NULL; m is NULL if removed).
 * The meeting is busy (m->busy) until then.
 */
typedef void (*meet_then_fn)(struct server *srv, struct meeting *m, int ok, void *arg);
int meet_commit(struct session *s, uint32_t id, struct meeting *m, char *saved, const char *msg,
		const char *const *extra, size_t n_extra, struct proto_node *reply,
		meet_then_fn then, void *arg);
/* Commits @files alone (path, data pairs; a ballot, a check-in, a note),
 * not meeting.xml; answered the same way.  On failure nothing is put back:
 * @then does it. */
int meet_commit_files(struct session *s, uint32_t id, struct meeting *m, const char *msg,
		      const char *const *files, size_t n, struct proto_node *reply,
		      meet_then_fn then, void *arg);
/* A store request acted by @me (author of its commit). */
struct person;
int meet_req_new(struct store_req **out, const struct person *me);
/* The saved meeting.xml of @m for meet_commit() (NULL on failure, logged). */
char *meet_saved(const struct meeting *m);

/* The meeting of the request, which the caller runs (chair, secretary,
 * admin), not closed and not busy; else E_NOTFOUND, E_PERM, E_EXISTS,
 * E_BUSY. */
int meet_runs_open(struct session *s, const struct proto_node *req, struct meeting **out);

/* meet_live.c */
/* Records an event of @m and pushes it to every session following it that
 * may see it (@item 1-based: confidential items only to their audience;
 * 0: everyone).  Takes @ev. */
void meet_event(struct server *srv, struct meeting *m, unsigned item, struct proto_node *ev);
/* The room's state as attributes and children of @resp for @s. */
int meet_room(struct session *s, struct meeting *m, struct proto_node *resp);

/* meet_pack.c: a small file of the store (a manifest), malloc'd. */
int meet_read_manifest(struct server *srv, const char *hex, char **out, size_t *len);

#endif
