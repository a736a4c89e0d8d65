/*
 * storeutil.c: the store fixture of storeutil.h.
 */
#include "config.h"

#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "tests/testutil.h"
#include "tests/workflow/storeutil.h"
#include "workflow/repo.h"

struct su su;
static unsigned su_rid_seq;

static void su_open(int with_index)
{
	struct store_opts o;

	memset(&o, 0, sizeof(o));
	o.repo_path = su.repo_path;
	o.committer = "dinhd";
	o.issuer = "UBND";
	o.agency = "H01";
	o.defs = su.defs;
	o.cal = su.cal;
	o.consolidate_packs = 8;
	o.index_path = with_index ? su.index_path : NULL;
	o.code_format = su.code_format;
	ck_assert_int_eq(store_open(&su.st, &o), E_OK);
}

void su_setup_store(int with_index)
{
	const char *fmt = su.code_format;

	memset(&su, 0, sizeof(su));
	su.code_format = fmt;
	snprintf(su.tmpdir, sizeof(su.tmpdir), "/tmp/dinh-test-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(su.tmpdir));
	snprintf(su.repo_path, sizeof(su.repo_path), "%s/repo.git", su.tmpdir);
	snprintf(su.index_path, sizeof(su.index_path), "%s/index.db", su.tmpdir);
	ck_assert_int_eq(repo_init(su.repo_path, "dinhd"), E_OK);
	ck_assert_int_eq(def_load(&su.defs, NULL), E_OK);
	ck_assert_int_eq(cal_new(&su.cal), E_OK);
	su_open(with_index);
}

void su_reopen(int with_index)
{
	store_close(su.st);
	su_open(with_index);
}

void su_teardown_store(void)
{
	store_close(su.st);
	cal_free(su.cal);
	def_set_free(su.defs);
	tu_rm_tree(su.tmpdir);
	memset(&su, 0, sizeof(su));
}

const char *su_git(const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "git --git-dir=%s %s 2>&1", su.repo_path, args);
	return tu_first_line(cmd);
}

int su_git_rc(const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "git --git-dir=%s %s >/dev/null 2>&1", su.repo_path, args);
	return system(cmd);
}

struct store_req *su_roundtrip(struct store_req *r)
{
	struct pollfd p = {store_fd(su.st), POLLIN, 0};

	ck_assert_int_eq(store_submit(su.st, r), E_OK);
	for (;;) {
		struct store_req *got;

		ck_assert_int_ge(poll(&p, 1, 10000), 1);
		got = store_reap(su.st);
		if (got) {
			ck_assert_ptr_eq(got, r);
			ck_assert_ptr_null(got->next);
			return got;
		}
	}
}

struct store_req *su_req(const struct wf_actor *who, enum wf_op op, const char *doc,
			 const char *action)
{
	struct store_req *r;

	ck_assert_int_eq(store_req_new(&r), E_OK);
	snprintf(r->rid, sizeof(r->rid), "rid-%u", ++su_rid_seq);
	r->who = *who;
	r->ch.op = op;
	if (doc)
		snprintf(r->doc_id, sizeof(r->doc_id), "%s", doc);
	r->ch.action = action;
	return r;
}

void su_field(struct store_req *r, const char *name, const char *value)
{
	r->ch.fields[r->ch.n_fields].name = (char *)store_req_str(r, name);
	r->ch.fields[r->ch.n_fields].value = (char *)store_req_str(r, value);
	r->ch.n_fields++;
}
