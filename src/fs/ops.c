// SPDX-License-Identifier: MIT
/*
 * FUSE low-level callbacks. Each one takes the core lock, resolves the
 * inode, does its work and replies after unlocking. Every operation
 * answers as the kernel's sysfs does (docs/mdevd.md, "File operations"):
 * names cannot be created, removed or renamed; chmod, chown, utimensat and
 * trusted./security. xattrs are kept in memory per inode (nodeattr.h), as
 * kernfs keeps them per node. forget is a no-op: inode numbers are never
 * reused, so nothing kept per inode can apply to another object.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <fuse_lowlevel.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <linux/xattr.h>
#include <sys/statvfs.h>
#include <time.h>

#include "faults.h"
#include "mdevd.h"
#include "nodeattr.h"

/* Attributes of an inode never change while it resolves. */
#define ATTR_TIMEOUT 3600.0

/* Every handle given to the kernel is on this list, so that handles whose
 * RELEASE never comes (the session ends with a file still open, e.g.
 * SIGTERM while a reader holds it) are freed when the session is
 * destroyed. Only the session thread touches it. */
struct handle {
	struct handle *prev, *next;
	bool dir; /* a struct open_dir, else a struct open_file */
};

static struct handle open_handles = {&open_handles, &open_handles, false};

/* What chmod, chown, utimensat and setxattr changed. Only the session
 * thread touches it, under the core lock. */
static struct nodeattr node_attrs;

static void handle_track(struct handle *h)
{
	h->next = open_handles.next;
	h->prev = &open_handles;
	open_handles.next->prev = h;
	open_handles.next = h;
}

static void handle_untrack(struct handle *h)
{
	h->prev->next = h->next;
	h->next->prev = h->prev;
}

/* A read buffer: formatted at offset 0, sliced for later offsets, as
 * sysfs does. */
struct open_file {
	struct handle h; /* first: the list frees through it */
	size_t len;
	bool valid;
	/* A show was attempted: kernfs_seq_show() then records the node's
	 * event count, and poll stops reporting an event (op_poll). */
	bool shown;
	char data[MDEVD_PAGE + 1];
};

