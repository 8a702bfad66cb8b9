// SPDX-License-Identifier: MIT
/*
 * racer: drives a mounted mdevd tree (or any mdev sysfs tree) from many
 * processes at once, for the stress and crash tests.
 *
 *   racer create [-p PROCS] [-n ITERS] TYPEDIR...
 *	PROCS processes, released together, each write ITERS fresh UUIDs to
 *	the create files of randomly chosen TYPEDIRs. Prints one line:
 *	"ok=N EUSERS=N ENOSPC=N other=N" and one "type[i] ok=N" per type;
 *	exits 1 if any error other than EUSERS/ENOSPC was seen.
 *
 *   racer churn [-p PROCS] [-n ITERS] [-u UUIDS] ROOT TYPEDIR...
 *	Creates and removes of the same few UUIDs racing. Allowed results:
 *	create 0/EEXIST/EUSERS/ENOSPC/ENODEV, remove 0/ENOENT/ENODEV/EAGAIN
 *	(ENOENT also for a parent that went away). Prints the counts; exits 1
 *	on anything else.
 *
 *   racer load -o DIR [-p PROCS] [-t SECONDS] [-b BASELINE] ROOT TYPEDIR...
 *	The crash harness's load: PROCS workers create (fresh UUIDs, and now
 *	and then an existing one), remove and write the attribute "cfg" of
 *	their own devices until the first error that says the server died
 *	(ENOTCONN, ECONNABORTED, EIO...) or SECONDS pass. Each worker owns a
 *	disjoint set of devices (the baseline's devices are dealt out) and
 *	writes its model to DIR/model.<i>: per UUID the acknowledged state
 *	and at most one operation whose outcome is unknown (the one the crash
 *	interrupted).
 *
 *   racer write PATH
 *	One open + one write() of all of stdin + close, like a sysfs writer;
 *	prints "0" or the errno's name (EINVAL, ENOSPC, ...). Exit 0 either way.
 *
 *   racer killon DIR PID [MS]
 *	Watches DIR and sends SIGKILL to PID the moment a new hidden file
 *	(a temporary file, ".lock" excepted) appears in it, or after MS
 *	milliseconds (default 2000). Prints "mid-write" or "timeout". For
 *	killing a writer between its temporary file and the rename.
 *
 *   racer verify [-w BASELINE_OUT] -s TYPEDIR:POOL... ROOT MODEL...
 *	Checks the tree against the models: every acknowledged device is
 *	present with its type and last acknowledged cfg value, nothing
 *	failed or removed is present, every present device is whole (bus
 *	link, mdev_type link, devices/ link, cfg readable), and for each type
 *	available_instances + instances = POOL. Prints "devices=N
 *	mismatches=N"; exits 1 on any mismatch. -w writes the tree's devices
 *	as the next round's baseline. -s is given once per TYPEDIR, in the
 *	order load was given them (":POOL" may be left out).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define MAX_TYPES 16
#define MAX_PROCS 64
#define VALUE_MAX 64
#define ATTR "cfg"

/* ------------------------------------------------------------- helpers */

static int write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, buf, len);
	int err = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	if (close(fd) != 0 && err == 0)
		err = -errno;
	return err;
}

/* Reads up to size-1 bytes, NUL-terminated; length or -errno. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	/* Branch on n itself, not on a saved errno: at -O3 GCC cannot tell
	 * that a failed read left errno non-zero and flags buf[n] with n < 0
	 * (-Warray-bounds). */
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	return n;
}

static long read_long(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[64];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Copies src into dst, truncating to size - 1 bytes. */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Errors that say the server is gone, so the outcome is unknown. */
static bool server_died(int err)
{
	return err == -ENOTCONN || err == -ECONNABORTED || err == -EIO ||
	       err == -EINTR || err == -ENXIO;
}

static unsigned rnd(unsigned *seed, unsigned n)
{
	return (unsigned)rand_r(seed) % n;
}

/* Children block here until the parent closes the write end, so that all
 * of them start at the same moment. */
static void wait_start(int gate)
{
	char c;
	while (read(gate, &c, 1) < 0 && errno == EINTR)
		;
	close(gate);
}

static int wait_children(pid_t *pids, int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int st;
		if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			bad++;
	}
	return bad;
}

