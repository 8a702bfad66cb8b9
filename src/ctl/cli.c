/* SPDX-License-Identifier: MIT */
/*
 * Command-line parsing that reproduces clap 3.2's behaviour for mdevctl
 * 1.2.0 and clap 4's for 1.4.0 (compat_14(): other tables and texts): the same
 * accepted forms (--opt value, --opt=value, -ovalue, -o=value, clustered short
 * flags, "--"), the same error texts, usage lines and exit status 2, help on
 * stdout with status 0.
 *
 * Each subcommand is a table of argument ids plus its relations (required,
 * required-unless, conflicts, requires); errors are rendered from those
 * tables the way clap builds its usage strings.
 */
#include "ctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum arg_id {
	A_UUID,
	A_PARENT,
	A_TYPE,
	A_AUTO,
	A_MANUAL,
	A_JSONFILE,
	A_ADDATTR,
	A_DELATTR,
	A_INDEX,
	A_VALUE,
	A_DEFINED,
	A_DUMPJSON,
	A_VERBOSE,
	A_LDEFINED, /* modify --defined (1.3+, long only, hidden) */
	A_LIVE,	    /* modify --live (1.3+, hidden) */
	A_MDEFINED, /* 1.4.0 modify -d/--defined */
	A_MLIVE,    /* 1.4.0 modify -l/--live */
	A_FORCE,    /* 1.4.0 -f/--force */
	A_POS,	    /* start-parent-mdevs <PARENT> */
	A_HELP,
	A_VERSION,
	A_COUNT,
	A_END = -1,
};

enum vkind { V_FLAG, V_STR, V_UUID, V_U32 };

struct argspec {
	char shortc;
	const char *longn;
	const char *valname;
	enum vkind kind;
	bool hidden;
};

static const struct argspec specs[A_COUNT] = {
    [A_UUID] = {'u', "uuid", "UUID", V_UUID, false},
    [A_PARENT] = {'p', "parent", "PARENT", V_STR, false},
    [A_TYPE] = {'t', "type", "type", V_STR, false},
    [A_AUTO] = {'a', "auto", NULL, V_FLAG, false},
    [A_MANUAL] = {'m', "manual", NULL, V_FLAG, false},
    [A_JSONFILE] = {0, "jsonfile", "JSONFILE", V_STR, false},
    [A_ADDATTR] = {0, "addattr", "attr_name", V_STR, false},
    [A_DELATTR] = {0, "delattr", NULL, V_FLAG, false},
    [A_INDEX] = {'i', "index", "INDEX", V_U32, false},
    [A_VALUE] = {0, "value", "attr_value", V_STR, false},
    [A_DEFINED] = {'d', "defined", NULL, V_FLAG, false},
    [A_DUMPJSON] = {0, "dumpjson", NULL, V_FLAG, false},
    [A_VERBOSE] = {'v', "verbose", NULL, V_FLAG, false},
    [A_LDEFINED] = {0, "defined", NULL, V_FLAG, true},
    [A_LIVE] = {0, "live", NULL, V_FLAG, true},
    [A_MDEFINED] = {'d', "defined", NULL, V_FLAG, false},
    [A_MLIVE] = {'l', "live", NULL, V_FLAG, false},
    [A_FORCE] = {'f', "force", NULL, V_FLAG, false},
    [A_POS] = {0, NULL, "PARENT", V_STR, false},
    [A_HELP] = {'h', "help", NULL, V_FLAG, false},
    [A_VERSION] = {'V', "version", NULL, V_FLAG, false},
};

struct pair {
	int a, b;
};

struct cmdspec {
	const char *name; /* subcommand name, NULL for the top level */
	enum ctl_cmd cmd;
	const char *help_key;
	const int *args;	   /* declaration order, A_END terminated */
	const int *required;	   /* unconditionally required */
	const struct pair *unless; /* a required unless b present */
	const struct pair *conflicts;
	const struct pair *requires; /* a requires b */
	/* clap 4: an ArgGroup of one-of args (required when group_required),
	 * shown as <a|b|..> in usage lines; all_group: every argument is in
	 * the derive's implicit group (list, lsmdev) */
	const int *group;
	bool group_required, all_group;
};

static const int list_args[] = {A_DEFINED, A_DUMPJSON, A_VERBOSE, A_UUID,
				A_PARENT,  A_HELP,     A_VERSION, A_END};
static const int types_args[] = {A_PARENT, A_DUMPJSON, A_HELP, A_END};
static const int define_args[] = {A_UUID,     A_AUTO, A_PARENT, A_TYPE,
				  A_JSONFILE, A_HELP, A_END};
static const int undefine_args[] = {A_UUID, A_PARENT, A_HELP, A_END};
static const int modify_args[] = {
    A_UUID, A_PARENT, A_TYPE,	  A_ADDATTR, A_DELATTR,	 A_INDEX, A_VALUE,
    A_AUTO, A_MANUAL, A_LDEFINED, A_LIVE,    A_JSONFILE, A_HELP,  A_END};
static const int start_args[] = {A_UUID,     A_PARENT, A_TYPE,
				 A_JSONFILE, A_HELP,   A_END};
static const int stop_args[] = {A_UUID, A_HELP, A_END};
static const int spm_args[] = {A_POS, A_HELP, A_END};
static const int none[] = {A_END};
static const int req_uuid[] = {A_UUID, A_END};
static const int req_pos[] = {A_POS, A_END};
static const struct pair no_pairs[] = {{A_END, A_END}};
static const struct pair uuid_or_parent[] = {
    {A_UUID, A_PARENT}, {A_PARENT, A_UUID}, {A_END, A_END}};
