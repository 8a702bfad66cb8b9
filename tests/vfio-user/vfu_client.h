/* SPDX-License-Identifier: MIT */
/*
 * A raw vfio-user client for tests: messages built byte by byte, sent
 * with optional fds, replies read whole. No validation of its own: tests
 * send what they like, hostile or not.
 */
#ifndef VFU_CLIENT_H
#define VFU_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Connects to path: fd or -errno. */
int vfu_client_connect(const char *path);
/* Sends header (msg_size = 16 + len) + payload with fds: 0 or -errno. */
int vfu_client_send(int fd, uint16_t id, uint16_t cmd, uint32_t flags,
		    const void *payload, size_t len, const int *fds,
		    size_t nfds);
/* Reads one reply (header into *h, payload into buf up to cap) within
 * timeout_ms: payload length, -ETIMEDOUT, -ECONNRESET (closed), -errno. */
int vfu_client_recv(int fd, struct vfu_hdr *h, void *buf, size_t cap,
		    int timeout_ms);
/* As vfu_client_recv; *fd_out is an fd that came with the reply's first
 * bytes (SCM_RIGHTS), or -1. */
int vfu_client_recv_fd(int fd, struct vfu_hdr *h, void *buf, size_t cap,
		       int timeout_ms, int *fd_out);
/* Sends a VERSION 0.0 with a small JSON: 0 or -errno. */
int vfu_client_version(int fd, uint16_t id);

#endif
