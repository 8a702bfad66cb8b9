/* SPDX-License-Identifier: MIT */
/*
 * Hash functions: FNV-1a (32 and 64 bits) for bytes and strings, and a
 * 64-bit finalizer for integer and pointer keys. The journal's record
 * checksum is FNV-1a 32 on disk, so these values are a file format: never
 * change them.
 */
#ifndef MDEV_COMMON_HASH_H
#define MDEV_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A32_BASIS UINT32_C(2166136261)
#define FNV1A64_BASIS UINT64_C(14695981039346656037)

/* Continues an FNV-1a hash h (start from the basis) over n bytes. */
uint32_t fnv1a32_update(uint32_t h, const void *data, size_t n);
uint64_t fnv1a64_update(uint64_t h, const void *data, size_t n);

static inline uint32_t fnv1a32(const void *data, size_t n)
{
	return fnv1a32_update(FNV1A32_BASIS, data, n);
}

static inline uint64_t fnv1a64(const void *data, size_t n)
{
	return fnv1a64_update(FNV1A64_BASIS, data, n);
}

/* MurmurHash3's fmix64: every input bit affects every output bit, so
 * sequential serials and aligned pointers spread over all buckets. */
uint64_t mix64(uint64_t x);

#endif
