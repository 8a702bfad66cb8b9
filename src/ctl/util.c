/* SPDX-License-Identifier: MIT */
/* Small helpers: growable strings, allocation, errors, logging, file I/O. */
#include "ctl.h"
#include "common/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void oom(void)
{
	fputs("Error: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		oom();
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

char *xpath_join(const char *a, const char *b)
{
	char *p = path_join(a, b);

	if (!p)
		oom();
	return p;
}

char *xpath_join3(const char *a, const char *b, const char *c)
{
	char *ab = xpath_join(a, b);
	char *r = xpath_join(ab, c);

	free(ab);
	return r;
}

void sb_init(struct sbuf *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	sb_init(b);
}

static void sb_grow(struct sbuf *b, size_t need)
{
	size_t cap;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sb_addn(struct sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

void sb_addc(struct sbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	sb_addn(b, s, (size_t)n);
	free(s);
}

char *sb_steal(struct sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	sb_init(b);
	return s;
}

void sb_add_debug_str(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_addc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			sb_add(b, "\\\"");
			break;
		case '\\':
			sb_add(b, "\\\\");
			break;
		case '\n':
			sb_add(b, "\\n");
			break;
		case '\r':
			sb_add(b, "\\r");
			break;
		case '\t':
			sb_add(b, "\\t");
			break;
		case '\0':
			sb_add(b, "\\0");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sb_printf(b, "\\u{%x}", *p);
			else
				sb_addc(b, (char)*p);
		}
	}
	sb_addc(b, '"');
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

int err_set(struct ctl_err *e, const char *fmt, ...)
{
	va_list ap;

	err_clear(e);
	va_start(ap, fmt);
	e->msg = vfmt(fmt, ap);
	va_end(ap);
	return -1;
}

int err_cause(struct ctl_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e->ncauses >= 4)
		return -1;
	va_start(ap, fmt);
	e->causes[e->ncauses++] = vfmt(fmt, ap);
	va_end(ap);
	return -1;
}

char *io_error_text(int errnum)
{
	return xasprintf("%s (os error %d)", strerror(errnum), errnum);
}

int err_cause_errno(struct ctl_err *e, int errnum)
{
	char *t = io_error_text(errnum);

	err_cause(e, "%s", t);
	free(t);
	return -1;
}

int err_wrap(struct ctl_err *e, const char *fmt, ...)
{
	va_list ap;
	char *old = e->msg;
	int i;

	if (old && e->ncauses < 4) {
		for (i = e->ncauses; i > 0; i--)
			e->causes[i] = e->causes[i - 1];
		e->causes[0] = old;
		e->ncauses++;
	} else {
		free(old);
	}
	va_start(ap, fmt);
	e->msg = vfmt(fmt, ap);
	va_end(ap);
	return -1;
}

void err_print(const struct ctl_err *e)
{
	struct sbuf b;
	int i;

	sb_init(&b);
	sb_printf(&b, "Error: %s\n", e->msg ? e->msg : "Unknown error");
	if (e->ncauses == 1) {
		sb_printf(&b, "\nCaused by:\n    %s\n", e->causes[0]);
	} else if (e->ncauses > 1) {
		sb_add(&b, "\nCaused by:\n");
		for (i = 0; i < e->ncauses; i++)
			sb_printf(&b, "    %d: %s\n", i, e->causes[i]);
	}
	fflush(stdout);
	fwrite(b.s, 1, b.len, stderr);
	sb_free(&b);
}

void err_clear(struct ctl_err *e)
{
	int i;

	free(e->msg);
	for (i = 0; i < e->ncauses; i++)
		free(e->causes[i]);
	e->msg = NULL;
	e->ncauses = 0;
}

int err_io(struct ctl_err *e, int errnum)
{
	err_clear(e);
	e->msg = io_error_text(errnum);
	return -1;
}

void log_warn_mod(const char *module, const char *fmt, ...)
{
	const char *lvl = getenv("MDEVCTL_LOG");
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	struct sbuf b;

	if (lvl && (!strcasecmp(lvl, "off") || !strcasecmp(lvl, "error")))
		return;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sb_init(&b);
	sb_printf(&b, "[%s WARN  %s] ", ts, module);
	va_start(ap, fmt);
	{
		char *m = vfmt(fmt, ap);
		sb_add(&b, m);
		free(m);
	}
	va_end(ap);
	sb_addc(&b, '\n');
	fflush(stdout);
	fwrite(b.s, 1, b.len, stderr);
	sb_free(&b);
}

int read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct sbuf b;
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	sb_init(&b);
	sb_addn(&b, "", 0);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			int r = -errno;

			if (errno == EINTR)
				continue;
			close(fd);
			sb_free(&b);
			return r;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			close(fd);
			sb_free(&b);
			return -EFBIG;
		}
		sb_addn(&b, buf, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*out = sb_steal(&b);
	return 0;
}
