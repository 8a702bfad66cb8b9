// SPDX-License-Identifier: MIT
/*
 * The state journal. One text record per line, each written with a single
 * write() to an O_APPEND file and ending in a checksum, so that a record
 * torn by a full disk or a crash mid-write is recognised and ignored:
 *
 *   C <uuid> <iommu_group> <parent> <type-id> <fnv32>\n   device created
 *   R <uuid> <fnv32>\n                                    device removed
 *   A <uuid> <attr> <hex of the written bytes> <fnv32>\n  attribute store
 *
 * <fnv32> is the 8-hex-digit FNV-1a hash of everything before its space.
 * Names are safe as words: the core refuses names with spaces or controls.
 *
 * This file is the format, the file and the replay; journal_consumer.c
 * attaches it to a core.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "common/fsutil.h"
#include "common/hash.h"
#include "common/htable.h"
#include "journal_priv.h"

/* -------------------------------------------------------------- encoding */

/* A growable byte buffer for building records and snapshots. */
struct buf {
	char *data;
	size_t len, cap;
	bool failed;
};

static void buf_reserve(struct buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->failed || b->len + more + 1 <= b->cap)
		return;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return;
	}
	b->data = p;
	b->cap = cap;
}

__attribute__((format(printf, 2, 3))) static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	buf_reserve(b, (size_t)n);
	if (b->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void buf_hex(struct buf *b, const char *s, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	buf_reserve(b, 2 * n);
	if (b->failed)
		return;
	for (size_t i = 0; i < n; i++) {
		b->data[b->len++] = digits[(unsigned char)s[i] >> 4];
		b->data[b->len++] = digits[(unsigned char)s[i] & 15];
	}
	b->data[b->len] = '\0';
}

/* Closes the record that starts at offset start with its checksum. */
static void buf_end_record(struct buf *b, size_t start)
{
	if (b->failed)
		return;
	buf_printf(b, " %08" PRIx32 "\n",
		   fnv1a32(b->data + start, b->len - start));
}

static void record_create(struct buf *b, const struct mdev_device *mdev)
{
	size_t start = b->len;
	const struct mdev_type *type = mdev_device_type(mdev);

	buf_printf(b, "C %s %u %s %s", mdev_device_name(mdev),
		   mdev_device_iommu_group(mdev),
		   mdev_parent_name(mdev_type_parent(type)),
		   mdev_type_id(type));
	buf_end_record(b, start);
}

static void record_attr(struct buf *b, const char *uuid, const char *attr,
			const char *val, size_t len)
{
	size_t start = b->len;

	buf_printf(b, "A %s %s ", uuid, attr);
	buf_hex(b, val, len);
	buf_end_record(b, start);
}

/* ------------------------------------------------------------- appending */

/* One write(); on failure or a short write the file is cut back to the
 * last complete record, so the torn tail never meets the next record. */
static int append(struct mdev_journal *j, const struct buf *b)
{
	ssize_t w;
	int err;

	if (b->failed)
		return -ENOMEM;
	do
		w = write(j->fd, b->data, b->len);
	while (w < 0 && errno == EINTR);
	if (w == (ssize_t)b->len) {
		j->last_start = j->size;
		j->size += (off_t)w;
		j->last_valid = true;
		return 0;
	}
	err = w < 0 ? errno : ENOSPC;
	if (ftruncate(j->fd, j->size) < 0)
		fprintf(stderr, "journal %s: cannot cut a torn record: %s\n",
			j->path, strerror(errno));
	return -err;
}

int mdev_journal_record_create(struct mdev_journal *j,
			       const struct mdev_device *mdev)
{
	struct buf b = {0};
	int ret;

	record_create(&b, mdev);
	ret = append(j, &b);
	free(b.data);
	return ret;
}

int mdev_journal_record_remove(struct mdev_journal *j,
			       const struct mdev_device *mdev)
{
	struct buf b = {0};
	int ret;

	buf_printf(&b, "R %s", mdev_device_name(mdev));
	buf_end_record(&b, 0);
	ret = append(j, &b);
	free(b.data);
	return ret;
}

int mdev_journal_record_attr(struct mdev_journal *j,
			     const struct mdev_device *mdev, const char *attr,
			     const char *buf, size_t len)
{
	struct buf b = {0};
	int ret;

	record_attr(&b, mdev_device_name(mdev), attr, buf, len);
	ret = append(j, &b);
	free(b.data);
	return ret;
}

void mdev_journal_undo_last(struct mdev_journal *j)
{
	if (!j->last_valid) {
		fprintf(stderr, "journal %s: no record to take back\n",
			j->path);
		return;
	}
	j->last_valid = false;
	if (ftruncate(j->fd, j->last_start) < 0) {
		fprintf(stderr,
			"journal %s: cannot take back a vetoed record: %s\n",
			j->path, strerror(errno));
		return;
	}
	j->size = j->last_start;
}

/* --------------------------------------------------------------- opening */

static int take_lock(struct mdev_journal *j, char *err, size_t errlen)
{
	char path[PATH_MAX], pid[32];
	ssize_t n;
	int len;

	if (snprintf(path, sizeof(path), "%s/lock", j->dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	j->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (j->lock_fd < 0) {
		snprintf(err, errlen, "state directory %s: cannot open %s: %s",
			 j->dir, path, strerror(errno));
		return -errno;
	}
	if (flock(j->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (e != EWOULDBLOCK) {
			snprintf(err, errlen, "state directory %s: lock: %s",
				 j->dir, strerror(e));
			return -e;
		}
		n = pread(j->lock_fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errlen,
			 "state directory %s is in use by another mdevd "
			 "(pid %s)",
			 j->dir, pid[0] ? pid : "unknown");
		return -EBUSY;
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(j->lock_fd, 0) < 0 ||
	    pwrite(j->lock_fd, pid, (size_t)len, 0) != len)
		fprintf(stderr, "state directory %s: cannot record pid: %s\n",
			j->dir, strerror(errno));
	return 0;
}

/* Cuts a tail without its newline (a record torn by a crash mid-write), so
 * the next append starts on a line of its own. */
static int cut_torn_tail(struct mdev_journal *j)
{
	char chunk[4096];
	off_t end = j->size;

	while (end > 0) {
		size_t n =
		    end > (off_t)sizeof(chunk) ? sizeof(chunk) : (size_t)end;
		ssize_t r = pread(j->fd, chunk, n, end - (off_t)n);

		if (r != (ssize_t)n)
			return r < 0 ? -errno : -EIO;
		for (size_t i = n; i > 0; i--) {
			if (chunk[i - 1] != '\n')
				continue;
			end = end - (off_t)n + (off_t)i;
			goto found;
		}
		end -= (off_t)n;
	}
found:
	if (end == j->size)
		return 0;
	fprintf(stderr,
		"journal %s: ignoring a torn last record (%lld bytes)\n",
		j->path, (long long)(j->size - end));
	if (ftruncate(j->fd, end) < 0)
		return -errno;
	j->size = end;
	return 0;
}

static int open_journal_file(struct mdev_journal *j, bool reset)
{
	struct stat st;

	j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return -errno;
	if (reset && ftruncate(j->fd, 0) < 0)
		return -errno;
	if (fstat(j->fd, &st) < 0)
		return -errno;
	j->size = st.st_size;
	return cut_torn_tail(j);
}

int mdev_journal_open(const char *dir, bool reset, struct mdev_journal **out,
		      char *err, size_t errlen)
{
	struct mdev_journal *j;
	int ret;

	if (!err)
		errlen = 0;
	if (!dir || !*dir) {
		snprintf(err, errlen, "no state directory given");
		return -EINVAL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->fd = -1;
	j->lock_fd = -1;
	j->dir = strdup(dir);
	j->path = path_join(dir, "journal");
	j->tmp_path = path_join(dir, "journal.tmp");
	if (!j->dir || !j->path || !j->tmp_path) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = mkdir_p(dir, 0700);
	if (ret < 0) {
		snprintf(err, errlen, "state directory %s: %s", dir,
			 strerror(-ret));
		goto fail;
	}
	ret = take_lock(j, err, errlen);
	if (ret < 0)
		goto fail;
	ret = open_journal_file(j, reset);
	if (ret < 0) {
		snprintf(err, errlen, "journal %s: %s", j->path,
			 strerror(-ret));
		goto fail;
	}
	*out = j;
	return 0;
fail:
	mdev_journal_close(j);
	return ret;
}

void mdev_journal_close(struct mdev_journal *j)
{
	if (!j)
		return;
	if (j->core)
		mdev_journal_detach(j);
	if (j->fd >= 0)
		close(j->fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	free(j->dir);
	free(j->path);
	free(j->tmp_path);
	free(j);
}

/* ---------------------------------------------------------------- replay */

/* One attribute store as recorded. */
struct jattr {
	struct jattr *next;
	char *attr;
	char *value;
	size_t len;
	bool applied;
};

/* A device the journal says exists, with its stores in order. */
struct jdev {
	struct htable_node link;  /* in jstate.by_uuid */
	struct jdev *prev, *next; /* creation order */
	uuid_t uuid;
	unsigned iommu_group;
	char *parent;
	char *type;
	struct jattr *attrs, **attrs_tail;
};

struct jstate {
	struct htable by_uuid;
	struct jdev head; /* creation-order list */
	const char *path;
	size_t line;
};

static uint64_t uuid_hash(const uuid_t uuid)
{
	return fnv1a64(uuid, sizeof(uuid_t));
}

static struct jdev *jfind(const struct jstate *st, const uuid_t uuid)
{
	struct htable_node *n = htable_first(&st->by_uuid, uuid_hash(uuid));

	for (; n; n = htable_next(n)) {
		struct jdev *d = container_of(n, struct jdev, link);

		if (uuid_compare(d->uuid, uuid) == 0)
			return d;
	}
	return NULL;
}

static void jdev_free(struct jdev *d)
{
	struct jattr *a, *next;

	for (a = d->attrs; a; a = next) {
		next = a->next;
		free(a->attr);
		free(a->value);
		free(a);
	}
	free(d->parent);
	free(d->type);
	free(d);
}

/* Unlinks and frees d. */
static void jdev_drop(struct jstate *st, struct jdev *d)
{
	htable_remove(&st->by_uuid, &d->link);
	d->prev->next = d->next;
	d->next->prev = d->prev;
	jdev_free(d);
}

__attribute__((format(printf, 2, 3))) static void jwarn(const struct jstate *st,
							const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "journal %s line %zu: ", st->path, st->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *hex_decode(const char *s, size_t *len)
{
	size_t n = strlen(s);
	char *out;

	if (n % 2 || n / 2 > MDEV_ATTR_MAX)
		return NULL;
	out = malloc(n / 2 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	out[n / 2] = '\0';
	*len = n / 2;
	return out;
}

static bool parse_uuid_word(const char *s, uuid_t out)
{
	return s && strlen(s) == 36 && mdev_parse_create_uuid(s, 36, out) == 0;
}

static int apply_create(struct jstate *st, char **f, size_t nf)
{
	struct jdev *d;
	unsigned long group;
	char *end;
	uuid_t uuid;

	if (nf != 5 || !parse_uuid_word(f[1], uuid))
		return -EINVAL;
	errno = 0;
	group = strtoul(f[2], &end, 10);
	if (errno || *end || end == f[2] || group == 0 || group > UINT_MAX)
		return -EINVAL;
	d = jfind(st, uuid);
	if (d) {
		jwarn(st, "device %s created twice; keeping the later", f[1]);
		jdev_drop(st, d);
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	uuid_copy(d->uuid, uuid);
	d->iommu_group = (unsigned)group;
	d->parent = strdup(f[3]);
	d->type = strdup(f[4]);
	d->attrs_tail = &d->attrs;
	if (!d->parent || !d->type) {
		jdev_free(d);
		return -ENOMEM;
	}
	htable_insert(&st->by_uuid, &d->link, uuid_hash(uuid));
	d->prev = st->head.prev;
	d->next = &st->head;
	st->head.prev->next = d;
	st->head.prev = d;
	return 0;
}

static int apply_remove(struct jstate *st, char **f, size_t nf)
{
	struct jdev *d;
	uuid_t uuid;

	if (nf != 2 || !parse_uuid_word(f[1], uuid))
		return -EINVAL;
	d = jfind(st, uuid);
	if (!d)
		jwarn(st, "removal of unknown device %s ignored", f[1]);
	else
		jdev_drop(st, d);
	return 0;
}

static int apply_attr(struct jstate *st, char **f, size_t nf)
{
	struct jdev *d;
	struct jattr *a;
	uuid_t uuid;

	if (nf != 4 || !parse_uuid_word(f[1], uuid))
		return -EINVAL;
	d = jfind(st, uuid);
	if (!d) {
		jwarn(st, "attribute of unknown device %s ignored", f[1]);
		return 0;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->attr = strdup(f[2]);
	a->value = hex_decode(f[3], &a->len);
	if (!a->attr || !a->value) {
		free(a->attr);
		free(a->value);
		free(a);
		return -EINVAL;
	}
	*d->attrs_tail = a;
	d->attrs_tail = &a->next;
	return 0;
}

/* Parses one complete line (without its '\n') into the state. Damaged
 * lines are skipped with a warning; only -ENOMEM stops the replay. */
static int parse_line(struct jstate *st, char *line, size_t len)
{
	char *fields[6], *sp, *save = NULL;
	size_t nf = 0;
	unsigned long sum;
	char *end;
	int ret;

	sp = memrchr(line, ' ', len);
	if (!sp || line + len - sp != 9) {
		jwarn(st, "no checksum; record ignored");
		return 0;
	}
	*sp = '\0';
	sum = strtoul(sp + 1, &end, 16);
	if (*end || fnv1a32(line, (size_t)(sp - line)) != (uint32_t)sum) {
		jwarn(st, "checksum mismatch; record ignored");
		return 0;
	}
	for (char *tok = strtok_r(line, " ", &save); tok && nf < 6;
	     tok = strtok_r(NULL, " ", &save))
		fields[nf++] = tok;
	if (nf == 3 && strcmp(fields[0], "A") == 0)
		fields[nf++] = (char *)""; /* an empty value */
	if (nf == 0 || strlen(fields[0]) != 1)
		ret = -EINVAL;
	else if (fields[0][0] == 'C')
		ret = apply_create(st, fields, nf);
	else if (fields[0][0] == 'R')
		ret = apply_remove(st, fields, nf);
	else if (fields[0][0] == 'A')
		ret = apply_attr(st, fields, nf);
	else
		ret = -EINVAL;
	if (ret == -EINVAL) {
		jwarn(st, "malformed record ignored");
		ret = 0;
	}
	return ret;
}

static int read_all(int fd, off_t size, char **out)
{
	char *data = malloc((size_t)size + 1);
	size_t got = 0;

	if (!data)
		return -ENOMEM;
	while (got < (size_t)size) {
		ssize_t r =
		    pread(fd, data + got, (size_t)size - got, (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(data);
			return r < 0 ? -errno : -EIO;
		}
		got += (size_t)r;
	}
	data[got] = '\0';
	*out = data;
	return 0;
}

static int load_state(struct mdev_journal *j, struct jstate *st)
{
	char *data = NULL, *p, *end;
	int ret;

	ret = read_all(j->fd, j->size, &data);
	if (ret < 0)
		return ret;
	/* A create record is about 100 bytes; the table grows if needed. */
	if (htable_init(&st->by_uuid, (size_t)j->size / 32) < 0) {
		free(data);
		return -ENOMEM;
	}
	st->head.prev = st->head.next = &st->head;
	st->path = j->path;
	end = data + j->size;
	for (p = data; p < end && ret == 0;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		st->line++;
		if (!nl) {
			/* cut_torn_tail() runs at open; this is belt and
			 * braces. */
			jwarn(st, "torn last record ignored");
			break;
		}
		*nl = '\0';
		ret = parse_line(st, p, (size_t)(nl - p));
		p = nl + 1;
	}
	free(data);
	return ret;
}

static void free_state(struct jstate *st)
{
	struct jdev *d, *next;

	for (d = st->head.next; d && d != &st->head; d = next) {
		next = d->next;
		jdev_free(d);
	}
	htable_fini(&st->by_uuid);
}

static void recreate(struct jstate *st, struct jdev *d, struct mdev_core *core)
{
	struct mdev_parent *parent = mdev_parent_find(core, d->parent);
	struct mdev_type *type =
	    parent ? mdev_parent_type_find(parent, d->type) : NULL;
	struct mdev_device *mdev;
	char name[37];
	int ret;

	uuid_unparse_lower(d->uuid, name);
	if (!type) {
		fprintf(stderr,
			"journal %s: device %s dropped: parent %s type %s "
			"is not registered\n",
			st->path, name, d->parent, d->type);
		return;
	}
	ret = mdev_device_create(type, d->uuid, d->iommu_group, &mdev);
	if (ret < 0) {
		fprintf(stderr, "journal %s: device %s dropped: create: %s\n",
			st->path, name, strerror(-ret));
		return;
	}
	/* Every store in order, as the live daemon saw them; a store that
	 * fails now failed then too (or the driver changed) and is skipped. */
	for (struct jattr *a = d->attrs; a; a = a->next) {
		ret = mdev_device_attr_store(mdev, a->attr, a->value, a->len);
		if (ret < 0)
			fprintf(stderr,
				"journal %s: device %s attribute %s: store "
				"failed (%s); skipped\n",
				st->path, name, a->attr, strerror(-ret));
		else
			a->applied = true;
	}
}

/* Does a later applied store to the same attribute make a supersede? */
static bool superseded(const struct jattr *a)
{
	for (const struct jattr *b = a->next; b; b = b->next)
		if (b->applied && strcmp(a->attr, b->attr) == 0)
			return true;
	return false;
}

/* The snapshot: every device the core has, then its applied stores. A
 * driver that handles stores itself may accumulate them (vfio_ap's
 * assign_adapter), so its stores are all kept; for plain stored values
 * only the last one matters. */
static void snapshot(struct jstate *st, struct mdev_core *core, struct buf *b)
{
	for (struct mdev_device *m = mdev_device_first(core); m;
	     m = mdev_device_next(m)) {
		struct jdev *d;
		uuid_t uuid;
		bool keep_all;

		record_create(b, m);
		mdev_device_uuid(m, uuid);
		d = jfind(st, uuid);
		if (!d)
			continue;
		keep_all = mdev_type_driver_stores_attrs(mdev_device_type(m));
		for (struct jattr *a = d->attrs; a; a = a->next)
			if (a->applied && (keep_all || !superseded(a)))
				record_attr(b, mdev_device_name(m), a->attr,
					    a->value, a->len);
	}
}

/* Temp file, fsync, rename, fsync of the directory, reopen for appends. */
static int compact(struct mdev_journal *j, const struct buf *b)
{
	int fd, ret, newfd;

	if (b->failed)
		return -ENOMEM;
	fd = open(j->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, b->data ? b->data : "", b->len);
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(j->tmp_path, j->path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(j->tmp_path);
		return ret;
	}
	/* The old file is unlinked now: appends must go to the new one. */
	newfd = open(j->path, O_RDWR | O_APPEND | O_CLOEXEC);
	close(j->fd);
	j->fd = -1; /* appends fail (and veto) rather than vanish */
	if (newfd < 0)
		return -errno;
	j->fd = newfd;
	j->size = (off_t)b->len;
	j->last_valid = false;
	return fsync_dir(j->dir);
}

int mdev_journal_replay(struct mdev_journal *j, struct mdev_core *core)
{
	struct jstate st = {0};
	struct buf b = {0};
	int ret;

	ret = load_state(j, &st);
	if (ret < 0)
		goto out;
	mdev_core_lock(core);
	for (struct jdev *d = st.head.next; d != &st.head; d = d->next)
		recreate(&st, d, core);
	snapshot(&st, core, &b);
	mdev_core_unlock(core);
	ret = compact(j, &b);
	if (ret < 0) {
		/* The old journal still replays to this state; appends go on.
		 */
		fprintf(stderr, "journal %s: compaction failed: %s\n", j->path,
			strerror(-ret));
		ret = 0;
	}
out:
	free(b.data);
	free_state(&st);
	return ret;
}