/* Forks n children running fn(i, arg) released together; returns the
 * number that failed. */
static int run_parallel(int n, int (*fn)(int, void *), void *arg)
{
	pid_t pids[MAX_PROCS];
	int gate[2];
	if (pipe(gate) != 0)
		return n;
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(gate[1]);
			wait_start(gate[0]);
			_exit(fn(i, arg));
		}
	}
	close(gate[0]);
	close(gate[1]);
	return wait_children(pids, n);
}

/* ------------------------------------------------ shared result counters */

/* Each child sends its counts as one fixed-size record down a pipe when it
 * is done, so nothing is shared while the race runs. */
struct tally {
	long ok[MAX_TYPES];
	long eusers, enospc, eexist, enoent, enodev, eagain, other;
	long rm_ok;
};

static void tally_add(struct tally *t, const struct tally *c)
{
	for (int i = 0; i < MAX_TYPES; i++)
		t->ok[i] += c->ok[i];
	t->eusers += c->eusers;
	t->enospc += c->enospc;
	t->eexist += c->eexist;
	t->enoent += c->enoent;
	t->enodev += c->enodev;
	t->eagain += c->eagain;
	t->other += c->other;
	t->rm_ok += c->rm_ok;
}

struct race {
	int procs, iters, n_types, n_uuids;
	const char *root;
	char **types;
	int report; /* write end of the tally pipe */
};

static void report_tally(const struct race *r, const struct tally *t)
{
	if (write(r->report, t, sizeof(*t)) != sizeof(*t))
		_exit(2);
}

static int collect(int fd, int procs, struct tally *sum)
{
	int got = 0;
	struct tally t;
	memset(sum, 0, sizeof(*sum));
	while (read(fd, &t, sizeof(t)) == sizeof(t)) {
		tally_add(sum, &t);
		got++;
	}
	return got == procs ? 0 : -1;
}

/* ------------------------------------------------------------- create */

static int create_worker(int idx, void *arg)
{
	struct race *r = arg;
	struct tally t = {0};
	unsigned seed = (unsigned)getpid() * 2654435761u + (unsigned)idx;
	char path[PATH_MAX], text[40];
	for (int i = 0; i < r->iters; i++) {
		int ti = rnd(&seed, (unsigned)r->n_types);
		uuid_t u;
		uuid_generate_random(u);
		uuid_unparse_lower(u, text);
		text[36] = '\n';
		snprintf(path, sizeof(path), "%s/create", r->types[ti]);
		int rc = write_file(path, text, 37);
		if (rc == 0)
			t.ok[ti]++;
		else if (rc == -EUSERS)
			t.eusers++;
		else if (rc == -ENOSPC)
			t.enospc++;
		else {
			if (t.other++ < 3)
				fprintf(stderr, "create %s: %s\n", path,
					strerror(-rc));
		}
	}
	report_tally(r, &t);
	return 0;
}

static int start_race(struct race *r, int (*fn)(int, void *), struct tally *sum)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	r->report = p[1];
	int bad = run_parallel(r->procs, fn, r);
	close(p[1]);
	int rc = collect(p[0], r->procs, sum);
	close(p[0]);
	return bad || rc ? -1 : 0;
}

static int cmd_create(struct race *r)
{
	struct tally sum;
	if (start_race(r, create_worker, &sum) != 0) {
		fprintf(stderr, "racer: a worker failed\n");
		return 1;
	}
	long ok = 0;
	for (int i = 0; i < r->n_types; i++)
		ok += sum.ok[i];
	printf("ok=%ld EUSERS=%ld ENOSPC=%ld other=%ld\n", ok, sum.eusers,
	       sum.enospc, sum.other);
	for (int i = 0; i < r->n_types; i++)
		printf("type[%d] %s ok=%ld\n", i, basename_of(r->types[i]),
		       sum.ok[i]);
	return sum.other ? 1 : 0;
}

