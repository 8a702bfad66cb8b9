/* SPDX-License-Identifier: MIT */
/*
 * mdevctl: shared declarations. The program is a drop-in replacement for
 * mdevctl 1.2.0; every user-visible byte (messages, JSON, help) follows what
 * that version prints. See docs/mdevctl.md for the deliberate differences.
 */
#ifndef MDEVCTL_CTL_H
#define MDEVCTL_CTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- which mdevctl this is (compat.c, docs/mdevctl.md "Versions") ------- */
enum ctl_compat { CTL_COMPAT_1_2, CTL_COMPAT_1_4 };
extern enum ctl_compat ctl_compat;
struct ctl_err;
/* Applies MDEVCTL_COMPAT over the built-in default; -1 on a bad value. */
int compat_init(struct ctl_err *e);
bool compat_14(void);
const char *ctl_version(void); /* "1.2.0" or "1.4.0" */

/* ---- growable string ---------------------------------------------------- */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sb_init(struct sbuf *b);
void sb_free(struct sbuf *b);
void sb_addn(struct sbuf *b, const char *s, size_t n);
void sb_add(struct sbuf *b, const char *s);
void sb_addc(struct sbuf *b, char c);
void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s as Rust's Debug formatting of a string/path does: quoted, with
 * quotes, backslashes and control characters escaped. */
void sb_add_debug_str(struct sbuf *b, const char *s);
char *sb_steal(struct sbuf *b);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* path_join() (common/fsutil.h) that exits when out of memory. */
char *xpath_join(const char *a, const char *b);
char *xpath_join3(const char *a, const char *b, const char *c);