static struct mdevd *req_mdevd(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* For the attribute store: whether an inode still names something. Under
 * the core lock. */
static bool ino_alive(void *opaque, uint64_t ino)
{
	struct mdevd *d = opaque;
	struct fs_obj o;
	return tree_resolve(d->tree, ino, &o) == 0;
}

/* What stat shows: the tree's attributes with what was changed on top. */
static void obj_stat(struct mdevd *d, const struct fs_obj *o, struct stat *st)
{
	tree_stat(d->tree, o, st);
	nodeattr_apply(&node_attrs, st->st_ino, st);
}

/* A directory listing, taken at opendir. */
struct open_dir {
	struct handle h; /* first: the list frees through it */
	struct dir_snap snap;
};

static void op_destroy(void *userdata)
{
	(void)userdata;
	while (open_handles.next != &open_handles) {
		struct handle *h = open_handles.next;
		handle_untrack(h);
		if (h->dir)
			snap_free(&((struct open_dir *)h)->snap);
		free(h);
	}
	nodeattr_clear(&node_attrs);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/* Symlink targets are fixed for the life of an inode. */
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	/* O_TRUNC arrives with open instead of as a separate setattr. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~(unsigned)FUSE_CAP_WRITEBACK_CACHE;
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct mdevd *d = req_mdevd(req);
	struct fs_obj dir, o;
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	mdev_core_lock(d->core);
	int err = tree_resolve(d->tree, parent, &dir);
	if (!err)
		err = tree_lookup(d->tree, &dir, name, &o);
	if (!err) {
		e.ino = tree_ino(&o);
		obj_stat(d, &o, &e.attr);
		e.entry_timeout = tree_entry_timeout(&o);
		e.attr_timeout = ATTR_TIMEOUT;
	}
	mdev_core_unlock(d->core);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_entry(req, &e);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	(void)ino;
	(void)nlookup;
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	(void)count;
	(void)forgets;
	fuse_reply_none(req);
}

/* Records the change c (if any) on ino and replies with its attributes. */
static void reply_attr_after(fuse_req_t req, fuse_ino_t ino,
			     const struct nodeattr_change *c)
{
	struct mdevd *d = req_mdevd(req);
	struct fs_obj o;
	struct stat st;

	mdev_core_lock(d->core);
	int err = tree_resolve(d->tree, ino, &o);
	if (!err && c && c->set)
		err = nodeattr_set(&node_attrs, ino, c, ino_alive, d);
	if (!err)
		obj_stat(d, &o, &st);
	mdev_core_unlock(d->core);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_attr(req, &st, ATTR_TIMEOUT);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	(void)fi;
	reply_attr_after(req, ino, NULL);
}

/* The change a setattr asks for, as kernfs's __kernfs_setattr() keeps it:
 * mode, owner and times; a size is accepted and ignored ("this ignores
 * size changes"). Whether the caller may is the kernel's check
 * (default_permissions: setattr_prepare() before the request comes). */
static struct nodeattr_change setattr_change(const struct stat *attr,
					     int to_set)
{
	struct nodeattr_change c;
	struct timespec now;

	memset(&c, 0, sizeof(c));
	clock_gettime(CLOCK_REALTIME, &now);
	if (to_set & FUSE_SET_ATTR_MODE) {
		c.set |= NA_MODE;
		c.mode = attr->st_mode;
	}
	if (to_set & FUSE_SET_ATTR_UID) {
		c.set |= NA_UID;
		c.uid = attr->st_uid;
	}
	if (to_set & FUSE_SET_ATTR_GID) {
		c.set |= NA_GID;
		c.gid = attr->st_gid;
	}
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW)) {
		c.set |= NA_ATIME;
		c.atime =
		    (to_set & FUSE_SET_ATTR_ATIME_NOW) ? now : attr->st_atim;
	}
	if (to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW)) {
		c.set |= NA_MTIME;
		c.mtime =
		    (to_set & FUSE_SET_ATTR_MTIME_NOW) ? now : attr->st_mtim;
	}
	/* notify_change() sets ctime with every change it makes. */
	if (c.set || (to_set & FUSE_SET_ATTR_CTIME)) {
		c.set |= NA_CTIME;
		c.ctime = (to_set & FUSE_SET_ATTR_CTIME) ? attr->st_ctim : now;
	}
	return c;
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct nodeattr_change c = setattr_change(attr, to_set);

	(void)fi;
	reply_attr_after(req, ino, &c);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct mdevd *d = req_mdevd(req);
	struct fs_obj o;
	char buf[PATH_MAX];

	mdev_core_lock(d->core);
	int err = tree_resolve(d->tree, ino, &o);
	if (!err) {
		int len = tree_readlink(d->tree, &o, buf, sizeof(buf));
		err = len < 0 ? len : 0;
	}
	mdev_core_unlock(d->core);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_readlink(req, buf);
}

/* kernfs_fop_open() (KERNFS_ROOT_EXTRA_OPEN_PERM_CHECK, set by sysfs):
 * opening for writing needs a write bit, for reading a read bit, of the
 * mode as chmod left it — checked for root too, so `cat create` fails with
 * EACCES even for root. A sysfs file's ops have both show and store, so
 * after a chmod a read of a file without show (or a write of one without
 * store) gets EIO from content.c, as from the kernel's *_attr_show(). */
