// SPDX-License-Identifier: MIT
/* The state journal: record, replay, compaction, torn records, the lock,
 * a failing write vetoing the operation, and the journal as one consumer
 * among others (replay on attach, records taken back after a later veto). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "fake.h"
#include "journal.h"

/* A vfio_ap-like driver: each write to assign_adapter adds to matrix, so
 * the order and number of stores matters on replay. */
static int ap_store(struct mdev_device *mdev, const char *attr, const char *buf,
		    size_t len)
{
	const char *old = mdev_device_attr_get(mdev, "matrix");
	char next[MDEV_ATTR_MAX];
	int n;

	if (strcmp(attr, "assign_adapter") != 0)
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len == 0 || len > 8 || buf[0] == 'x')
		return -EINVAL;
	n = snprintf(next, sizeof(next), "%s%s%.*s", old, *old ? "," : "",
		     (int)len, buf);
	return mdev_device_attr_set(mdev, "matrix", next, (size_t)n);
}

static const struct mdev_driver_ops ap_ops = {.attr_store = ap_store};
static const struct mdev_attr_desc ap_attrs[] = {
    {"assign_adapter", MDEV_ATTR_WO, NULL},
    {"matrix", MDEV_ATTR_RO, NULL},
};
static const struct mdev_type_desc ap_types[] = {
    {.id = "vfio_ap-passthrough",
     .device_api = "vfio-ap",
     .max_instances = 65536,
     .device_attrs = ap_attrs,
     .n_device_attrs = 2},
};
static const struct mdev_parent_desc ap_parent = {
    .name = "matrix",
    .devpath = "vfio_ap/matrix",
    .driver_name = "vfio_ap",
    .types = ap_types,
    .n_types = 1,
    .ops = &ap_ops,
};

struct daemon {
	struct mdev_core *core;
	struct mdev_journal *j;
};

static char state_dir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(state_dir, sizeof(state_dir), "/tmp/mdev-journal-XXXXXX");
	assert_non_null(mkdtemp(state_dir));
	/* A nested path checks mkdir -p. */
	strcat(state_dir, "/state/dir");
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	*strstr(state_dir, "/state/dir") = '\0';
	assert_int_equal(remove_tree(state_dir), 0);
	return 0;
}

