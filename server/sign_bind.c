/*
 * sign_bind.c: the workflow binding of signatures.  A change that names a
 * signed PDF (doc.act signed-pdf=…) is held back until its newest
 * signature is checked on a job thread (sign_verify_newest) and its
 * certificate is matched to the acting person on the loop thread (the
 * signers registry; the agency seal counts for the person who had the
 * server seal this file).  Then the certificate's SHA-256 goes with the
 * change into the step and the commit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "server/server.h"
#include "server/sign.h"
#include "server/sign_priv.h"
#include "server/signers.h"
#include "server/work.h"
#include "workflow/store.h"

static int bind_run(void *arg)
{
	return sign_job_verify(arg, 1);
}

/* E_OK when certificate j->fpr may sign for the actor of @r. */
static int bind_actor(struct server *srv, struct sign_job *j, struct store_req *r)
{
	const char *profile = NULL, *asked;
	const char *owner = signers_person(srv->sign->signers, j->fpr, &profile);

	if (!owner)
		return err_set(E_PERM,
			       "signed-pdf: the certificate %.16s… is no valid signing certificate "
			       "of anyone here",
			       j->fpr);
	if (strcmp(owner, r->who.id) == 0)
		return E_OK;
	if (strcmp(owner, SIGNERS_SEAL) == 0) {
		asked = g_hash_table_lookup(srv->sign->sealed, j->sha);
		if (asked && strcmp(asked, r->who.id) == 0)
			return E_OK;
		return err_set(E_PERM, "signed-pdf: sealed by the agency, but not at your request");
	}
	return err_set(E_PERM, "signed-pdf: signed with %s's certificate, not yours", owner);
}

static void bind_done(struct server *srv, void *arg, int rc)
{
	struct sign_job *j = arg;
	struct store_req *r = j->req;

	if (rc < 0)
		rc = err_set(rc, "signed-pdf: %s", j->why[0] ? j->why : err_detail());
	else
		rc = bind_actor(srv, j, r);
	if (rc == E_OK && !(r->ch.signer_cert = store_req_str(r, j->fpr)))
		rc = err_set(E_NOMEM, "signed-pdf");
	if (rc == E_OK)
		log_info("signed-pdf %.16s… of %s: signed with certificate %.16s…", j->sha,
			 r->who.id, j->fpr);
	j->bind_done(srv, r, rc);
	sign_job_free(j);
}

void sign_bind(struct server *srv, struct store_req *r, sign_bind_fn done)
{
	struct sign_job *j = NULL;
	int rc;

	if (!r->ch.signed_pdf) {
		done(srv, r, E_OK);
		return;
	}
	if ((rc = sign_job_new(&j, srv, SK_BIND, r->ch.signed_pdf)) < 0) {
		done(srv, r, rc);
		return;
	}
	j->req = r;
	j->bind_done = done;
	if ((rc = work_run(srv, bind_run, bind_done, j)) < 0) {
		sign_job_free(j);
		done(srv, r, rc);
	}
}
