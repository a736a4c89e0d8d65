/*
 * def.h: workflow definitions: the states a document or dossier moves
 * through, the transitions between them and who may take each.
 *
 * Definitions are XML files validated against the RELAX NG schema
 * workflow/workflow.rng (docs/workflow.md is the reference).  The shipped
 * defaults (incoming, outgoing, dossier) and the procedure catalogue are
 * compiled into the program, so the embedded default needs no files.
 * libxml2 is used here and nowhere else in workflow/.
 */
#ifndef DINH_DEF_H
#define DINH_DEF_H

#include <stddef.h>

#define DEF_ID_MAX 32             /* bytes of a state, transition, field or workflow id */
#define DEF_STATES_MAX 32         /* states per workflow */
#define DEF_TRANS_MAX 64          /* transitions per workflow */
#define DEF_FIELDS_MAX 16         /* required fields per transition */
#define DEF_FILE_MAX (256 * 1024) /* bytes of one definition file */

enum def_kind { DEF_KIND_DOCUMENT = 0, DEF_KIND_DOSSIER = 1 };

/* What a transition does to the clock of a dossier. */
enum def_clock { DEF_CLOCK_NONE = 0, DEF_CLOCK_STOP = 1, DEF_CLOCK_RESUME = 2 };

struct def_state {
	char id[DEF_ID_MAX];
	char *name;   /* Vietnamese, for people */
	int initial;  /* the state a new document starts in (exactly one) */
	int final;    /* no transition leaves it */
	int resolved; /* the matter is settled: its deadline no longer runs, and
		       * on time / late is judged at the first step into such a
		       * state (every final state is resolved) */
};

struct def_transition {
	char id[DEF_ID_MAX]; /* the action name on the wire, e.g. "register" */
	char *name;          /* Vietnamese, e.g. "Đăng ký văn bản đến" */
	unsigned from;       /* index into states */
	unsigned to;
	unsigned roles; /* ROLE_* bits allowed */
	int lead_only;  /* only the document's lead handler may take it */
	int needs_signed_pdf;
	int number;        /* assigns the register number when taken */
	int sets_due;      /* sets the deadline (due-days working days, or given) */
	unsigned due_days; /* 0: the request must give the deadline */
	int due_procedure; /* due-days="procedure": the dossier's procedure days */
	enum def_clock clock;
	char fields[DEF_FIELDS_MAX][DEF_ID_MAX]; /* fields the request must carry */
	size_t n_fields;
};

struct def_workflow {
	char id[DEF_ID_MAX]; /* "incoming", "outgoing", "dossier" */
	char *name;          /* "Văn bản đến" */
	enum def_kind kind;
	char reg[DEF_ID_MAX];  /* register of its numbers: "den", "di", "hs" */
	unsigned create_roles; /* who may create one */
	unsigned recall_roles; /* who may recall (freeze) one */
	char create_fields[DEF_FIELDS_MAX][DEF_ID_MAX]; /* required at creation */
	size_t n_create_fields;
	struct def_state states[DEF_STATES_MAX];
	size_t n_states;
	struct def_transition trans[DEF_TRANS_MAX];
	size_t n_trans;
};

/* One administrative procedure of the catalogue. */
struct def_procedure {
	char id[DEF_ID_MAX];
	char *name;        /* "Đăng ký khai sinh" */
	unsigned days;     /* processing time in working days */
	unsigned long fee; /* VND */
	char **papers;     /* papers required, NULL-terminated */
};

struct def_set; /* every workflow and the catalogue */

/*
 * Loads the embedded defaults, then every *.xml of @dir (may be NULL) in
 * name order; a file with the id of a loaded workflow replaces it, a
 * <procedures> file replaces the catalogue.  Each file is validated against
 * the schema and then checked (ids unique, one initial state, transitions
 * naming known states and roles).  E_CONFIG with "FILE:LINE: reason" in
 * err_detail() for the first problem; *out NULL on failure.
 */
int def_load(struct def_set **out, const char *dir);

/* Parses one definition from memory (@name is used in messages). */
int def_parse(struct def_set *set, const char *name, const char *xml, size_t len);

/* An empty set (for def_parse in tests). */
int def_set_new(struct def_set **out);
void def_set_free(struct def_set *set);

/* Borrowed lookups; NULL if absent. */
const struct def_workflow *def_workflow(const struct def_set *set, const char *id);
const struct def_workflow *def_workflow_at(const struct def_set *set, size_t i);
size_t def_workflow_count(const struct def_set *set);
const struct def_transition *def_transition(const struct def_workflow *wf, const char *from_state,
					    const char *action);
/* Index of state @id, or -1. */
int def_state_index(const struct def_workflow *wf, const char *id);
const struct def_state *def_initial(const struct def_workflow *wf);

const struct def_procedure *def_procedure(const struct def_set *set, const char *id);
const struct def_procedure *def_procedure_at(const struct def_set *set, size_t i);
size_t def_procedure_count(const struct def_set *set);

#endif