/* Starts a "daemon": core, parents, the journal attached (it replays). */
static void daemon_start(struct daemon *d, bool reset)
{
	char err[256] = "";
	int ret;

	d->core = mdev_core_new();
	assert_non_null(d->core);
	fake_register(d->core, &mtty_parent);
	fake_register(d->core, &ap_parent);
	ret = mdev_journal_open(state_dir, reset, &d->j, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(ret, 0);
	assert_int_equal(mdev_journal_attach(d->j, d->core), 0);
}

/* The journal is closed (and so detached) first: freeing the core must not
 * journal removals. */
static void daemon_stop(struct daemon *d)
{
	mdev_journal_close(d->j);
	mdev_core_free(d->core);
}

static char *journal_text(void)
{
	char path[300];
	FILE *f;
	char *text = calloc(1, 1 << 20);
	size_t n;

	snprintf(path, sizeof(path), "%s/journal", state_dir);
	f = fopen(path, "r");
	assert_non_null(f);
	/* Reads what there is; a read error is a failed test, not a short
	 * journal. */
	n = fread(text, 1, (1 << 20) - 1, f);
	assert_false(ferror(f));
	text[n] = '\0';
	fclose(f);
	return text;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void append_raw(const char *text)
{
	char path[300];
	int fd;

	snprintf(path, sizeof(path), "%s/journal", state_dir);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static struct mdev_device *dev(struct daemon *d, unsigned long n)
{
	uuid_t u;

	fake_uuid(n, u);
	return mdev_device_find(d->core, u);
}

static void test_record_replay_compact(void **state)
{
	struct daemon d;
	struct mdev_type *t1, *t2, *ap;
	struct mdev_device *m;
	char show[MDEV_ATTR_MAX + 1];
	char *text;
	unsigned g3;

	(void)state;
	daemon_start(&d, false);
	t1 = test_type(d.core, "mtty", "mtty-1");
	t2 = test_type(d.core, "mtty", "mtty-2");
	ap = test_type(d.core, "matrix", "vfio_ap-passthrough");
	assert_int_equal(fake_create(t1, 1, NULL), 0);
	assert_int_equal(fake_create(t2, 2, NULL), 0);
	assert_int_equal(fake_create(t1, 3, &m), 0);
	g3 = mdev_device_iommu_group(m);
	assert_int_equal(fake_create(ap, 4, &m), 0);
	assert_int_equal(mdev_device_attr_store(m, "assign_adapter", "3\n", 2),
			 0);
	assert_int_equal(mdev_device_attr_store(m, "assign_adapter", "x", 1),
			 -EINVAL);
	assert_int_equal(mdev_device_attr_store(m, "assign_adapter", "5\n", 2),
			 0);
	assert_string_equal(mdev_device_attr_get(m, "matrix"), "3,5");
	/* Created then removed: gone after replay. */
	assert_int_equal(mdev_device_remove(dev(&d, 2)), 0);
	text = journal_text();
	/* 4 creates, 2 stores (the one the driver refused is taken back), 1
	 * removal. */
	assert_int_equal(count_lines(text), 7);
	free(text);
	daemon_stop(&d);

	daemon_start(&d, false);
	assert_int_equal(mdev_device_count(d.core), 3);
	assert_non_null(dev(&d, 1));
	assert_null(dev(&d, 2));
	assert_non_null(m = dev(&d, 3));
	assert_int_equal(mdev_device_iommu_group(m), g3);
	assert_non_null(m = dev(&d, 4));
	assert_string_equal(mdev_device_attr_get(m, "matrix"), "3,5");
	assert_int_equal(mdev_device_attr_show(m, "matrix", show, sizeof(show)),
			 4);
	t1 = test_type(d.core, "mtty", "mtty-1");
	assert_int_equal(mdev_type_available(t1), 22);
	/* Compacted: 3 creates and the 2 stores that succeeded. */
	text = journal_text();
	assert_int_equal(count_lines(text), 5);
	assert_null(strstr(text, "\nR "));
	free(text);
	/* A new device gets a group above every replayed one. */
	assert_int_equal(fake_create(t1, 5, &m), 0);
	assert_true(mdev_device_iommu_group(m) > g3);
	daemon_stop(&d);

	/* A reset starts empty. */
	daemon_start(&d, true);
	assert_int_equal(mdev_device_count(d.core), 0);
	daemon_stop(&d);
	text = journal_text();
	assert_string_equal(text, "");
	free(text);
}

static void test_plain_attr_keeps_last(void **state)
{
	struct daemon d;
	struct mdev_type *t;
	struct mdev_device *m;
	char *text;

	(void)state;
	daemon_start(&d, true);
	/* The GRID-like parent is not registered by daemon_start: use mtty's
	 * read-only attribute for the refusal and register GRID here. */
	fake_register(d.core, &grid_parent);
	t = test_type(d.core, "0000:65:00.0", "nvidia-63");
	assert_int_equal(fake_create(t, 7, &m), 0);
	assert_int_equal(
	    mdev_device_attr_store(m, "nvidia/vgpu_params", "a=1\n", 4), 0);
	assert_int_equal(mdev_device_attr_store(m, "nvidia/vgpu_params",
						"b=2 with space\n", 15),
			 0);
	assert_int_equal(mdev_journal_detach(d.j), 0);
	mdev_core_free(d.core);
	d.core = mdev_core_new();
	fake_register(d.core, &grid_parent);
	assert_int_equal(mdev_journal_attach(d.j, d.core), 0);
	m = dev(&d, 7);
	assert_non_null(m);
	assert_string_equal(mdev_device_attr_get(m, "nvidia/vgpu_params"),
			    "b=2 with space");
	text = journal_text();
	assert_int_equal(count_lines(text), 2);
	free(text);
	daemon_stop(&d);
}

static void test_torn_and_damaged_records(void **state)
{
	struct daemon d;
	struct mdev_type *t1;
	char *text;

	(void)state;
	daemon_start(&d, true);
	t1 = test_type(d.core, "mtty", "mtty-1");
	assert_int_equal(fake_create(t1, 1, NULL), 0);
	assert_int_equal(fake_create(t1, 2, NULL), 0);
	daemon_stop(&d);
	/* A damaged complete line, a foreign line and a torn tail. */
	append_raw("C 00000000-0000-4000-8000-000000000009 9 mtty mtty-1 "
		   "00000000\n");
	append_raw("garbage\n");
	append_raw("R 00000000-0000-4000-8000-0000000");
	daemon_start(&d, false);
	assert_int_equal(mdev_device_count(d.core), 2);
	assert_null(dev(&d, 9));
	/* The next record lands on its own line. */
	t1 = test_type(d.core, "mtty", "mtty-1");
	assert_int_equal(fake_create(t1, 3, NULL), 0);
	daemon_stop(&d);
	text = journal_text();
	assert_int_equal(count_lines(text), 3);
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);

	/* A torn tail seen only by open (no replay) is cut before appends. */
	append_raw("C 0000");
	daemon_start(&d, false);
	assert_int_equal(mdev_device_count(d.core), 3);
	daemon_stop(&d);
}

static void test_lock_refused(void **state)
{
	struct daemon d;
	struct mdev_journal *j2 = NULL;
	char err[256] = "", want[128];

	(void)state;
	daemon_start(&d, true);
	assert_int_equal(
	    mdev_journal_open(state_dir, false, &j2, err, sizeof(err)), -EBUSY);
	assert_null(j2);
	snprintf(want, sizeof(want), "in use by another mdevd (pid %ld)",
		 (long)getpid());
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, state_dir));
	daemon_stop(&d);
	/* Released on close. */
	assert_int_equal(
	    mdev_journal_open(state_dir, false, &j2, err, sizeof(err)), 0);
	mdev_journal_close(j2);
}