/* -------------------------------------------------------------- churn */

static void uuid_of(int i, char *text)
{
	snprintf(text, 40, "c0ffee00-0000-4000-8000-%012x", i);
}

static int churn_worker(int idx, void *arg)
{
	struct race *r = arg;
	struct tally t = {0};
	unsigned seed = (unsigned)getpid() * 2246822519u + (unsigned)idx;
	char path[PATH_MAX], text[40];
	for (int i = 0; i < r->iters; i++) {
		uuid_of((int)rnd(&seed, (unsigned)r->n_uuids), text);
		int rc;
		bool create = rnd(&seed, 2) == 0;
		if (create) {
			int ti = rnd(&seed, (unsigned)r->n_types);
			snprintf(path, sizeof(path), "%s/create", r->types[ti]);
			rc = write_file(path, text, 36);
			if (rc == 0)
				t.ok[ti]++;
		} else {
			snprintf(path, sizeof(path),
				 "%s/sys/bus/mdev/devices/%s/remove", r->root,
				 text);
			rc = write_file(path, "1\n", 2);
			if (rc == 0)
				t.rm_ok++;
		}
		switch (rc) {
		case 0:
			break;
		case -EEXIST:
			t.eexist++;
			break;
		case -EUSERS:
			t.eusers++;
			break;
		case -ENOSPC:
			t.enospc++;
			break;
		case -ENOENT:
			t.enoent++;
			break;
		case -ENODEV:
			t.enodev++;
			break;
		case -EAGAIN:
			t.eagain++;
			break;
		default:
			if (t.other++ < 3)
				fprintf(stderr, "%s %s: %s\n",
					create ? "create" : "remove", path,
					strerror(-rc));
		}
		/* EEXIST only makes sense for a create, ENOENT only for a
		 * remove (or a type dir whose parent went away). */
	}
	report_tally(r, &t);
	return 0;
}

static int cmd_churn(struct race *r)
{
	struct tally sum;
	if (start_race(r, churn_worker, &sum) != 0) {
		fprintf(stderr, "racer: a worker failed\n");
		return 1;
	}
	long ok = 0;
	for (int i = 0; i < r->n_types; i++)
		ok += sum.ok[i];
	printf("created=%ld removed=%ld EEXIST=%ld ENOENT=%ld ENODEV=%ld "
	       "EAGAIN=%ld EUSERS=%ld ENOSPC=%ld other=%ld\n",
	       ok, sum.rm_ok, sum.eexist, sum.enoent, sum.enodev, sum.eagain,
	       sum.eusers, sum.enospc, sum.other);
	return sum.other ? 1 : 0;
}

/* --------------------------------------------------------------- model */

enum pending { P_NONE, P_CREATE, P_REMOVE, P_ATTR };

struct dev {
	char uuid[37];
	int type;     /* index into the TYPEDIR list */
	bool present; /* acknowledged state */
	enum pending pending;
	char value[VALUE_MAX];	/* acknowledged cfg value */
	char pvalue[VALUE_MAX]; /* value of a pending write */
};

struct model {
	struct dev *devs;
	size_t n, cap;
};

static struct dev *model_add(struct model *m)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->devs = realloc(m->devs, m->cap * sizeof(*m->devs));
		if (!m->devs) {
			perror("racer");
			exit(2);
		}
	}
	struct dev *d = &m->devs[m->n++];
	memset(d, 0, sizeof(*d));
	return d;
}

static const char *pending_name[] = {"-", "create", "remove", "attr"};

/* One line per device: uuid type present pending value pvalue; values are
 * written as "=" + text so an empty value is a field too. */
static int model_save(const struct model *m, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		const struct dev *d = &m->devs[i];
		fprintf(f, "%s %d %d %s =%s =%s\n", d->uuid, d->type,
			d->present, pending_name[d->pending], d->value,
			d->pvalue);
	}
	return fclose(f);
}