static const struct pair define_conflicts[] = {
    {A_JSONFILE, A_TYPE}, {A_JSONFILE, A_AUTO}, {A_END, A_END}};
static const struct pair start_conflicts[] = {{A_JSONFILE, A_TYPE},
					      {A_END, A_END}};
static const struct pair modify_conflicts[] = {
    {A_MANUAL, A_AUTO}, {A_DELATTR, A_ADDATTR}, {A_END, A_END}};
static const struct pair modify_requires[] = {{A_ADDATTR, A_VALUE},
					      {A_END, A_END}};

/* Declaration order of 1.2.0's subcommand enum (clap's suggestion order). */
static const struct cmdspec commands[] = {
    {"define", CMD_DEFINE, "define", define_args, none, uuid_or_parent,
     define_conflicts, no_pairs, NULL, false, false},
    {"undefine", CMD_UNDEFINE, "undefine", undefine_args, req_uuid, no_pairs,
     no_pairs, no_pairs, NULL, false, false},
    {"modify", CMD_MODIFY, "modify", modify_args, req_uuid, no_pairs,
     modify_conflicts, modify_requires, NULL, false, false},
    {"start", CMD_START, "start", start_args, none, uuid_or_parent,
     start_conflicts, no_pairs, NULL, false, false},
    {"stop", CMD_STOP, "stop", stop_args, req_uuid, no_pairs, no_pairs,
     no_pairs, NULL, false, false},
    {"list", CMD_LIST, "list", list_args, none, no_pairs, no_pairs, no_pairs,
     NULL, false, false},
    {"types", CMD_TYPES, "types", types_args, none, no_pairs, no_pairs,
     no_pairs, NULL, false, false},
    {"start-parent-mdevs", CMD_START_PARENT, "start-parent-mdevs", spm_args,
     req_pos, no_pairs, no_pairs, no_pairs, NULL, false, false},
    {NULL, CMD_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, false},
};

static const struct cmdspec lsmdev_cmd = {
    "lsmdev", CMD_LIST, "lsmdev", list_args, none, no_pairs,
    no_pairs, no_pairs, NULL,	  false,     false};

/* mdevctl 1.4.0 (src/cli.rs, clap 4): -f everywhere that acts, modify's
 * required one-of group and its new relations. */
static const int define14_args[] = {A_UUID,	A_AUTO,	 A_PARENT, A_TYPE,
				    A_JSONFILE, A_FORCE, A_HELP,   A_END};
static const int undefine14_args[] = {A_UUID, A_PARENT, A_FORCE, A_HELP, A_END};
static const int modify14_args[] = {A_UUID,    A_PARENT, A_TYPE,     A_ADDATTR,
				    A_DELATTR, A_INDEX,	 A_VALUE,    A_AUTO,
				    A_MANUAL,  A_MLIVE,	 A_MDEFINED, A_JSONFILE,
				    A_FORCE,   A_HELP,	 A_END};
static const int start14_args[] = {A_UUID,  A_PARENT, A_TYPE, A_JSONFILE,
				   A_FORCE, A_HELP,   A_END};
static const int stop14_args[] = {A_UUID, A_FORCE, A_HELP, A_END};
static const int modify14_group[] = {A_AUTO,	A_MANUAL,   A_ADDATTR,
				     A_DELATTR, A_JSONFILE, A_END};
static const struct pair modify14_conflicts[] = {
    {A_VALUE, A_DELATTR},  {A_AUTO, A_INDEX},	  {A_AUTO, A_VALUE},
    {A_MANUAL, A_INDEX},   {A_MANUAL, A_VALUE},	  {A_MLIVE, A_TYPE},
    {A_MLIVE, A_INDEX},	   {A_MLIVE, A_VALUE},	  {A_JSONFILE, A_TYPE},
    {A_JSONFILE, A_INDEX}, {A_JSONFILE, A_VALUE}, {A_END, A_END}};
/* the released 1.4.0 does not make --live require --jsonfile (later
 * sources do): its run-time check answers instead */
static const struct pair modify14_requires[] = {
    {A_ADDATTR, A_VALUE}, {A_VALUE, A_ADDATTR}, {A_END, A_END}};

static const struct cmdspec commands14[] = {
    {"define", CMD_DEFINE, "define", define14_args, none, uuid_or_parent,
     define_conflicts, no_pairs, NULL, false, false},
    {"undefine", CMD_UNDEFINE, "undefine", undefine14_args, req_uuid, no_pairs,
     no_pairs, no_pairs, NULL, false, false},
    {"modify", CMD_MODIFY, "modify", modify14_args, req_uuid, no_pairs,
     modify14_conflicts, modify14_requires, modify14_group, true, false},
    {"start", CMD_START, "start", start14_args, none, uuid_or_parent,
     start_conflicts, no_pairs, NULL, false, false},
    {"stop", CMD_STOP, "stop", stop14_args, req_uuid, no_pairs, no_pairs,
     no_pairs, NULL, false, false},
    {"list", CMD_LIST, "list", list_args, none, no_pairs, no_pairs, no_pairs,
     NULL, false, true},
    {"types", CMD_TYPES, "types", types_args, none, no_pairs, no_pairs,
     no_pairs, NULL, false, true},
    {"start-parent-mdevs", CMD_START_PARENT, "start-parent-mdevs", spm_args,
     req_pos, no_pairs, no_pairs, no_pairs, NULL, false, false},
    {NULL, CMD_NONE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, false},
};

static const struct cmdspec lsmdev14_cmd = {
    "lsmdev", CMD_LIST, "lsmdev", list_args, none, no_pairs,
    no_pairs, no_pairs, NULL,	  false,     true};

static const struct cmdspec *command_table(void)
{
	return compat_14() ? commands14 : commands;
}