/* Another process holds the lock: refused with its pid; once it is killed
 * (kill -9, no cleanup) the lock is free again. */
static void test_lock_other_process(void **state)
{
	struct mdev_journal *j = NULL;
	char err[256] = "", want[128], c;
	int ready[2];
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct mdev_journal *held;

		close(ready[0]);
		if (mdev_journal_open(state_dir, false, &held, err,
				      sizeof(err)) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(
	    mdev_journal_open(state_dir, false, &j, err, sizeof(err)), -EBUSY);
	snprintf(want, sizeof(want), "in use by another mdevd (pid %ld)",
		 (long)pid);
	assert_non_null(strstr(err, want));
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(
	    mdev_journal_open(state_dir, false, &j, err, sizeof(err)), 0);
	mdev_journal_close(j);
}

/* RLIMIT_FSIZE makes the journal append short (or EFBIG): the create is
 * vetoed, undone, and the journal is cut back. */
static void test_write_failure_vetoes(void **state)
{
	struct daemon d;
	struct mdev_type *t1;
	struct mdev_device *m;
	struct rlimit old, lim;
	char *before, *after;
	char path[300];
	struct stat st;

	(void)state;
	daemon_start(&d, true);
	t1 = test_type(d.core, "mtty", "mtty-1");
	assert_int_equal(fake_create(t1, 1, &m), 0);
	before = journal_text();
	snprintf(path, sizeof(path), "%s/journal", state_dir);
	assert_int_equal(stat(path, &st), 0);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size + 10; /* room for a torn piece */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_true(fake_create(t1, 2, NULL) < 0);
	assert_null(dev(&d, 2));
	assert_int_equal(mdev_type_available(t1), 23);
	assert_true(mdev_device_remove(m) < 0);
	assert_ptr_equal(dev(&d, 1), m);
	assert_true(mdev_device_attr_store(m, "vendor/sample_mdev_dev", "x",
					   1) == -EACCES);
	lim.rlim_cur = (rlim_t)st.st_size; /* no room at all: EFBIG */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(fake_create(t1, 2, NULL), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	after = journal_text();
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* Appends work again once there is room. */
	assert_int_equal(fake_create(t1, 2, NULL), 0);
	daemon_stop(&d);
	daemon_start(&d, false);
	assert_int_equal(mdev_device_count(d.core), 2);
	daemon_stop(&d);
}

static void test_absent_parent_dropped(void **state)
{
	struct daemon d;
	char err[256];

	(void)state;
	daemon_start(&d, true);
	fake_register(d.core, &mbochs_parent);
	assert_int_equal(
	    fake_create(test_type(d.core, "mbochs", "mbochs-large"), 1, NULL),
	    0);
	assert_int_equal(
	    fake_create(test_type(d.core, "mtty", "mtty-2"), 2, NULL), 0);
	daemon_stop(&d);
	/* Restart without mbochs: its device is dropped and compacted away. */
	daemon_start(&d, false);
	assert_int_equal(mdev_device_count(d.core), 1);
	assert_null(dev(&d, 1));
	daemon_stop(&d);
	/* Even with mbochs back, it stays gone. */
	d.core = mdev_core_new();
	fake_register(d.core, &mbochs_parent);
	assert_int_equal(
	    mdev_journal_open(state_dir, false, &d.j, err, sizeof(err)), 0);
	assert_int_equal(mdev_journal_attach(d.j, d.core), 0);
	assert_int_equal(mdev_device_count(d.core), 0);
	daemon_stop(&d);
}

/* A consumer attached after the journal that refuses what it is told. */
struct vetoer {
	int veto;
};

static int v_device_commit(void *o, struct mdev_device *m)
{
	(void)m;
	return ((struct vetoer *)o)->veto;
}

static int v_attr_commit(void *o, struct mdev_device *m, const char *attr,
			 const char *buf, size_t len)
{
	(void)m;
	(void)attr;
	(void)buf;
	(void)len;
	return ((struct vetoer *)o)->veto;
}

static const struct mdev_consumer_ops vetoer_ops = {
    .name = "vetoer",
    .device_create_commit = v_device_commit,
    .device_remove_commit = v_device_commit,
    .attr_store_commit = v_attr_commit,
};

/* The journal writes first; when a later consumer vetoes, its record is
 * taken back, so a restart does not bring back what never happened. */
static void test_later_veto_takes_record_back(void **state)
{
	struct daemon d;
	struct vetoer v = {0};
	struct mdev_type *ap;
	struct mdev_device *m;
	char *before, *after;

	(void)state;
	daemon_start(&d, true);
	assert_int_equal(mdev_core_attach(d.core, &vetoer_ops, &v), 0);
	ap = test_type(d.core, "matrix", "vfio_ap-passthrough");
	assert_int_equal(fake_create(ap, 1, &m), 0);
	assert_int_equal(mdev_device_attr_store(m, "assign_adapter", "3", 1),
			 0);
	before = journal_text();
	assert_int_equal(count_lines(before), 2);
	v.veto = -EPERM;
	assert_int_equal(fake_create(ap, 2, NULL), -EPERM);
	assert_int_equal(mdev_device_remove(m), -EPERM);
	assert_int_equal(mdev_device_attr_store(m, "assign_adapter", "4", 1),
			 -EPERM);
	after = journal_text();
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* The next record lands where the taken-back one was. */
	v.veto = 0;
	assert_int_equal(fake_create(ap, 3, NULL), 0);
	assert_int_equal(mdev_core_detach(d.core, &vetoer_ops, &v), 0);
	daemon_stop(&d);

	daemon_start(&d, false);
	assert_int_equal(mdev_device_count(d.core), 2);
	assert_null(dev(&d, 2));
	assert_non_null(m = dev(&d, 1));
	assert_string_equal(mdev_device_attr_get(m, "matrix"), "3");
	assert_non_null(dev(&d, 3));
	daemon_stop(&d);
}

/* Replay before attach is the API's: attaching replays, and a core that
 * already has devices (never recorded) is refused with nothing written. */
static void test_attach_after_devices_refused(void **state)
{
	struct daemon d;
	struct mdev_core *other;
	char *before, *after;

	(void)state;
	daemon_start(&d, true);
	assert_int_equal(
	    fake_create(test_type(d.core, "mtty", "mtty-1"), 1, NULL), 0);
	assert_int_equal(mdev_journal_attach(d.j, d.core), -EALREADY);
	assert_int_equal(mdev_journal_detach(d.j), 0);
	assert_int_equal(mdev_journal_detach(d.j), -ENOENT);
	before = journal_text();
	/* Not recorded while detached. */
	assert_int_equal(
	    fake_create(test_type(d.core, "mtty", "mtty-1"), 2, NULL), 0);
	assert_int_equal(mdev_journal_attach(d.j, d.core), -EBUSY);
	other = mdev_core_new();
	fake_register(other, &mtty_parent);
	assert_int_equal(
	    fake_create(test_type(other, "mtty", "mtty-2"), 9, NULL), 0);
	assert_int_equal(mdev_journal_attach(d.j, other), -EBUSY);
	mdev_core_free(other);
	after = journal_text();
	assert_string_equal(before, after);
	free(before);
	free(after);
	daemon_stop(&d);

	/* A fresh core: the attach replays device 1 only. */
	daemon_start(&d, false);
	assert_int_equal(mdev_device_count(d.core), 1);
	assert_non_null(dev(&d, 1));
	daemon_stop(&d);
}

#define CHILD_CHECK(cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "full-disk child: %s:%d: %s\n",        \
				__FILE__, __LINE__, #cond);                    \
			return 1;                                              \
		}                                                              \
	} while (0)