static int check_open_mode(mode_t mode, int flags)
{
	int acc = flags & O_ACCMODE;
	if (S_ISDIR(mode))
		return -EISDIR;
	if (!S_ISREG(mode))
		return -EACCES;
	if (acc != O_RDONLY && !(mode & 0222))
		return -EACCES;
	if (acc != O_WRONLY && !(mode & 0444))
		return -EACCES;
	return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct mdevd *d = req_mdevd(req);
	struct fs_obj o;
	struct stat st;

	mdev_core_lock(d->core);
	int err = tree_resolve(d->tree, ino, &o);
	if (!err)
		obj_stat(d, &o, &st);
	mdev_core_unlock(d->core);
	if (!err)
		err = check_open_mode(st.st_mode, fi->flags);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	/* The read buffer lives with the open file (fi->fh set later, in
	 * read, would not stick); write-only opens need none. */
	struct open_file *of = NULL;
	if ((fi->flags & O_ACCMODE) != O_WRONLY) {
		of = malloc(sizeof(*of));
		if (!of) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
		of->valid = false;
		of->shown = false;
		of->h.dir = false;
		handle_track(&of->h);
	}
	/* Content is live: every read and write comes to us. */
	fi->direct_io = 1;
	fi->keep_cache = 0;
	fi->fh = (uint64_t)(uintptr_t)of;
	if (fuse_reply_open(req, fi) == -ENOENT && of) {
		/* interrupted: no release will come */
		handle_untrack(&of->h);
		free(of);
	}
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct mdevd *d = req_mdevd(req);
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;
	struct fs_obj o;
	int err = 0;

	if (!of) {
		fuse_reply_err(req, EBADF);
		return;
	}
	if (off == 0 || !of->valid) {
		of->shown = true;
		mdev_core_lock(d->core);
		/* An open file whose object is gone: ENODEV, as kernfs
		 * answers for a deactivated node. */
		err = tree_resolve(d->tree, ino, &o) ? -ENODEV : 0;
		int len =
		    err ? err : faults_show(d, &o, of->data, sizeof(of->data));
		mdev_core_unlock(d->core);
		if (len < 0) {
			of->valid = false;
			fuse_reply_err(req, -len);
			return;
		}
		of->len = (size_t)len;
		of->valid = true;
	}
	if (off < 0 || (size_t)off >= of->len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	size_t n = of->len - (size_t)off;
	fuse_reply_buf(req, of->data + off, n < size ? n : size);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct mdevd *d = req_mdevd(req);
	struct fs_obj o;

	(void)off;
	(void)fi;
	if (size == 0) {
		fuse_reply_write(req, 0);
		return;
	}
	/* kernfs hands a store at most one page; the rest of a longer
	 * write() comes back as the next call. */
	if (size > MDEVD_PAGE)
		size = MDEVD_PAGE;
	if (faults_hold_write(d, req, ino, buf, size))
		return;
	mdev_core_lock(d->core);
	int err = tree_resolve(d->tree, ino, &o) ? -ENODEV : 0;
	if (!err)
		err = faults_store(d, &o, buf, size);
	mdev_core_unlock(d->core);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_write(req, size);
}

/* kernfs_generic_poll(): readable and writable always; until the open
 * file's first show, also EPOLLERR | EPOLLPRI (a node's event count starts
 * at 1, an open file's at 0). No show is ever notified (sysfs_notify), so
 * the poll handle is not kept. */
static void op_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	const struct open_file *of =
	    (const struct open_file *)(uintptr_t)fi->fh;
	unsigned revents = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

	(void)ino;
	if (!of || !of->shown)
		revents |= POLLERR | POLLPRI;
	if (ph)
		fuse_pollhandle_destroy(ph);
	fuse_reply_poll(req, revents);
}

static void op_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;

	(void)ino;
	if (of) {
		handle_untrack(&of->h);
		free(of);
	}
	fuse_reply_err(req, 0);
}

