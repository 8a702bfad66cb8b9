// SPDX-License-Identifier: MIT
#include "common/hash.h"

#define FNV1A32_PRIME UINT32_C(16777619)
#define FNV1A64_PRIME UINT64_C(1099511628211)

uint32_t fnv1a32_update(uint32_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV1A32_PRIME;
	return h;
}

uint64_t fnv1a64_update(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV1A64_PRIME;
	return h;
}

uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}