static int model_load(struct model *m, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char uuid[64], pend[16], v[VALUE_MAX + 2], pv[VALUE_MAX + 2];
	int type, present;
	while (fscanf(f, "%40s %d %d %15s %65s %65s", uuid, &type, &present,
		      pend, v, pv) == 6) {
		struct dev *d = model_add(m);
		copy_str(d->uuid, sizeof(d->uuid), uuid);
		d->type = type;
		d->present = present;
		for (int p = 0; p < 4; p++)
			if (!strcmp(pend, pending_name[p]))
				d->pending = (enum pending)p;
		copy_str(d->value, sizeof(d->value), v + 1);
		copy_str(d->pvalue, sizeof(d->pvalue), pv + 1);
	}
	fclose(f);
	return 0;
}

/* ---------------------------------------------------------------- load */

struct load {
	struct race r; /* first: start_race() hands workers &l->r == l */
	const char *out;
	const char *baseline;
	double seconds;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One random operation; returns its result (0 or -errno). */
static int load_step(struct load *l, struct model *m, unsigned *seed, int *seq)
{
	char path[PATH_MAX], buf[VALUE_MAX + 2];
	unsigned what = rnd(seed, 10);
	struct dev *d = m->n ? &m->devs[rnd(seed, (unsigned)m->n)] : NULL;
	int rc;

	if (what < 4 || !d) { /* create a fresh UUID */
		d = model_add(m);
		uuid_t u;
		uuid_generate_random(u);
		uuid_unparse_lower(u, d->uuid);
		d->type = (int)rnd(seed, (unsigned)l->r.n_types);
		snprintf(path, sizeof(path), "%s/create", l->r.types[d->type]);
		rc = write_file(path, d->uuid, 36);
		if (rc == 0)
			d->present = true;
		else if (server_died(rc))
			d->pending = P_CREATE;
		/* a refused create (ENOSPC) stays in the model as absent:
		 * it must not appear. */
	} else if (what == 4) { /* create an existing one: EEXIST */
		if (!d->present)
			return -ENOENT;
		snprintf(path, sizeof(path), "%s/create", l->r.types[d->type]);
		rc = write_file(path, d->uuid, 36);
		if (rc == 0) {
			fprintf(stderr, "create of existing %s succeeded\n",
				d->uuid);
			exit(1);
		}
		return rc;
	} else if (what < 7) { /* remove */
		snprintf(path, sizeof(path),
			 "%s/sys/bus/mdev/devices/%s/remove", l->r.root,
			 d->uuid);
		rc = write_file(path, "1\n", 2);
		if (rc == 0) {
			if (!d->present) {
				fprintf(stderr, "remove of absent %s ok\n",
					d->uuid);
				exit(1);
			}
			d->present = false;
			d->value[0] = '\0';
		} else if (server_died(rc) && d->present) {
			/* (an absent device stays absent whatever happened) */
			d->pending = P_REMOVE;
		}
	} else { /* attribute write */
		snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/" ATTR,
			 l->r.root, d->uuid);
		int len = snprintf(buf, sizeof(buf), "v%d\n", (*seq)++);
		rc = write_file(path, buf, (size_t)len);
		buf[len - 1] = '\0';
		if (rc == 0) {
			if (!d->present) {
				fprintf(stderr, "write to absent %s ok\n",
					d->uuid);
				exit(1);
			}
			copy_str(d->value, sizeof(d->value), buf);
		} else if (server_died(rc) && d->present) {
			d->pending = P_ATTR;
			copy_str(d->pvalue, sizeof(d->pvalue), buf);
		}
	}
	return rc;
}

static int load_worker(int idx, void *arg)
{
	struct load *l = arg;
	struct model base = {0}, m = {0};
	struct tally t = {0};
	unsigned seed = (unsigned)getpid() * 3266489917u + (unsigned)idx;
	int seq = idx * 1000000;
	if (l->baseline && model_load(&base, l->baseline) == 0)
		for (size_t i = 0; i < base.n; i++)
			if ((int)(i % (size_t)l->r.procs) == idx)
				*model_add(&m) = base.devs[i];
	double end = now() + l->seconds;
	bool alive = true;
	while (alive && now() < end) {
		int rc = load_step(l, &m, &seed, &seq);
		alive = !server_died(rc);
		t.ok[0] += rc == 0;
	}
	t.other = !alive;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/model.%d", l->out, idx);
	int rc = model_save(&m, path);
	free(m.devs);
	free(base.devs);
	report_tally(&l->r, &t);
	return rc ? 1 : 0;
}

