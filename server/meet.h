/*
 * meet.h: paperless meetings (docs/meetings.md, docs/protocol.md
 * "Meetings"): their definition and record in git, the published pack with
 * its signed manifests, the live session followed by every hall, votes,
 * closing with the minutes and the follow-up tasks.  Loop thread only.
 */
#ifndef DINH_MEET_H
#define DINH_MEET_H

#include <stdint.h>

#include "common/proto.h"
#include "server/session.h"

struct server;

/* Loads every meeting from the branch head (after docs_start). */
int meet_start(struct server *srv);
void meet_stop(struct server *srv);
/* A session ended: it follows nothing any more. */
void meet_session_gone(struct server *srv, struct session *s);
/* 1 if a hall (or anyone else) may file.get @sha because it is part of a
 * meeting pack published to it; used by file.get for hall terminals. */
int meet_may_get(struct server *srv, const struct person *p, const char *sha);

int op_meeting_create(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_edit(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_list(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_show(struct session *s, uint32_t id, const struct proto_node *req);
/* meet_pack.c */
int op_meeting_publish(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_manifest(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_ready(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_readiness(struct session *s, uint32_t id, const struct proto_node *req);
/* meet_live.c */
int op_meeting_join(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_goto(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_checkin(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_speak(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_note(struct session *s, uint32_t id, const struct proto_node *req);
/* meet_vote.c */
int op_meeting_vote_open(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_vote(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_vote_close(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_vote_show(struct session *s, uint32_t id, const struct proto_node *req);
/* meet_close.c */
int op_meeting_conclude(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_close(struct session *s, uint32_t id, const struct proto_node *req);
int op_meeting_minutes_sign(struct session *s, uint32_t id, const struct proto_node *req);

#endif