/* Ends an open directory: untracked, its snapshot and itself freed. */
static void open_dir_close(struct open_dir *od)
{
	handle_untrack(&od->h);
	snap_free(&od->snap);
	free(od);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct mdevd *d = req_mdevd(req);
	struct open_dir *od = calloc(1, sizeof(*od));
	struct dir_snap *snap = od ? &od->snap : NULL;
	struct fs_obj o;

	if (!od) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	mdev_core_lock(d->core);
	int err = tree_resolve(d->tree, ino, &o);
	if (!err)
		err = tree_list(d->tree, &o, snap);
	mdev_core_unlock(d->core);
	if (err) {
		snap_free(snap);
		free(od);
		fuse_reply_err(req, -err);
		return;
	}
	od->h.dir = true;
	handle_track(&od->h);
	fi->fh = (uint64_t)(uintptr_t)od;
	fi->cache_readdir = 0;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi) == -ENOENT) {
		/* The opener was interrupted: no releasedir will come. */
		open_dir_close(od);
	}
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct dir_snap *snap = &((struct open_dir *)(uintptr_t)fi->fh)->snap;
	char *buf = malloc(size);
	size_t used = 0;

	(void)ino;
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t i = off < 0 ? 0 : (size_t)off; i < snap->n; i++) {
		struct stat st;
		memset(&st, 0, sizeof(st));
		st.st_ino = snap->ents[i].ino;
		st.st_mode = DTTOIF(snap->ents[i].dtype);
		size_t need = fuse_add_direntry(
		    req, buf + used, size - used,
		    snap->names + snap->ents[i].name_off, &st, (off_t)(i + 1));
		if (need > size - used)
			break;
		used += need;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct open_dir *od = (struct open_dir *)(uintptr_t)fi->fh;

	(void)ino;
	if (od)
		open_dir_close(od);
	fuse_reply_err(req, 0);
}

/* Names: sysfs has no way to create, remove or rename one (kernfs's
 * directory operations refuse without syscall ops, the VFS refuses where
 * kernfs has no operation at all). The VFS has already checked that the
 * caller may write the directory, and that the name is (not) there. */
static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	(void)parent;
	(void)name;
	(void)mode;
	fuse_reply_err(req, EPERM); /* kernfs_iop_mkdir() */
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	(void)parent;
	(void)name;
	(void)mode;
	(void)rdev;
	fuse_reply_err(req, EPERM); /* vfs_mknod(): no ->mknod */
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	(void)parent;
	(void)name;
	(void)mode;
	(void)fi;
	fuse_reply_err(req, EACCES); /* lookup_open(): no ->create */
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	(void)link;
	(void)parent;
	(void)name;
	fuse_reply_err(req, EPERM); /* vfs_symlink(): no ->symlink */
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	(void)ino;
	(void)newparent;
	(void)newname;
	fuse_reply_err(req, EPERM); /* vfs_link(): no ->link */
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	fuse_reply_err(req, EPERM); /* vfs_unlink(): no ->unlink */
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	fuse_reply_err(req, EPERM); /* kernfs_iop_rmdir() */
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	(void)parent;
	(void)name;
	(void)newparent;
	(void)newname;
	/* kernfs_iop_rename(): flags first, then no syscall ops. */
	fuse_reply_err(req, flags ? EINVAL : EPERM);
}

/* kernfs: files fsync as noop_fsync() (nothing to write back);
 * directories have no fsync at all; nothing can be allocated. */
static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	(void)ino;
	(void)datasync;
	(void)fi;
	fuse_reply_err(req, 0);
}

static void op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	(void)ino;
	(void)datasync;
	(void)fi;
	fuse_reply_err(req, EINVAL);
}

static void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
			 off_t length, struct fuse_file_info *fi)
{
	(void)ino;
	(void)mode;
	(void)offset;
	(void)length;
	(void)fi;
	fuse_reply_err(req, EOPNOTSUPP);
}

/* simple_statfs(), which sysfs uses: a page, NAME_MAX, and no blocks or
 * inodes to count. f_type is FUSE's, set by the kernel. */
static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs st;

	(void)ino;
	memset(&st, 0, sizeof(st));
	st.f_bsize = MDEVD_PAGE;
	st.f_frsize = MDEVD_PAGE;
	st.f_namemax = NAME_MAX;
	fuse_reply_statfs(req, &st);
}