/* One parse in progress: which args are present, in first-seen order. */
struct parse {
	const struct cmdspec *cs;
	const char *usage_name; /* "mdevctl list" or "lsmdev" */
	int order[A_COUNT];
	int norder;
	bool present[A_COUNT];
	struct ctl_args *out;
};

static const struct help_text *help_for(const char *key)
{
	const struct help_text *h;

	for (h = ctl_help_table(); h->name; h++)
		if (!strcmp(h->name, key))
			return h;
	return NULL;
}

static bool cmd_has(const struct cmdspec *cs, int id)
{
	const int *p;

	for (p = cs->args; *p != A_END; p++)
		if (*p == id)
			return true;
	return false;
}

static bool in_list(const int *l, int id)
{
	for (; *l != A_END; l++)
		if (*l == id)
			return true;
	return false;
}

static void add_disp(struct sbuf *b, int id)
{
	const struct argspec *s = &specs[id];

	if (id == A_POS)
		sb_printf(b, "<%s>", s->valname);
	else if (s->valname)
		sb_printf(b, "--%s <%s>", s->longn, s->valname);
	else
		sb_printf(b, "--%s", s->longn);
}

static char *disp(int id)
{
	struct sbuf b;

	sb_init(&b);
	add_disp(&b, id);
	return sb_steal(&b);
}

/* A clap 4 ArgGroup of cs: the explicit one, or the derive's implicit one
 * holding every argument. */
static bool in_group(const struct cmdspec *cs, int id)
{
	if (cs->all_group)
		return id != A_HELP && id != A_VERSION && id != A_POS;
	return cs->group && in_list(cs->group, id);
}

static void add_group(struct sbuf *b, const struct cmdspec *cs)
{
	const int *a;
	bool first = true;

	sb_addc(b, '<');
	for (a = cs->group ? cs->group : cs->args; *a != A_END; a++) {
		if (!in_group(cs, *a) || specs[*a].hidden)
			continue;
		if (!first)
			sb_addc(b, '|');
		add_disp(b, *a);
		first = false;
	}
	sb_addc(b, '>');
}

/* clap's create_help_usage: "mdevctl modify [OPTIONS] --uuid <UUID>". */
static char *help_usage(const struct parse *p)
{
	struct sbuf b;
	const int *a;
	bool opts = false;

	sb_init(&b);
	sb_add(&b, p->usage_name);
	for (a = p->cs->args; *a != A_END; a++)
		if (*a != A_POS && *a != A_HELP && *a != A_VERSION &&
		    !specs[*a].hidden && !in_list(p->cs->required, *a))
			opts = true;
	if (opts)
		sb_add(&b, " [OPTIONS]");
	for (a = p->cs->required; *a != A_END; a++) {
		sb_addc(&b, ' ');
		add_disp(&b, *a);
	}
	if (p->cs->group_required) {
		sb_addc(&b, ' ');
		add_group(&b, p->cs);
	}
	return sb_steal(&b);
}

static void uniq_add(int *v, int *n, int id)
{
	int i;

	for (i = 0; i < *n; i++)
		if (v[i] == id)
			return;
	v[(*n)++] = id;
}

/* clap's create_smart_usage: required args (with what they require) first,
 * then the used ones, each once. */
static char *smart_usage(const struct parse *p, const int *req, int nreq,
			 const int *used, int nused)
{
	int v[A_COUNT * 2], n = 0, i;
	const struct pair *r;
	struct sbuf b;

	for (i = 0; i < nreq; i++) {
		for (r = p->cs->requires; r->a != A_END; r++)
			if (r->a == req[i])
				uniq_add(v, &n, r->b);
		uniq_add(v, &n, req[i]);
	}
	for (i = 0; i < nused; i++)
		uniq_add(v, &n, used[i]);
	sb_init(&b);
	sb_add(&b, p->usage_name);
	if (compat_14()) {
		/* clap 4 shows a group member as the whole group, once */
		bool group = false;

		for (i = 0; i < n; i++) {
			if (in_group(p->cs, v[i])) {
				group = true;
				continue;
			}
			sb_addc(&b, ' ');
			add_disp(&b, v[i]);
		}
		if (group || p->cs->group_required) {
			sb_addc(&b, ' ');
			add_group(&b, p->cs);
		}
		return sb_steal(&b);
	}
	for (i = 0; i < n; i++) {
		if (v[i] == A_POS)
			continue;
		sb_addc(&b, ' ');
		add_disp(&b, v[i]);
	}
	return sb_steal(&b);
}

static char *usage_for(const struct parse *p, const int *req, int nreq,
		       const int *used, int nused)
{
	if (nused == 0)
		return help_usage(p);
	return smart_usage(p, req, nreq, used, nused);
}

static int graph_required(const struct parse *p, int *req)
{
	int n = 0;
	const int *a;

	for (a = p->cs->required; *a != A_END; a++)
		req[n++] = *a;
	return n;
}

static void emit(struct sbuf *b)
{
	fflush(stdout);
	fwrite(b->s, 1, b->len, stderr);
	sb_free(b);
}

static int finish_error(struct sbuf *b, const char *usage, int *exit_code)
{
	if (compat_14()) {
		if (usage)
			sb_printf(b, "Usage: %s\n\n", usage);
		sb_add(b, "For more information, try '--help'.\n");
	} else {
		if (usage)
			sb_printf(b, "USAGE:\n    %s\n\n", usage);
		sb_add(b, "For more information try --help\n");
	}
	emit(b);
	*exit_code = 2;
	return -1;
}