/* In a private mount namespace: a 12 KiB tmpfs holds the state directory;
 * creates go on until the disk is full, the one that does not fit fails
 * with ENOSPC, and a restart brings back exactly the acknowledged ones. */
static int full_disk_child(const char *mnt)
{
	struct daemon d;
	char dir[300], err[256];
	struct mdev_type *t;
	unsigned long ok = 0;
	int ret = 0;

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", mnt, "tmpfs", 0, "size=12k,mode=0700") < 0)
		return 77;
	snprintf(dir, sizeof(dir), "%s/state", mnt);
	d.core = mdev_core_new();
	fake_register(d.core, &ap_parent);
	CHILD_CHECK(mdev_journal_open(dir, false, &d.j, err, sizeof(err)) == 0);
	CHILD_CHECK(mdev_journal_attach(d.j, d.core) == 0);
	t = test_type(d.core, "matrix", "vfio_ap-passthrough");
	for (unsigned long i = 1; i < 10000; i++) {
		ret = fake_create(t, i, NULL);
		if (ret < 0)
			break;
		ok++;
	}
	CHILD_CHECK(ret == -ENOSPC);
	CHILD_CHECK(ok > 10);
	CHILD_CHECK(mdev_device_count(d.core) == ok);
	CHILD_CHECK(mdev_type_instances(t) == ok);
	/* Removals need a record too: refused while the disk is full. */
	CHILD_CHECK(mdev_device_remove(mdev_device_first(d.core)) == -ENOSPC);
	daemon_stop(&d);

	d.core = mdev_core_new();
	fake_register(d.core, &ap_parent);
	CHILD_CHECK(mdev_journal_open(dir, false, &d.j, err, sizeof(err)) == 0);
	/* Compaction has no room either: replay still succeeds. */
	CHILD_CHECK(mdev_journal_attach(d.j, d.core) == 0);
	CHILD_CHECK(mdev_device_count(d.core) == ok);
	daemon_stop(&d);
	umount(mnt);
	return 0;
}

static void test_full_disk(void **state)
{
	char mnt[] = "/tmp/mdev-full-XXXXXX";
	int status;
	pid_t pid;

	(void)state;
	assert_non_null(mkdtemp(mnt));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(full_disk_child(mnt));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(mnt);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip(); /* no mount namespaces here (not root) */
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_record_replay_compact,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_plain_attr_keeps_last,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_torn_and_damaged_records,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_lock_refused, setup_dir,
					    teardown_dir),
	    cmocka_unit_test_setup_teardown(test_lock_other_process, setup_dir,
					    teardown_dir),
	    cmocka_unit_test_setup_teardown(test_write_failure_vetoes,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_absent_parent_dropped,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_later_veto_takes_record_back,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_attach_after_devices_refused,
					    setup_dir, teardown_dir),
	    cmocka_unit_test(test_full_disk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