/* Prints "ops=N interrupted=N": acknowledged (successful) operations, and
 * workers stopped by the server's death. */
static int cmd_load(struct load *l)
{
	struct tally sum;
	if (start_race(&l->r, load_worker, &sum) != 0)
		return 1;
	printf("ops=%ld interrupted=%ld\n", sum.ok[0], sum.other);
	return 0;
}

/* -------------------------------------------------------------- verify */

struct typespec {
	char *dir;
	long pool;
};

static int mismatches;

static void mismatch(const char *fmt, const char *uuid, const char *what)
{
	mismatches++;
	if (mismatches <= 20) {
		fprintf(stderr, "mismatch: ");
		fprintf(stderr, fmt, uuid, what);
		fputc('\n', stderr);
	}
}

/* Is the device there, whole? Fills its cfg value. 1 = whole, 0 = absent,
 * -1 = partial (counted as a mismatch). */
static int device_state(const char *root, const struct typespec *types,
			int n_types, const struct dev *d, char *value)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s", root,
		 d->uuid);
	bool bus = lstat(path, &st) == 0;
	bool in_type = false;
	for (int i = 0; i < n_types; i++) {
		snprintf(link, sizeof(link), "%s/devices/%s", types[i].dir,
			 d->uuid);
		if (lstat(link, &st) == 0) {
			in_type = true;
			if (i != d->type)
				mismatch("%s: under type %s", d->uuid,
					 basename_of(types[i].dir));
		}
	}
	if (!bus && !in_type)
		return 0;
	if (bus != in_type) {
		mismatch("%s: %s", d->uuid,
			 bus ? "bus link but no devices/ link"
			     : "devices/ link but no bus link");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/mdev_type",
		 root, d->uuid);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		mismatch("%s: mdev_type: %s", d->uuid, strerror(errno));
		return -1;
	}
	link[n] = '\0';
	if (strcmp(basename_of(link), basename_of(types[d->type].dir)) != 0)
		mismatch("%s: mdev_type -> %s", d->uuid, link);
	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices/%s/" ATTR, root,
		 d->uuid);
	char buf[VALUE_MAX + 2];
	if (read_file(path, buf, sizeof(buf)) < 0) {
		mismatch("%s: " ATTR " unreadable: %s", d->uuid,
			 strerror(errno));
		return -1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	copy_str(value, VALUE_MAX, buf);
	return 1;
}

static void verify_dev(const char *root, const struct typespec *types,
		       int n_types, const struct dev *d)
{
	char value[VALUE_MAX] = "";
	int st = device_state(root, types, n_types, d, value);
	if (st < 0)
		return;
	bool present = st == 1;
	switch (d->pending) {
	case P_NONE:
		if (present != d->present)
			mismatch("%s: %s", d->uuid,
				 d->present ? "acknowledged but missing"
					    : "present but not acknowledged");
		else if (present && strcmp(value, d->value) != 0)
			mismatch("%s: cfg is '%s'", d->uuid, value);
		break;
	case P_CREATE: /* either; if there, with the default value */
		if (present && value[0] != '\0')
			mismatch("%s: half-created with cfg '%s'", d->uuid,
				 value);
		break;
	case P_REMOVE:
		if (present && strcmp(value, d->value) != 0)
			mismatch("%s: cfg is '%s'", d->uuid, value);
		break;
	case P_ATTR:
		if (!present)
			mismatch("%s: %s", d->uuid, "lost (pending write)");
		else if (strcmp(value, d->value) && strcmp(value, d->pvalue))
			mismatch("%s: cfg is '%s' (neither old nor new)",
				 d->uuid, value);
		break;
	}
}