/* strsim 0.10's generic_jaro (as clap 3.2 uses it) over bytes. */
static double jaro(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b), i, j, range, bmi = 0;
	double m = 0, t = 0;
	bool *used;

	if (!al && !bl)
		return 1.0;
	if (!al || !bl)
		return 0.0;
	if (al == 1 && bl == 1)
		return a[0] == b[0] ? 1.0 : 0.0;
	range = (al > bl ? al : bl) / 2 - 1;
	used = xcalloc(bl, sizeof(bool));
	for (i = 0; i < al; i++) {
		size_t lo = i > range ? i - range : 0;
		size_t hi = i + range < bl - 1 ? i + range : bl - 1;

		if (lo > hi)
			continue;
		for (j = 0; j < bl; j++) {
			if (lo <= j && j <= hi && a[i] == b[j] && !used[j]) {
				used[j] = true;
				m += 1;
				if (j < bmi)
					t += 1;
				bmi = j;
				break;
			}
		}
	}
	free(used);
	if (m == 0)
		return 0.0;
	return (m / (double)al + m / (double)bl + (m - t) / m) / 3.0;
}

static double jaro_winkler(const char *a, const char *b)
{
	double s = jaro(a, b), r;
	size_t pre = 0;

	while (a[pre] && b[pre] && a[pre] == b[pre])
		pre++;
	r = s + 0.1 * (double)pre * (1.0 - s);
	return r <= 1.0 ? r : 1.0;
}

struct cand {
	double conf;
	const char *name;
};

/* clap's did_you_mean: candidates over 0.8, ascending confidence. */
static int did_you_mean(const char *v, const char *const *names, int n,
			struct cand *out)
{
	int i, k = 0, x;

	for (i = 0; i < n; i++) {
		double c = jaro_winkler(v, names[i]);

		/* clap 4 lowered the threshold */
		if (c > (compat_14() ? 0.7 : 0.8)) {
			out[k].conf = c;
			out[k].name = names[i];
			k++;
		}
	}
	/* stable insertion sort, as Rust's sort_by is stable */
	for (i = 1; i < k; i++) {
		struct cand c = out[i];

		for (x = i - 1; x >= 0 && out[x].conf > c.conf; x--)
			out[x + 1] = out[x];
		out[x + 1] = c;
	}
	return k;
}

static int err_unknown(struct parse *p, const char *arg, bool flaglike,
		       bool is_long, int *exit_code)
{
	int req[A_COUNT], nreq = graph_required(p, req);
	int used[A_COUNT], nused = 0, i;
	const char *suggest = NULL;
	struct sbuf b;
	char *u;

	if (is_long) {
		const char *names[A_COUNT] = {0};
		struct cand c[A_COUNT];
		int n = 0, k, ids[A_COUNT];
		const int *a;
		size_t nl = strcspn(arg + 2, "=");
		char *name = xasprintf("%.*s", (int)nl, arg + 2);

		for (a = p->cs->args; *a != A_END; a++)
			if (specs[*a].longn && !specs[*a].hidden) {
				ids[n] = *a;
				names[n++] = specs[*a].longn;
			}
		k = did_you_mean(name, names, n, c);
		free(name);
		if (k > 0) {
			suggest = c[k - 1].name;
			for (i = 0; i < n; i++)
				if (names[i] == suggest &&
				    !p->present[ids[i]]) {
					p->present[ids[i]] = true;
					p->order[p->norder++] = ids[i];
				}
		}
	}
	sb_init(&b);
	if (compat_14()) {
		sb_printf(&b, "error: unexpected argument '%s' found\n\n", arg);
		if (suggest)
			sb_printf(
			    &b, "  tip: a similar argument exists: '--%s'\n\n",
			    suggest);
	} else {
		sb_printf(&b,
			  "error: Found argument '%s' which wasn't expected, "
			  "or isn't valid in this context\n\n",
			  arg);
		if (suggest)
			sb_printf(&b, "\tDid you mean '--%s'?\n\n", suggest);
	}
	if (flaglike && compat_14() && cmd_has(p->cs, A_POS))
		sb_printf(&b, "  tip: to pass '%s' as a value, use '-- %s'\n\n",
			  arg, arg);
	if (flaglike && !compat_14())
		sb_printf(&b,
			  "\tIf you tried to supply `%s` as a value rather "
			  "than a flag, use `-- %s`\n\n",
			  arg, arg);
	if (flaglike) {
		for (i = 0; i < p->norder; i++)
			if (!in_list(p->cs->required, p->order[i]))
				used[nused++] = p->order[i];
		u = usage_for(p, req, nreq, used, nused);
	} else {
		u = help_usage(p);
	}
	finish_error(&b, u, exit_code);
	free(u);
	return -1;
}

static int err_empty_value(int id, int *exit_code)
{
	struct sbuf b;
	char *d = disp(id);

	sb_init(&b);
	sb_printf(&b,
		  compat_14() ? "error: a value is required for '%s' but none "
				"was supplied\n\n"
			      : "error: The argument '%s' requires a value but "
				"none was supplied\n\n",
		  d);
	free(d);
	return finish_error(&b, NULL, exit_code);
}

static int err_multiple(struct parse *p, int id, int *exit_code)
{
	struct sbuf b;
	char *d = disp(id), *u = help_usage(p);

	sb_init(&b);
	sb_printf(&b,
		  compat_14() ? "error: the argument '%s' cannot be used "
				"multiple times\n\n"
			      : "error: The argument '%s' was provided more "
				"than once, but cannot be used multiple "
				"times\n\n",
		  d);
	finish_error(&b, u, exit_code);
	free(d);
	free(u);
	return -1;
}

