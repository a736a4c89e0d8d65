/*
 * fuzz_def.c: libFuzzer target for the workflow definition parser: every
 * input is parsed into an empty set; an accepted workflow must satisfy the
 * checks def_parse() promises (abort() otherwise: this target is a bug
 * detector).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "workflow/def.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_workflow(const struct def_workflow *wf)
{
	size_t initial = 0;

	if (!wf->n_states || wf->n_states > DEF_STATES_MAX || wf->n_trans > DEF_TRANS_MAX)
		abort();
	for (size_t i = 0; i < wf->n_states; i++)
		initial += wf->states[i].initial != 0;
	if (initial != 1 || !def_initial(wf))
		abort();
	for (size_t i = 0; i < wf->n_trans; i++) {
		const struct def_transition *t = &wf->trans[i];

		if (t->from >= wf->n_states || t->to >= wf->n_states || !t->roles ||
		    wf->states[t->from].final || t->n_fields > DEF_FIELDS_MAX)
			abort();
		if (def_transition(wf, wf->states[t->from].id, t->id) != t)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct def_set *set = NULL;
	int rc;

	if (def_set_new(&set) < 0)
		return 0;
	rc = def_parse(set, "fuzz", (const char *)data, size);
	if (rc < 0 && (def_workflow_count(set) || def_procedure_count(set)))
		abort(); /* a refused file leaves the set unchanged */
	for (size_t i = 0; i < def_workflow_count(set); i++)
		check_workflow(def_workflow_at(set, i));
	for (size_t i = 0; i < def_procedure_count(set); i++)
		if (!def_procedure_at(set, i)->papers || !def_procedure_at(set, i)->papers[0])
			abort();
	def_set_free(set);
	return 0;
}
