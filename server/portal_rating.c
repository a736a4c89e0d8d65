/*
 * portal_rating.c: the citizens' satisfaction ratings, one per dossier, in
 * DATA/ratings.db (SQLite, synchronous=FULL: a rating is fsynced before
 * the citizen is thanked).  The code is the primary key, so a second
 * rating of the same dossier is refused by the database itself, whichever
 * portal thread it arrives on.  Not in git: a rating is no act of the
 * commune on the dossier and has no certificate behind it (docs/portal.md).
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "server/portal_priv.h"

#define RATING_BUSY_MS 5000

static int db_err(sqlite3 *db, const char *what)
{
	return err_set(E_IO, "ratings: %s: %s", what, db ? sqlite3_errmsg(db) : "no handle");
}

int rating_open(struct sqlite3 **out, const char *path, int create)
{
	static const char schema[] = "PRAGMA journal_mode=WAL;"
				     "CREATE TABLE IF NOT EXISTS rating(code TEXT PRIMARY KEY,"
				     " score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),"
				     " day TEXT NOT NULL);";
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = E_OK;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		rc = db_err(db, path);
		goto out;
	}
	sqlite3_busy_timeout(db, RATING_BUSY_MS);
	if (sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK ||
	    (create && sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)) {
		rc = db_err(db, "schema");
		goto out;
	}
	*out = db;
	db = NULL;
out:
	sqlite3_close(db);
	return rc;
}

void rating_close(struct sqlite3 *db)
{
	sqlite3_close(db);
}

int rating_get(struct sqlite3 *db, const char *code, int *score)
{
	sqlite3_stmt *st = NULL;
	int s, rc = E_OK;

	*score = 0;
	if (sqlite3_prepare_v2(db, "SELECT score FROM rating WHERE code = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_err(db, "prepare");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*score = sqlite3_column_int(st, 0);
	else if (s != SQLITE_DONE)
		rc = db_err(db, "read");
	sqlite3_finalize(st);
	return rc;
}

int rating_add(struct sqlite3 *db, const char *code, int score, const char *day)
{
	sqlite3_stmt *st = NULL;
	int s, rc = E_OK;

	if (score < 1 || score > 5)
		return err_set(E_INVAL, "a rating is 1 to 5");
	if (sqlite3_prepare_v2(db, "INSERT INTO rating(code, score, day) VALUES (?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return db_err(db, "prepare");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, score);
	sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_CONSTRAINT)
		rc = err_set(E_EXISTS, "%s was rated already", code);
	else if (s != SQLITE_DONE)
		rc = db_err(db, "write");
	sqlite3_finalize(st);
	return rc;
}