static int err_flag_value(struct parse *p, int id, const char *val,
			  int *exit_code)
{
	struct sbuf b;
	char *d = disp(id), *u = help_usage(p);

	sb_init(&b);
	if (compat_14()) {
		free(u);
		u = xasprintf("%s %s", p->usage_name, d);
		sb_printf(&b,
			  "error: unexpected value '%s' for '%s' found; no "
			  "more were expected\n\n",
			  val, d);
		finish_error(&b, u, exit_code);
	} else {
		sb_printf(&b,
			  "error: The value '%s' was provided to '%s' but it "
			  "wasn't expecting any more values\n\n%s\n\n",
			  val, d, u);
		finish_error(&b, NULL, exit_code);
	}
	free(d);
	free(u);
	return -1;
}

static int err_invalid_value(int id, const char *val, const char *why,
			     int *exit_code)
{
	struct sbuf b;
	char *d = disp(id);

	sb_init(&b);
	if (compat_14()) {
		sb_printf(&b, "error: invalid value '%s' for '%s': %s\n\n", val,
			  d, why);
	} else {
		sb_add(&b, "error: Invalid value ");
		sb_add_debug_str(&b, val);
		sb_printf(&b, " for '%s': %s\n\n", d, why);
	}
	free(d);
	return finish_error(&b, NULL, exit_code);
}

/* Rust's u32::from_str. */
static const char *parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!*s)
		return "cannot parse integer from empty string";
	if (*p == '+')
		p++;
	if (!*p)
		return "invalid digit found in string";
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return "invalid digit found in string";
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return "number too large to fit in target type";
	}
	*out = (uint32_t)v;
	return NULL;
}

/* clap 4's value_parser!(u32) parses an i64, then checks the range. */
static const char *parse_u32_14(const char *s, uint32_t *out, char **owned)
{
	const char *w = parse_u32(s, out);
	const char *p = *s == '+' ? s + 1 : s;

	*owned = NULL;
	if (!w || strcmp(w, "number too large to fit in target type"))
		return w;
	if (strlen(p) < 19 ||
	    (strlen(p) == 19 && strcmp(p, "9223372036854775807") <= 0)) {
		*owned = xasprintf("%s is not in 0..=4294967295", p);
		return *owned;
	}
	return w;
}

static int set_value(struct parse *p, int id, const char *val, int *exit_code)
{
	struct ctl_args *a = p->out;
	char *why = NULL;
	const char *w;

	switch (id) {
	case A_UUID:
		if (uuid_parse_rs(val, &a->uuid, &why) < 0) {
			err_invalid_value(id, val, why, exit_code);
			free(why);
			return -1;
		}
		a->has_uuid = true;
		break;
	case A_INDEX:
		if (compat_14()) {
			char *owned;
			int r = 0;

			w = parse_u32_14(val, &a->index, &owned);
			if (w)
				r = err_invalid_value(id, val, w, exit_code);
			free(owned);
			if (r < 0)
				return -1;
		} else {
			w = parse_u32(val, &a->index);
			if (w)
				return err_invalid_value(id, val, w, exit_code);
		}
		a->has_index = true;
		break;
	case A_PARENT:
		a->parent = val;
		break;
	case A_TYPE:
		a->type = val;
		break;
	case A_JSONFILE:
		a->jsonfile = val;
		break;
	case A_ADDATTR:
		a->addattr = val;
		break;
	case A_VALUE:
		a->value = val;
		break;
	case A_POS:
		a->pos_parent = val;
		break;
	default:
		break;
	}
	return 0;
}

static void set_flag(struct parse *p, int id)
{
	struct ctl_args *a = p->out;

	switch (id) {
	case A_AUTO:
		a->autostart = true;
		break;
	case A_MANUAL:
		a->manual = true;
		break;
	case A_DELATTR:
		a->delattr = true;
		break;
	case A_DEFINED:
	case A_LDEFINED:
	case A_MDEFINED:
		a->defined = true;
		break;
	case A_DUMPJSON:
		a->dumpjson = true;
		break;
	case A_VERBOSE:
		a->verbose = true;
		break;
	case A_LIVE:
	case A_MLIVE:
		a->live = true;
		break;
	case A_FORCE:
		a->force = true;
		break;
	default:
		break;
	}
}

static void mark(struct parse *p, int id)
{
	p->present[id] = true;
	p->order[p->norder++] = id;
}

static int print_help(const char *key, bool is_long, int *exit_code)
{
	const struct help_text *h = help_for(key);

	if (h)
		fputs(is_long && h->long_help ? h->long_help : h->short_help,
		      stdout);
	*exit_code = 0;
	return -1;
}

static int print_version(const char *name, int *exit_code)
{
	printf("%s %s\n", name, ctl_version());
	*exit_code = 0;
	return -1;
}

static const char *version_name(const struct parse *p)
{
	return p->cs == &lsmdev_cmd || p->cs == &lsmdev14_cmd ? "lsmdev"
							      : "mdevctl-list";
}

static int find_long(const struct cmdspec *cs, const char *name, size_t n)
{
	const int *a;

	for (a = cs->args; *a != A_END; a++)
		if (specs[*a].longn && strlen(specs[*a].longn) == n &&
		    !strncmp(specs[*a].longn, name, n))
			return *a;
	return -1;
}

static int find_short(const struct cmdspec *cs, char c)
{
	const int *a;

	for (a = cs->args; *a != A_END; a++)
		if (specs[*a].shortc == c)
			return *a;
	return -1;
}

static bool conflicts(const struct cmdspec *cs, int x, int y)
{
	const struct pair *c;

	for (c = cs->conflicts; c->a != A_END; c++)
		if ((c->a == x && c->b == y) || (c->a == y && c->b == x))
			return true;
	/* members of a clap 4 ArgGroup exclude each other */
	return cs->group && x != y && in_list(cs->group, x) &&
	       in_list(cs->group, y);
}

