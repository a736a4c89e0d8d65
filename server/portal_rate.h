/*
 * portal_rate.h: per-address token buckets for the portal's lookups.  An
 * address may make @burst lookups at once and then @per_minute a minute.
 * A fixed table (PORTAL_RATE_SLOTS): when it is full, the bucket of the
 * address seen longest ago is reused, so a flood of addresses costs memory
 * of none and, at worst, gives an old address a full bucket again.
 * Thread-safe (one mutex).
 */
#ifndef DINH_PORTAL_RATE_H
#define DINH_PORTAL_RATE_H

#include <stddef.h>
#include <stdint.h>

#define PORTAL_RATE_SLOTS 8192
#define PORTAL_RATE_KEY_MAX 16 /* bytes of an address (IPv6) */

struct portal_rate;

int portal_rate_new(struct portal_rate **out, unsigned per_minute, unsigned burst);
void portal_rate_free(struct portal_rate *r);

/* Takes a token for the address @key (@len bytes, at most
 * PORTAL_RATE_KEY_MAX) at monotonic time @now_ms: 1 when there was one,
 * 0 when the address must wait. */
int portal_rate_take(struct portal_rate *r, const void *key, size_t len, int64_t now_ms);

#endif