/* Devices the models do not know must not exist. */
static int verify_extra(const char *root, const struct model *m, FILE *baseline,
			const struct typespec *types, int n_types)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/sys/bus/mdev/devices", root);
	DIR *dir = opendir(path);
	if (!dir) {
		mismatch("%s: %s", path, strerror(errno));
		return 0;
	}
	int count = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		count++;
		const struct dev *d = NULL;
		for (size_t i = 0; i < m->n && !d; i++)
			if (!strcmp(m->devs[i].uuid, e->d_name))
				d = &m->devs[i];
		if (!d) {
			mismatch("%s: %s", e->d_name, "present, never created");
			continue;
		}
		char value[VALUE_MAX] = "";
		if (baseline &&
		    device_state(root, types, n_types, d, value) == 1)
			fprintf(baseline, "%s %d 1 - =%s =\n", d->uuid, d->type,
				value);
	}
	closedir(dir);
	return count;
}

static void verify_pools(const struct typespec *types, int n_types)
{
	for (int i = 0; i < n_types; i++) {
		if (types[i].pool < 0)
			continue;
		long avail = read_long(types[i].dir, "available_instances");
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/devices", types[i].dir);
		DIR *dir = opendir(path);
		long n = 0;
		struct dirent *e;
		while (dir && (e = readdir(dir)))
			n += e->d_name[0] != '.';
		if (dir)
			closedir(dir);
		if (avail + n != types[i].pool) {
			char what[128];
			snprintf(what, sizeof(what),
				 "available %ld + instances %ld != %ld", avail,
				 n, types[i].pool);
			mismatch("%s: %s", basename_of(types[i].dir), what);
		}
	}
}

static int cmd_verify(const char *root, char **models, int n_models,
		      char **specs, int n_specs, const char *baseline_out)
{
	struct model m = {0};
	struct typespec types[MAX_TYPES];
	for (int i = 0; i < n_specs; i++) {
		types[i].dir = specs[i];
		types[i].pool = -1;
		char *colon = strrchr(specs[i], ':');
		if (colon) {
			*colon = '\0';
			types[i].pool = strtol(colon + 1, NULL, 10);
		}
	}
	for (int i = 0; i < n_models; i++)
		if (model_load(&m, models[i]) != 0) {
			perror(models[i]);
			free(m.devs);
			return 2;
		}
	for (size_t i = 0; i < m.n; i++)
		verify_dev(root, types, n_specs, &m.devs[i]);
	FILE *bl = baseline_out ? fopen(baseline_out, "w") : NULL;
	int count = verify_extra(root, &m, bl, types, n_specs);
	if (bl)
		fclose(bl);
	verify_pools(types, n_specs);
	printf("devices=%d tracked=%zu mismatches=%d\n", count, m.n,
	       mismatches);
	free(m.devs);
	return mismatches ? 1 : 0;
}

/* --------------------------------------------------------------- write */

static const char *errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
	    {EINVAL, "EINVAL"},
	    {ENOSPC, "ENOSPC"},
	    {EUSERS, "EUSERS"},
	    {EEXIST, "EEXIST"},
	    {ENOENT, "ENOENT"},
	    {ENODEV, "ENODEV"},
	    {EACCES, "EACCES"},
	    {EPERM, "EPERM"},
	    {EAGAIN, "EAGAIN"},
	    {EIO, "EIO"},
	    {EISDIR, "EISDIR"},
	    {ENOTDIR, "ENOTDIR"},
	    {EROFS, "EROFS"},
	    {ENOSYS, "ENOSYS"},
	    {ERANGE, "ERANGE"},
	    {E2BIG, "E2BIG"},
	    {EFBIG, "EFBIG"},
	    {ENOTCONN, "ENOTCONN"},
	    {ENAMETOOLONG, "ENAMETOOLONG"},
	    {EBUSY, "EBUSY"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}