static int validate_conflicts(struct parse *p, int *exit_code)
{
	int i, j, k, nc, conf[A_COUNT], used[A_COUNT], nused;
	int req[A_COUNT], nreq;
	const struct pair *r;
	struct sbuf b;
	char *d, *u;

	for (i = 0; i < p->norder; i++) {
		int x = p->order[i];

		nc = 0;
		for (j = 0; j < p->norder; j++)
			if (j != i && conflicts(p->cs, x, p->order[j]))
				conf[nc++] = p->order[j];
		if (!nc)
			continue;
		/* usage: what the used args require, then the used args,
		 * leaving out the conflicting ones */
		nused = 0;
		for (j = 0; j < p->norder; j++) {
			bool c = false;

			for (k = 0; k < nc; k++)
				c |= conf[k] == p->order[j];
			if (c)
				continue;
			for (r = p->cs->requires; r->a != A_END; r++) {
				bool skip = false;

				if (r->a != p->order[j])
					continue;
				for (k = 0; k < p->norder; k++)
					skip |= p->order[k] == r->b;
				if (!skip)
					used[nused++] = r->b;
			}
		}
		for (j = 0; j < p->norder; j++) {
			bool c = false;

			for (k = 0; k < nc; k++)
				c |= conf[k] == p->order[j];
			if (!c)
				used[nused++] = p->order[j];
		}
		nreq = graph_required(p, req);
		u = usage_for(p, req, nreq, used, nused);
		d = disp(x);
		sb_init(&b);
		if (nc == 1) {
			char *d2 = disp(conf[0]);

			sb_printf(&b,
				  "error: %s argument '%s' cannot be used "
				  "with '%s'\n\n",
				  compat_14() ? "the" : "The", d, d2);
			free(d2);
		} else {
			sb_printf(&b,
				  "error: %s argument '%s' cannot be used "
				  "with:\n",
				  compat_14() ? "the" : "The", d);
			for (k = 0; k < nc; k++) {
				char *d2 = disp(conf[k]);

				sb_printf(&b,
					  compat_14() ? "  %s\n" : "    %s\n",
					  d2);
				free(d2);
			}
			sb_addc(&b, '\n');
		}
		finish_error(&b, u, exit_code);
		free(u);
		free(d);
		return -1;
	}
	return 0;
}

static bool group_present(const struct parse *p)
{
	int i;

	for (i = 0; i < p->norder; i++)
		if (in_group(p->cs, p->order[i]))
			return true;
	return false;
}

static int validate_required(struct parse *p, int *exit_code)
{
	bool group_missing;
	int req[A_COUNT * 2], nreq = graph_required(p, req);
	int missing[A_COUNT], nmiss = 0, used[A_COUNT * 2], nused = 0, i, j;
	const struct pair *r;
	const int *a;
	struct sbuf b;
	char *u;

	/* gather what present args require */
	for (i = 0; i < p->norder; i++)
		for (r = p->cs->requires; r->a != A_END; r++)
			if (r->a == p->order[i])
				uniq_add(req, &nreq, r->b);
	for (i = 0; i < nreq; i++)
		if (!p->present[req[i]])
			missing[nmiss++] = req[i];
	for (a = p->cs->args; *a != A_END; a++) {
		bool need = false;

		if (p->present[*a])
			continue;
		for (r = p->cs->unless; r->a != A_END; r++)
			if (r->a == *a && !p->present[r->b])
				need = true;
		if (need)
			uniq_add(missing, &nmiss, *a);
	}
	group_missing = p->cs->group_required && !group_present(p);
	if (!nmiss && !group_missing)
		return 0;
	for (i = 0; i < p->norder + nmiss; i++) {
		int id = i < p->norder ? p->order[i] : missing[i - p->norder];
		bool isreq = false;

		for (j = 0; j < nreq; j++)
			isreq |= req[j] == id;
		if (!isreq)
			used[nused++] = id;
	}
	sb_init(&b);
	sb_add(&b, compat_14() ? "error: the following required arguments were "
				 "not provided:\n"
			       : "error: The following required arguments were "
				 "not provided:\n");
	{
		int v[A_COUNT * 2], n = 0;

		for (i = 0; i < nreq; i++)
			uniq_add(v, &n, req[i]);
		for (i = 0; i < nmiss; i++)
			uniq_add(v, &n, missing[i]);
		for (i = 0; i < n; i++) {
			char *d;

			if (p->present[v[i]] ||
			    (group_missing && in_group(p->cs, v[i])))
				continue;
			d = disp(v[i]);
			sb_printf(&b, compat_14() ? "  %s\n" : "    %s\n", d);
			free(d);
		}
		if (group_missing) {
			struct sbuf g;

			sb_init(&g);
			add_group(&g, p->cs);
			sb_printf(&b, "  %s\n", g.s);
			sb_free(&g);
		}
	}
	sb_addc(&b, '\n');
	if (compat_14()) {
		/* clap 4: the required ones and what is used, never
		 * [OPTIONS]; a missing group member stands for the group */
		for (i = j = 0; i < nreq; i++)
			if (!(group_missing && in_group(p->cs, req[i])))
				req[j++] = req[i];
		u = smart_usage(p, req, j, used, nused);
	} else {
		u = usage_for(p, req, nreq, used, nused);
	}
	finish_error(&b, u, exit_code);
	free(u);
	return -1;
}