/* kernfs's xattr handlers: trusted. and security. are kept per node;
 * user. is only for roots with KERNFS_ROOT_SUPPORT_USER_XATTR, which sysfs
 * is not, so set and remove refuse it and get finds nothing; other name
 * spaces have no handler. The VFS has checked the caller's right to the
 * name space (CAP_SYS_ADMIN for trusted., the LSM for security.). */
static bool xattr_kept(const char *name)
{
	return strncmp(name, XATTR_TRUSTED_PREFIX, XATTR_TRUSTED_PREFIX_LEN) ==
		   0 ||
	       strncmp(name, XATTR_SECURITY_PREFIX,
		       XATTR_SECURITY_PREFIX_LEN) == 0;
}

static bool xattr_known(const char *name)
{
	return xattr_kept(name) ||
	       strncmp(name, XATTR_USER_PREFIX, XATTR_USER_PREFIX_LEN) == 0;
}

static void reply_xattr_len(fuse_req_t req, ssize_t n, size_t size,
			    const char *buf)
{
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else if (size == 0)
		fuse_reply_xattr(req, (size_t)n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
}

/* 0 when ino is live and name is in a name space allowed() accepts (name
 * NULL: any); under the core lock. */
static int xattr_target(struct mdevd *d, fuse_ino_t ino, const char *name,
			bool (*allowed)(const char *name))
{
	struct fs_obj o;
	int err = tree_resolve(d->tree, ino, &o);

	if (!err && name && !allowed(name))
		err = -EOPNOTSUPP;
	return err;
}

/* getxattr of name, or listxattr when name is NULL: the length when size
 * is 0, else the value (the names) in a buffer of size bytes. */
static void xattr_query(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	struct mdevd *d = req_mdevd(req);
	char *buf = size ? malloc(size) : NULL;
	ssize_t n;

	if (size && !buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	mdev_core_lock(d->core);
	n = xattr_target(d, ino, name, xattr_known);
	if (!n && name)
		n = nodeattr_getxattr(&node_attrs, ino, name, buf, size);
	else if (!n)
		n = nodeattr_listxattr(&node_attrs, ino, buf, size);
	mdev_core_unlock(d->core);
	reply_xattr_len(req, n, size, buf);
	free(buf);
}

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	xattr_query(req, ino, name, size);
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	struct mdevd *d = req_mdevd(req);

	mdev_core_lock(d->core);
	int err = xattr_target(d, ino, name, xattr_kept);
	if (!err)
		err = nodeattr_setxattr(&node_attrs, ino, name, value, size,
					flags, ino_alive, d);
	mdev_core_unlock(d->core);
	fuse_reply_err(req, -err);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct mdevd *d = req_mdevd(req);

	mdev_core_lock(d->core);
	int err = xattr_target(d, ino, name, xattr_kept);
	if (!err)
		err = nodeattr_removexattr(&node_attrs, ino, name);
	mdev_core_unlock(d->core);
	fuse_reply_err(req, -err);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	xattr_query(req, ino, NULL, size);
}

const struct fuse_lowlevel_ops mdevd_ops = {
    .init = op_init,
    .destroy = op_destroy,
    .lookup = op_lookup,
    .forget = op_forget,
    .forget_multi = op_forget_multi,
    .getattr = op_getattr,
    .setattr = op_setattr,
    .readlink = op_readlink,
    .open = op_open,
    .read = op_read,
    .write = op_write,
    .release = op_release,
    .poll = op_poll,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .releasedir = op_releasedir,
    .mkdir = op_mkdir,
    .mknod = op_mknod,
    .create = op_create,
    .symlink = op_symlink,
    .link = op_link,
    .unlink = op_unlink,
    .rmdir = op_rmdir,
    .rename = op_rename,
    .statfs = op_statfs,
    .fsync = op_fsync,
    .fsyncdir = op_fsyncdir,
    .fallocate = op_fallocate,
    .getxattr = op_getxattr,
    .setxattr = op_setxattr,
    .removexattr = op_removexattr,
    .listxattr = op_listxattr,
};