/* ---- errors (anyhow-style: a message plus a chain of causes) ------------- */
struct ctl_err {
	char *msg;
	char *causes[4];
	int ncauses;
};
int err_set(struct ctl_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds "strerror (os error N)" as the next cause; returns -1. */
int err_cause_errno(struct ctl_err *e, int errnum);
int err_cause(struct ctl_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Wraps the current error: the old message becomes the first cause. */
int err_wrap(struct ctl_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_print(const struct ctl_err *e);
void err_clear(struct ctl_err *e);
/* Rust io::Error's Display: "No such file or directory (os error 2)". */
char *io_error_text(int errnum);
/* Replaces the error with io_error_text(errnum) alone; returns -1. */
int err_io(struct ctl_err *e, int errnum);

/* env_logger-compatible warning line: "[<utc> WARN  <module>] msg", where
 * module is the Rust module 1.2.0 logs from ("mdevctl", "mdevctl::mdev"). */
void log_warn_mod(const char *module, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define log_warn(...) log_warn_mod("mdevctl", __VA_ARGS__)

/* Reads a whole file (bounded by max bytes); returns 0 or -errno. */
int read_file(const char *path, size_t max, char **out, size_t *len);

/* ---- UUIDs, parsed exactly like the uuid crate 1.2 --------------------- */
typedef struct {
	unsigned char b[16];
} ctl_uuid;
/* Returns 0, or -1 with *msg set (malloc'd) to the crate's error text. */
int uuid_parse_rs(const char *s, ctl_uuid *u, char **msg);
void uuid_fmt(const ctl_uuid *u, char out[37]);
void uuid_gen(ctl_uuid *u);
int uuid_cmp(const ctl_uuid *a, const ctl_uuid *b);

/* ---- command line ------------------------------------------------------- */
enum ctl_cmd {
	CMD_NONE,
	CMD_LIST,
	CMD_TYPES,
	CMD_DEFINE,
	CMD_UNDEFINE,
	CMD_MODIFY,
	CMD_START,
	CMD_STOP,
	CMD_START_PARENT,
	CMD_MONITOR,
};

struct ctl_args {
	enum ctl_cmd cmd;
	bool has_uuid;
	ctl_uuid uuid;
	const char *parent;
	const char *type;
	const char *jsonfile;
	const char *addattr;
	const char *value;
	bool has_index;
	uint32_t index;
	bool autostart, manual, delattr;
	bool defined, dumpjson, verbose, live;
	bool force;		/* 1.4.0's -f/--force */
	const char *pos_parent; /* start-parent-mdevs PARENT */
};

/* Parses argv as clap 3.2 would for mdevctl 1.2.0, or clap 4 for 1.4.0 (or
 * lsmdev when as_lsmdev). Returns -1 when the process should exit with
 * *exit_code (help, version, or a usage error, all already printed). */
int cli_parse(int argc, char **argv, bool as_lsmdev, struct ctl_args *a,
	      int *exit_code);

struct help_text {
	const char *name;
	const char *short_help;
	const char *long_help; /* NULL: the same as short_help */
};
extern const struct help_text ctl_help_texts[];	    /* 1.2.0 (clap 3) */
extern const struct help_text ctl_help_texts_1_4[]; /* 1.4.0 (clap 4) */
const struct help_text *ctl_help_table(void);	    /* the selected one */

/* ---- environment -------------------------------------------------------- */
struct ctl_env {
	char *root;	   /* "/" or $MDEVCTL_ENV_ROOT */
	char *mdev_base;   /* ROOT/sys/bus/mdev/devices */
	char *parent_base; /* ROOT/sys/class/mdev_bus */
	char *config_base; /* ROOT/etc/mdevctl.d */
	char *
	    callout_dirs[2]; /* etc/mdevctl.d/scripts.d/callouts, usr/lib/... */
	char *notifier_dirs[2]; /* the same for notifiers */
};
int env_init(struct ctl_env *env, struct ctl_err *e);
void env_free(struct ctl_env *env);

/* ---- devices --------------------------------------------------------------
 */
struct mdev_attr {
	char *name;
	char *value;
};

struct mdev {
	ctl_uuid uuid;
	char uuid_str[37];
	char *parent; /* NULL = unknown */
	char *type;   /* NULL = unknown */
	bool autostart;
	bool active;
	struct mdev_attr *attrs;
	size_t nattrs;
	const struct ctl_env *env;
};

struct mdev *mdev_new(const struct ctl_env *env, const ctl_uuid *u);
struct mdev *mdev_clone(const struct mdev *d);
void mdev_free(struct mdev *d);
void mdev_set_parent(struct mdev *d, const char *p);
void mdev_set_type(struct mdev *d, const char *t);
void mdev_add_attr(struct mdev *d, const char *name, const char *value,
		   size_t at);
void mdev_del_attr(struct mdev *d, size_t at);
char *mdev_persist_path(const struct mdev *d);
char *mdev_sysfs_path(const struct mdev *d);
bool mdev_is_defined(const struct mdev *d);

/* JSON text -> device fields (1.2.0's load_from_json rules). The json_t is
 * opaque here to keep jansson out of most files. */
struct json_t;
int mdev_load_json(struct mdev *d, const char *parent, struct json_t *root,
		   struct ctl_err *e);
/* Parses text as serde_json would; on failure e gets serde's message. */
struct json_t *json_parse_serde(const char *text, size_t len,
				struct ctl_err *e);
/* {"mdev_type":..,"start":..,"attrs":[..]} */
struct json_t *mdev_to_json(const struct mdev *d);
/* serde_json::to_string_pretty / to_string equivalents (serde's layout
 * and escaping, which differ from jansson's printer for control
 * characters). */
void json_serde_string(struct sbuf *b, const char *s, size_t n);
void json_serde_write(struct sbuf *b, struct json_t *j, int level, bool pretty);
char *json_pretty(struct json_t *j);
char *json_compact(struct json_t *j);
void json_decref_any(struct json_t *j);

/* A list of devices grouped by parent and sorted (parent, uuid). */
struct mdev_list {
	struct mdev **v;
	size_t n, cap;
};
void mdev_list_add(struct mdev_list *l, struct mdev *d);
void mdev_list_sort(struct mdev_list *l);
void mdev_list_free(struct mdev_list *l);

/* sysfs: fills active state, parent and type from the tree (1.2.0's
 * load_from_sysfs): a device whose known parent/type differ is left
 * inactive. */
int sysfs_load(struct mdev *d, struct ctl_err *e);
int sysfs_active_devices(const struct ctl_env *env, const ctl_uuid *uuid,
			 const char *parent, struct mdev_list *out,
			 struct ctl_err *e);
int sysfs_start(struct mdev *d, struct ctl_err *e);
int sysfs_write_attrs(struct mdev *d, struct ctl_err *e);
int sysfs_find_parent_dir(const struct mdev *d, char **out, struct ctl_err *e);
int sysfs_read_avail(const char *tdir, char **out);
int sysfs_parse_i32(const char *s, long *out, struct ctl_err *e);
/* The active index (sysfs_index.c): built once per process. */
size_t sysfs_index_count(const struct ctl_env *env);
void sysfs_index_entry(size_t i, ctl_uuid *u, const char **parent,
		       const char **type);
bool sysfs_index_lookup(const struct ctl_env *env, const ctl_uuid *u,
			const char **parent, const char **type);
void sysfs_index_warn_bad(const struct ctl_env *env);
int sysfs_load_indexed(struct mdev *d);
/* start-parent-mdevs without callouts: batched create. */
int sysfs_start_batch(struct mdev *d, struct ctl_err *e);
int sysfs_stop(struct mdev *d, struct ctl_err *e);

struct mdev_type_info {
	char *parent;
	char *type;
	long available;
	char *device_api;
	char *name;
	char *description;
};
struct type_list {
	struct mdev_type_info *v;
	size_t n, cap;
};
int sysfs_types(const struct ctl_env *env, const char *parent,
		struct type_list *out, struct ctl_err *e);
void type_list_free(struct type_list *l);

/* store */
int store_defined_devices(const struct ctl_env *env, const ctl_uuid *uuid,
			  const char *parent, struct mdev_list *out,
			  struct ctl_err *e);
int store_get_defined(const struct ctl_env *env, const ctl_uuid *uuid,
		      const char *parent, struct mdev **out, struct ctl_err *e);
int store_write(const struct mdev *d, struct ctl_err *e);
int store_remove(const struct mdev *d, struct ctl_err *e);
/* Serializes mutating invocations (flock on the ROOT/etc/mdevctl.d
 * directory). */
int store_lock(const struct ctl_env *env);

/* callouts */
enum callout_action {
	ACT_START,
	ACT_STOP,
	ACT_DEFINE,
	ACT_UNDEFINE,
	ACT_MODIFY,
};
typedef int (*callout_fn)(struct mdev *d, void *ctx, struct ctl_err *e);
/* Runs pre callout, fn, post callout and notifiers as the selected version
 * does; force (1.4.0's -f) goes on when the pre callout fails. */
int callout_invoke(struct mdev *d, enum callout_action act, bool force,
		   callout_fn fn, void *ctx, struct ctl_err *e);
/* Replaces d's attributes with a callout's `get attributes` answer, when a
 * script answers; keeps them otherwise. */
int callout_load_attributes(struct mdev *d, struct ctl_err *e);
int callout_get_attributes(struct mdev *d, struct json_t **out,
			   struct ctl_err *e);
/* Live update through a callout script's "live" event (1.3+). */
int callout_live(struct mdev *d, struct ctl_err *e);
/* A versioned script's answer to `get capabilities` (1.4.0's
 * {"supports":{"version":N,"actions":[..],"events":[..]}}, trailing NULs
 * allowed): 0 with the known actions (start stop define undefine modify
 * attributes capabilities) and events (pre post notify get live) as bit
 * masks in that order, -1 when it is not one. */
int callout_parse_supports(const char *out, size_t len, unsigned *actions,
			   unsigned *events);
/* True if no callout or notifier script is installed (checked once). */
bool callout_none_installed(const struct ctl_env *env);

/* output */
char *format_list(struct mdev_list *l, bool defined, bool dumpjson,
		  bool verbose, bool single_uuid, struct ctl_err *e);
char *format_types(struct type_list *l, bool dumpjson);
/* list -v's "  Attrs:" block of d (nothing when it has none). */
void format_attrs(struct sbuf *b, const struct mdev *d);

/* commands */
int cmd_list(const struct ctl_env *env, const struct ctl_args *a,
	     struct ctl_err *e);
int cmd_types(const struct ctl_env *env, const struct ctl_args *a,
	      struct ctl_err *e);
int cmd_define(const struct ctl_env *env, const struct ctl_args *a,
	       struct ctl_err *e);
int cmd_undefine(const struct ctl_env *env, const struct ctl_args *a,
		 struct ctl_err *e);
int cmd_modify(const struct ctl_env *env, const struct ctl_args *a,
	       struct ctl_err *e);
int cmd_start(const struct ctl_env *env, const struct ctl_args *a,
	      struct ctl_err *e);
int cmd_stop(const struct ctl_env *env, const struct ctl_args *a,
	     struct ctl_err *e);
int cmd_start_parent(const struct ctl_env *env, const char *parent,
		     struct ctl_err *e);
int cmd_monitor(const struct ctl_env *env, int argc, char **argv,
		struct ctl_err *e);

/* Waits up to timeout_ms until no uevent listener of this network
 * namespace has unread events and none of the listening processes is
 * busy (uevent_wait.c: why `start` does). */
void uevent_listeners_wait(long timeout_ms);

/* A socket of /proc/net/netlink. */
struct netlink_sock {
	bool listener;	 /* a uevent socket in the kernel's or udev's group */
	bool udev_group; /* ... in udev's (libudev's monitors: libvirt) */
	unsigned portid; /* the "Pid" column: the port, often a pid */
	unsigned long queued; /* bytes not yet read */
	unsigned long inode;  /* as in /proc/PID/fd's "socket:[inode]" */
};
/* One line of /proc/net/netlink: 0 and *out filled, -1 when unparsable. */
int netlink_line_parse(const char *line, struct netlink_sock *out);
/* A /proc/PID/task/TID/stat line: 1 when the thread runs or waits
 * uninterruptibly (R, D), 0 when it does not, -1 when unparsable. */
int proc_stat_busy(const char *stat);
/* A /proc/PID/task/TID/wchan: whether the thread waits in FUSE. */
bool wchan_in_fuse(const char *wchan);

/* Reads a --jsonfile (Rust's read_to_string semantics). */
int read_jsonfile(const char *path, struct json_t **out, struct ctl_err *e);

#endif