/* Parses the arguments of one subcommand (argv[0] is the first of them). */
static int parse_sub(struct parse *p, int argc, char **argv, int *exit_code)
{
	int i, pending = -1;
	bool dashdash = false;

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		bool flaglike = !dashdash && arg[0] == '-' && arg[1];
		int empty = -1;

		if (pending >= 0) {
			if (!flaglike) {
				if (set_value(p, pending, arg, exit_code) < 0)
					return -1;
				pending = -1;
				continue;
			}
			empty = pending;
			pending = -1;
		}
		if (!dashdash && !strcmp(arg, "--")) {
			if (empty >= 0)
				return err_empty_value(empty, exit_code);
			dashdash = true;
			continue;
		}
		if (flaglike && arg[1] == '-') {
			const char *name = arg + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			int id = find_long(p->cs, name, n);

			if (id < 0) {
				/* clap 4: an option still waiting for its
				 * value is not a used one */
				if (empty >= 0 && compat_14())
					p->norder--;
				return err_unknown(p, arg, true, true,
						   exit_code);
			}
			if (empty >= 0)
				return err_empty_value(empty, exit_code);
			if (id == A_HELP)
				return print_help(p->cs->help_key, true,
						  exit_code);
			if (id == A_VERSION)
				return print_version(version_name(p),
						     exit_code);
			if (specs[id].kind == V_FLAG) {
				if (eq)
					return err_flag_value(p, id, eq + 1,
							      exit_code);
				if (p->present[id])
					return err_multiple(p, id, exit_code);
				mark(p, id);
				set_flag(p, id);
				continue;
			}
			if (p->present[id])
				return err_multiple(p, id, exit_code);
			mark(p, id);
			if (eq) {
				if (set_value(p, id, eq + 1, exit_code) < 0)
					return -1;
			} else {
				pending = id;
			}
			continue;
		}
		if (flaglike) {
			const char *c;

			for (c = arg + 1; *c; c++) {
				int id = find_short(p->cs, *c);

				if (id < 0) {
					size_t n = 1;
					char *u;

					if ((unsigned char)*c >= 0xc0)
						n = (unsigned char)*c >= 0xf0
							? 4
						    : (unsigned char)*c >= 0xe0
							? 3
							: 2;
					u = xasprintf("-%.*s", (int)n, c);
					/* clap gives shorts the plain usage */
					p->norder = 0;
					err_unknown(p, u, true, false,
						    exit_code);
					free(u);
					return -1;
				}
				if (empty >= 0)
					return err_empty_value(empty,
							       exit_code);
				if (id == A_HELP)
					return print_help(p->cs->help_key,
							  false, exit_code);
				if (id == A_VERSION)
					return print_version(version_name(p),
							     exit_code);
				if (p->present[id])
					return err_multiple(p, id, exit_code);
				mark(p, id);
				if (specs[id].kind == V_FLAG) {
					set_flag(p, id);
					continue;
				}
				if (c[1] == '=' || c[1]) {
					const char *v =
					    c[1] == '=' ? c + 2 : c + 1;

					if (set_value(p, id, v, exit_code) < 0)
						return -1;
				} else {
					pending = id;
				}
				break;
			}
			continue;
		}
		if (empty >= 0)
			return err_empty_value(empty, exit_code);
		if (cmd_has(p->cs, A_POS) && !p->present[A_POS]) {
			mark(p, A_POS);
			set_value(p, A_POS, arg, exit_code);
			continue;
		}
		return err_unknown(p, arg, false, false, exit_code);
	}
	if (pending >= 0)
		return err_empty_value(pending, exit_code);
	if (validate_conflicts(p, exit_code) < 0)
		return -1;
	return validate_required(p, exit_code);
}