static int cmd_write(const char *path)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;
	while (buf && (n = read(0, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf)
		return 2;
	/* Not write_file(): a short write is reported as such. */
	int fd = open(path, O_WRONLY);
	if (fd < 0) {
		printf("%s\n", errno_name(errno));
	} else {
		n = write(fd, buf, len);
		if (n < 0)
			printf("%s\n", errno_name(errno));
		else if ((size_t)n != len)
			printf("short %zd of %zu\n", n, len);
		else if (close(fd) != 0)
			printf("%s (close)\n", errno_name(errno));
		else
			printf("0\n");
		if (n < 0 || (size_t)n != len)
			close(fd);
	}
	free(buf);
	return 0;
}

/* -------------------------------------------------------------- killon */

static bool has_temp_file(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;
	while (d && !found && (e = readdir(d)))
		found = e->d_name[0] == '.' && strcmp(e->d_name, ".") &&
			strcmp(e->d_name, "..") && strcmp(e->d_name, ".lock");
	if (d)
		closedir(d);
	return found;
}

/* Running (not gone, not a zombie waiting for its parent's wait). */
static bool running(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return false;
	const char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

static int cmd_killon(const char *dir, pid_t pid, double ms)
{
	double end = now() + ms / 1000;
	while (now() < end) {
		if (has_temp_file(dir)) {
			kill(pid, SIGKILL);
			printf("mid-write\n");
			return 0;
		}
		if (!running(pid))
			break; /* it finished first */
	}
	kill(pid, SIGKILL);
	printf("timeout\n");
	return 0;
}

/* ---------------------------------------------------------------- main */

static int usage(void)
{
	fprintf(stderr,
		"usage: racer create|churn|load|verify [options] ...\n"
		"  (see the comment at the top of tests/stress/racer.c)\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	struct load l = {.r = {.procs = 8, .iters = 1000, .n_uuids = 4},
			 .seconds = 3600};
	const char *baseline_out = NULL;
	char *specs[MAX_TYPES];
	int n_specs = 0, c;
	optind = 2;
	while ((c = getopt(argc, argv, "+p:n:u:o:t:b:w:s:")) != -1) {
		switch (c) {
		case 'p':
			l.r.procs = atoi(optarg);
			break;
		case 'n':
			l.r.iters = atoi(optarg);
			break;
		case 'u':
			l.r.n_uuids = atoi(optarg);
			break;
		case 'o':
			l.out = optarg;
			break;
		case 't':
			l.seconds = atof(optarg);
			break;
		case 'b':
			l.baseline = optarg;
			break;
		case 'w':
			baseline_out = optarg;
			break;
		case 's':
			if (n_specs == MAX_TYPES)
				return usage();
			specs[n_specs++] = optarg;
			break;
		default:
			return usage();
		}
	}
	if (l.r.procs < 1 || l.r.procs > MAX_PROCS || l.r.n_uuids < 1)
		return usage();
	signal(SIGPIPE, SIG_IGN);
	char **rest = argv + optind;
	int n_rest = argc - optind;
	if (!strcmp(cmd, "killon"))
		return n_rest >= 2
			   ? cmd_killon(rest[0], (pid_t)atoi(rest[1]),
					n_rest > 2 ? atof(rest[2]) : 2000)
			   : usage();
	if (!strcmp(cmd, "write"))
		return n_rest == 1 ? cmd_write(rest[0]) : usage();
	if (!strcmp(cmd, "verify"))
		return n_rest < 1 ? usage()
				  : cmd_verify(rest[0], rest + 1, n_rest - 1,
					       specs, n_specs, baseline_out);
	if (!strcmp(cmd, "create")) {
		l.r.types = rest;
		l.r.n_types = n_rest;
	} else {
		if (n_rest < 2)
			return usage();
		l.r.root = rest[0];
		l.r.types = rest + 1;
		l.r.n_types = n_rest - 1;
	}
	if (l.r.n_types < 1 || l.r.n_types > MAX_TYPES)
		return usage();
	if (!strcmp(cmd, "create"))
		return cmd_create(&l.r);
	if (!strcmp(cmd, "churn"))
		return cmd_churn(&l.r);
	if (!strcmp(cmd, "load") && l.out)
		return cmd_load(&l);
	return usage();
}
