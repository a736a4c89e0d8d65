/*
 * portal_rate.c: the token buckets of portal_rate.h.  A token is UNIT
 * units, so that a millisecond adds exactly per_minute units: no rounding,
 * however often an address asks.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "server/portal_rate.h"

#define RATE_PROBE 8 /* slots looked at for one address */
#define UNIT 60000   /* units of a token: the milliseconds of a minute */

struct slot {
	uint8_t key[PORTAL_RATE_KEY_MAX];
	uint8_t len;   /* 0: free */
	int64_t units; /* tokens x UNIT */
	int64_t last_ms;
};

struct portal_rate {
	pthread_mutex_t mu;
	int64_t per_minute;
	int64_t burst;
	struct slot slots[PORTAL_RATE_SLOTS];
};

int portal_rate_new(struct portal_rate **out, unsigned per_minute, unsigned burst)
{
	struct portal_rate *r;

	*out = NULL;
	if (per_minute == 0 || burst == 0)
		return err_set(E_INVAL, "a rate and a burst of at least 1 are needed");
	if (!(r = calloc(1, sizeof(*r))))
		return err_set(E_NOMEM, "rate table");
	pthread_mutex_init(&r->mu, NULL);
	r->per_minute = per_minute;
	r->burst = burst;
	*out = r;
	return E_OK;
}

void portal_rate_free(struct portal_rate *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->mu);
	free(r);
}

static size_t hash(const uint8_t *k, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ k[i]) * 1099511628211ull;
	return (size_t)(h % PORTAL_RATE_SLOTS);
}

/* The slot of @key: its own, else a free one, else the one idle longest
 * (then reset to a full bucket). */
static struct slot *find(struct portal_rate *r, const uint8_t *key, size_t len, int64_t now_ms)
{
	size_t at = hash(key, len);
	struct slot *victim = NULL;

	for (size_t i = 0; i < RATE_PROBE; i++) {
		struct slot *s = &r->slots[(at + i) % PORTAL_RATE_SLOTS];

		if (s->len == len && memcmp(s->key, key, len) == 0)
			return s;
		if (!victim || (victim->len && (!s->len || s->last_ms < victim->last_ms)))
			victim = s;
	}
	memcpy(victim->key, key, len);
	victim->len = (uint8_t)len;
	victim->units = r->burst * UNIT;
	victim->last_ms = now_ms;
	return victim;
}

int portal_rate_take(struct portal_rate *r, const void *key, size_t len, int64_t now_ms)
{
	struct slot *s;
	int ok;

	if (len == 0 || len > PORTAL_RATE_KEY_MAX)
		return 0;
	pthread_mutex_lock(&r->mu);
	s = find(r, key, len, now_ms);
	if (now_ms > s->last_ms) {
		s->units += (now_ms - s->last_ms) * r->per_minute;
		if (s->units > r->burst * UNIT)
			s->units = r->burst * UNIT;
		s->last_ms = now_ms;
	}
	ok = s->units >= UNIT;
	if (ok)
		s->units -= UNIT;
	pthread_mutex_unlock(&r->mu);
	return ok;
}