static const struct cmdspec *find_cmd(const char *name)
{
	const struct cmdspec *c;

	for (c = command_table(); c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static const char *top_usage(void)
{
	return compat_14() ? "mdevctl <COMMAND>" : "mdevctl <SUBCOMMAND>";
}

static int top_error(const char *head, int *exit_code)
{
	struct sbuf b;

	sb_init(&b);
	sb_add(&b, head);
	return finish_error(&b, top_usage(), exit_code);
}

/* clap 4's "unrecognized subcommand" error, with its tips. */
static int unrecognized14(const char *arg, const struct cand *c, int k,
			  const char *usage, int *exit_code)
{
	struct sbuf b;
	int i;

	sb_init(&b);
	sb_printf(&b, "error: unrecognized subcommand '%s'\n\n", arg);
	if (k == 1)
		sb_printf(&b, "  tip: a similar subcommand exists: '%s'\n\n",
			  c[0].name);
	else if (k > 1) {
		sb_add(&b, "  tip: some similar subcommands exist: ");
		for (i = 0; i < k; i++)
			sb_printf(&b, "%s'%s'", i ? ", " : "", c[i].name);
		sb_add(&b, "\n\n");
	}
	return finish_error(&b, usage, exit_code);
}

/* `mdevctl help [SUBCOMMAND]...` */
static int parse_help(int argc, char **argv, int *exit_code)
{
	const struct cmdspec *c;
	struct sbuf b;

	if (argc == 0)
		return print_help("main", true, exit_code);
	if (!strcmp(argv[0], "help"))
		c = NULL;
	else if (!(c = find_cmd(argv[0]))) {
		if (compat_14())
			return unrecognized14(argv[0], NULL, 0, top_usage(),
					      exit_code);
		sb_init(&b);
		sb_printf(&b,
			  "error: The subcommand '%s' wasn't recognized\n\n",
			  argv[0]);
		return finish_error(&b, "mdevctl <SUBCOMMAND>", exit_code);
	}
	if (argc > 1) {
		struct parse p = {0};
		char *u;

		p.cs = c ? c : &command_table()[0];
		p.usage_name = xasprintf("mdevctl %s", argv[0]);
		u = c ? help_usage(&p)
		      : xstrdup(compat_14() ? "mdevctl help [COMMAND]..."
					    : "mdevctl help [SUBCOMMAND]...");
		if (compat_14()) {
			unrecognized14(argv[1], NULL, 0, u, exit_code);
			free(u);
			free((char *)p.usage_name);
			return -1;
		}
		sb_init(&b);
		sb_printf(&b,
			  "error: The subcommand '%s' wasn't recognized\n\n",
			  argv[1]);
		finish_error(&b, u, exit_code);
		free(u);
		free((char *)p.usage_name);
		return -1;
	}
	return print_help(c ? c->help_key : "help", true, exit_code);
}

static int unknown_subcommand(const char *arg, int *exit_code)
{
	const char *names[16];
	struct cand c[16];
	const struct cmdspec *cs;
	int n = 0, k, i;
	struct sbuf b;

	for (cs = command_table(); cs->name; cs++)
		names[n++] = cs->name;
	names[n++] = "help";
	k = did_you_mean(arg, names, n, c);
	if (compat_14()) {
		return unrecognized14(arg, c, k, top_usage(), exit_code);
	}
	sb_init(&b);
	if (!k) {
		sb_printf(
		    &b,
		    "error: Found argument '%s' which wasn't expected, or "
		    "isn't valid in this context\n\n",
		    arg);
		return finish_error(&b, "mdevctl <SUBCOMMAND>", exit_code);
	}
	sb_printf(
	    &b,
	    "error: The subcommand '%s' wasn't recognized\n\n\tDid you mean ",
	    arg);
	for (i = 0; i < k; i++)
		sb_printf(&b, "%s'%s'", i ? " or " : "", c[i].name);
	sb_printf(&b,
		  "?\n\nIf you believe you received this message in error, try "
		  "re-running with 'mdevctl -- %s'\n\n",
		  arg);
	return finish_error(&b, "mdevctl <SUBCOMMAND>", exit_code);
}

int cli_parse(int argc, char **argv, bool as_lsmdev, struct ctl_args *a,
	      int *exit_code)
{
	struct parse p = {0};
	const struct cmdspec *cs;
	const char *arg;
	int i;

	memset(a, 0, sizeof(*a));
	p.out = a;
	if (as_lsmdev) {
		p.cs = compat_14() ? &lsmdev14_cmd : &lsmdev_cmd;
		p.usage_name = "lsmdev";
		a->cmd = CMD_LIST;
		return parse_sub(&p, argc - 1, argv + 1, exit_code);
	}
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (!strcmp(arg, "--")) {
			struct sbuf b;

			if (i + 1 >= argc)
				break;
			sb_init(&b);
			if (compat_14()) {
				sb_printf(&b,
					  "error: unexpected argument '%s' "
					  "found\n\n",
					  argv[i + 1]);
				if (find_cmd(argv[i + 1]) ||
				    !strcmp(argv[i + 1], "help"))
					sb_printf(&b,
						  "  tip: subcommand '%s' "
						  "exists; to use it, remove "
						  "the '--' before it\n\n",
						  argv[i + 1]);
				return finish_error(&b, top_usage(), exit_code);
			}
			sb_printf(&b,
				  "error: Found argument '%s' which wasn't "
				  "expected, or isn't valid in this "
				  "context\n\n",
				  argv[i + 1]);
			if (find_cmd(argv[i + 1]) ||
			    !strcmp(argv[i + 1], "help"))
				sb_printf(&b,
					  "\tIf you tried to supply `%s` as a "
					  "subcommand, remove the '--' before "
					  "it.\n\n",
					  argv[i + 1]);
			return finish_error(&b, "mdevctl <SUBCOMMAND>",
					    exit_code);
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return print_help("main", true, exit_code);
		if (!strcmp(arg, "--version") || !strcmp(arg, "-V"))
			return print_version("mdevctl", exit_code);
		if (arg[0] == '-' && arg[1]) {
			char *h;
			int r;

			if (compat_14()) {
				size_t n = arg[1] == '-' ? strlen(arg) : 2;

				h = xasprintf("error: unexpected argument "
					      "'%.*s' found\n\n",
					      (int)n, arg);
			} else if (arg[1] == '-' || arg[1] == 'h' ||
				   arg[1] == 'V') {
				/* clustered -hX / -VX still print */
				if (arg[1] == 'h')
					return print_help("main", true,
							  exit_code);
				if (arg[1] == 'V')
					return print_version("mdevctl",
							     exit_code);
				h = xasprintf(
				    "error: Found argument '%s' which "
				    "wasn't expected, or isn't valid "
				    "in this context\n\n\tIf you "
				    "tried to supply `%s` as a value "
				    "rather than a flag, use `-- "
				    "%s`\n\n",
				    arg, arg, arg);
			} else {
				h = xasprintf(
				    "error: Found argument '-%.1s' "
				    "which wasn't expected, or isn't "
				    "valid in this context\n\n\tIf you "
				    "tried to supply `-%.1s` as a value "
				    "rather than a flag, use `-- "
				    "-%.1s`\n\n",
				    arg + 1, arg + 1, arg + 1);
			}
			r = top_error(h, exit_code);
			free(h);
			return r;
		}
		if (!strcmp(arg, "help"))
			return parse_help(argc - i - 1, argv + i + 1,
					  exit_code);
		cs = find_cmd(arg);
		if (!cs)
			return unknown_subcommand(arg, exit_code);
		p.cs = cs;
		p.usage_name = NULL;
		a->cmd = cs->cmd;
		{
			char *un = xasprintf("mdevctl %s", cs->name);
			int r;

			p.usage_name = un;
			r = parse_sub(&p, argc - i - 1, argv + i + 1,
				      exit_code);
			free(un);
			return r;
		}
	}
	/* no subcommand: clap prints the help to stderr and fails */
	fflush(stdout);
	fputs(help_for("main")->short_help, stderr);
	*exit_code = 2;
	return -1;
}
