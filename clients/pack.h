/*
 * pack.h: a meeting's pack on a client (dinh meeting fetch, dinh-hall):
 * the signed manifest of the caller's audience is fetched and its agency
 * seal signature checked against the commune CA; then every file it lists
 * that the cache lacks is downloaded in chunks (resuming a .part left by
 * a drop; for a newly signed revision of a file the cache holds, starting
 * from the old bytes so only the appended ones move), verified by SHA-256,
 * and kept as DIR/<sha256>.  The cache keeps DIR/manifest.xml (the last
 * verified manifest) so a viewer works from it when the link is down.
 */
#ifndef DINH_PACK_H
#define DINH_PACK_H

#include <stddef.h>
#include <stdint.h>

struct client;

#define PACK_FILES_MAX 300
/* Data bytes per chunk of a pack's download: village links drop, and
 * what arrives in whole chunks is kept. */
#define PACK_CHUNK (16 * 1024)

struct pack_file {
	char sha[65];
	char name[128];
	uint64_t size;
	unsigned item; /* 0: the invitation and agenda */
};

struct pack {
	char meeting[16];
	unsigned version;
	char title[512];
	struct pack_file files[PACK_FILES_MAX];
	size_t n_files;
	/* What the last pack_sync moved. */
	uint64_t bytes_fetched;
	uint64_t bytes_total;
	unsigned files_fetched;
};

/* Reads and checks DIR/manifest.xml and DIR/manifest.cms (the last
 * verified pack) against @ca_file: the offline copy.  E_NOTFOUND if the
 * cache has none. */
int pack_load(struct pack *p, const char *dir, const char *ca_file);

/*
 * Brings DIR up to the meeting's published version (see above) and
 * reports it to the server (meeting.ready).  E_CRYPTO if the manifest's
 * signature does not verify or is not the commune's; E_HASH if a file does
 * not match; E_IO, E_TIMEOUT... when the link drops (what arrived stays for
 * the next call).
 */
int pack_sync(struct pack *p, struct client *cl, const char *meeting, const char *dir,
	      const char *ca_file);

/* DIR/<sha> of a file of the pack, into @out. */
int pack_path(const char *dir, const char *sha, char *out, size_t size);

#endif
