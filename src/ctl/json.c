/* SPDX-License-Identifier: MIT */
/*
 * JSON in and out. Output is jansson's JSON_INDENT(2) printer, which
 * matches serde_json's pretty printer byte for byte for the documents
 * mdevctl writes. Input goes through a small recursive-descent reader that
 * accepts exactly what serde_json accepts and reports the same error texts
 * ("EOF while parsing a value at line 1 column 22"), building jansson
 * values.
 */
#include "ctl.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 128

struct reader {
	const char *s;
	size_t len, i;
	int depth;
	const char *code; /* error text, NULL = ok */
	size_t err_at;	  /* byte index the position is computed at */
};

static int fail(struct reader *r, const char *code, size_t at)
{
	if (!r->code) {
		r->code = code;
		r->err_at = at > r->len ? r->len : at;
	}
	return -1;
}

/* serde's error(): position after the consumed bytes */
static int err_here(struct reader *r, const char *code)
{
	return fail(r, code, r->i);
}

/* serde's peek_error(): position including the peeked byte */
static int err_peek(struct reader *r, const char *code)
{
	return fail(r, code, r->i + 1);
}

static int skip_ws(struct reader *r)
{
	while (r->i < r->len) {
		char c = r->s[r->i];

		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			return (unsigned char)c;
		r->i++;
	}
	return -1;
}

static json_t *parse_value(struct reader *r);

static int hex4(struct reader *r, unsigned *out)
{
	unsigned v = 0;
	int k;

	if (r->len - r->i < 4) {
		r->i = r->len;
		return err_here(r, "EOF while parsing a string");
	}
	for (k = 0; k < 4; k++) {
		char c = r->s[r->i++];
		int h;

		if (c >= '0' && c <= '9')
			h = c - '0';
		else if (c >= 'a' && c <= 'f')
			h = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			h = c - 'A' + 10;
		else
			return err_here(r, "invalid escape");
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

static void put_utf8(struct sbuf *b, unsigned cp)
{
	char o[4];

	if (cp < 0x80) {
		sb_addc(b, (char)cp);
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		sb_addn(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		sb_addn(b, o, 3);
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		sb_addn(b, o, 4);
	}
}

static int parse_escape(struct reader *r, struct sbuf *b)
{
	unsigned cp, lo;
	char c;

	if (r->i >= r->len)
		return err_here(r, "EOF while parsing a string");
	c = r->s[r->i++];
	switch (c) {
	case '"':
	case '\\':
	case '/':
		sb_addc(b, c);
		return 0;
	case 'b':
		sb_addc(b, '\b');
		return 0;
	case 'f':
		sb_addc(b, '\f');
		return 0;
	case 'n':
		sb_addc(b, '\n');
		return 0;
	case 'r':
		sb_addc(b, '\r');
		return 0;
	case 't':
		sb_addc(b, '\t');
		return 0;
	case 'u':
		break;
	default:
		return err_here(r, "invalid escape");
	}
	if (hex4(r, &cp) < 0)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return err_here(r, "lone leading surrogate in hex escape");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (r->i >= r->len || r->s[r->i] != '\\') {
			if (r->i < r->len)
				r->i++;
			return err_here(r, "unexpected end of hex escape");
		}
		r->i++;
		if (r->i >= r->len || r->s[r->i] != 'u') {
			if (r->i < r->len)
				r->i++;
			return err_here(r, "unexpected end of hex escape");
		}
		r->i++;
		if (hex4(r, &lo) < 0)
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return err_here(r,
					"lone leading surrogate in hex escape");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(b, cp);
	return 0;
}

/* At the opening quote. */
static int parse_string(struct reader *r, struct sbuf *b)
{
	r->i++;
	for (;;) {
		unsigned char c;

		if (r->i >= r->len)
			return err_here(r, "EOF while parsing a string");
		c = (unsigned char)r->s[r->i];
		if (c == '"') {
			r->i++;
			return 0;
		}
		if (c == '\\') {
			r->i++;
			if (parse_escape(r, b) < 0)
				return -1;
			continue;
		}
		if (c < 0x20) {
			r->i++;
			return err_here(r,
					"control character (\\u0000-\\u001F) "
					"found while parsing a string");
		}
		sb_addc(b, (char)c);
		r->i++;
	}
}

static json_t *parse_ident(struct reader *r, const char *rest, json_t *v)
{
	for (; *rest; rest++) {
		if (r->i >= r->len) {
			err_here(r, "EOF while parsing a value");
			return NULL;
		}
		if (r->s[r->i++] != *rest) {
			err_here(r, "expected ident");
			return NULL;
		}
	}
	return v;
}

static bool is_digit(struct reader *r)
{
	return r->i < r->len && r->s[r->i] >= '0' && r->s[r->i] <= '9';
}

/* A fraction or exponent needs at least one digit; serde_json reports the
 * byte after the missing digit, or EOF. */
static int skip_digit_run(struct reader *r)
{
	if (!is_digit(r)) {
		if (r->i < r->len) {
			r->i++;
			return err_here(r, "invalid number");
		}
		return err_here(r, "EOF while parsing a value");
	}
	while (is_digit(r))
		r->i++;
	return 0;
}

static json_t *parse_number(struct reader *r)
{
	size_t start = r->i;
	bool neg = false, real = false;
	char *txt;
	json_t *v;

	if (r->s[r->i] == '-') {
		neg = true;
		r->i++;
		if (r->i >= r->len) {
			err_here(r, "EOF while parsing a value");
			return NULL;
		}
	}
	if (!is_digit(r)) {
		r->i++;
		err_here(r, "invalid number");
		return NULL;
	}
	if (r->s[r->i] == '0') {
		r->i++;
		if (is_digit(r)) {
			err_peek(r, "invalid number");
			return NULL;
		}
	} else {
		while (is_digit(r))
			r->i++;
	}
	if (r->i < r->len && r->s[r->i] == '.') {
		real = true;
		r->i++;
		if (skip_digit_run(r) < 0)
			return NULL;
	}
	if (r->i < r->len && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		real = true;
		r->i++;
		if (r->i < r->len && (r->s[r->i] == '+' || r->s[r->i] == '-'))
			r->i++;
		if (skip_digit_run(r) < 0)
			return NULL;
	}
	(void)neg;
	txt = xasprintf("%.*s", (int)(r->i - start), r->s + start);
	if (real)
		v = json_real(strtod(txt, NULL));
	else
		v = json_integer(strtoll(txt, NULL, 10));
	free(txt);
	return v;
}

static json_t *parse_array(struct reader *r)
{
	json_t *arr = json_array();
	bool first = true;
	int c;

	r->i++;
	for (;;) {
		json_t *v;

		c = skip_ws(r);
		if (c == ']') {
			r->i++;
			return arr;
		}
		if (c == ',' && !first) {
			r->i++;
			c = skip_ws(r);
		} else if (c < 0) {
			err_peek(r, "EOF while parsing a list");
			goto bad;
		} else if (!first) {
			err_peek(r, "expected `,` or `]`");
			goto bad;
		}
		first = false;
		if (c == ']') {
			err_peek(r, "trailing comma");
			goto bad;
		}
		if (c < 0) {
			err_peek(r, "EOF while parsing a value");
			goto bad;
		}
		v = parse_value(r);
		if (!v)
			goto bad;
		json_array_append_new(arr, v);
	}
bad:
	json_decref(arr);
	return NULL;
}

static json_t *parse_object(struct reader *r)
{
	json_t *obj = json_object();
	bool first = true;
	struct sbuf key;
	int c;

	sb_init(&key);
	r->i++;
	for (;;) {
		json_t *v;

		c = skip_ws(r);
		if (c < 0) {
			err_peek(r, "EOF while parsing an object");
			goto bad;
		}
		if (c == '}') {
			r->i++;
			sb_free(&key);
			return obj;
		}
		if (first) {
			if (c != '"') {
				err_peek(r, "key must be a string");
				goto bad;
			}
		} else if (c == ',') {
			r->i++;
			c = skip_ws(r);
			if (c == '}') {
				err_peek(r, "trailing comma");
				goto bad;
			}
			if (c < 0) {
				err_peek(r, "EOF while parsing a value");
				goto bad;
			}
			if (c != '"') {
				err_peek(r, "key must be a string");
				goto bad;
			}
		} else {
			err_peek(r, "expected `,` or `}`");
			goto bad;
		}
		first = false;
		key.len = 0;
		sb_addn(&key, "", 0);
		if (parse_string(r, &key) < 0)
			goto bad;
		c = skip_ws(r);
		if (c < 0) {
			err_peek(r, "EOF while parsing an object");
			goto bad;
		}
		if (c != ':') {
			err_peek(r, "expected `:`");
			goto bad;
		}
		r->i++;
		v = parse_value(r);
		if (!v)
			goto bad;
		json_object_setn_new(obj, key.s, key.len, v);
	}
bad:
	sb_free(&key);
	json_decref(obj);
	return NULL;
}

static json_t *parse_value(struct reader *r)
{
	int c = skip_ws(r);
	json_t *v;

	if (c < 0) {
		err_peek(r, "EOF while parsing a value");
		return NULL;
	}
	switch (c) {
	case 'n':
		r->i++;
		return parse_ident(r, "ull", json_null());
	case 't':
		r->i++;
		return parse_ident(r, "rue", json_true());
	case 'f':
		r->i++;
		return parse_ident(r, "alse", json_false());
	case '"': {
		struct sbuf b;

		sb_init(&b);
		sb_addn(&b, "", 0);
		if (parse_string(r, &b) < 0) {
			sb_free(&b);
			return NULL;
		}
		v = json_stringn_nocheck(b.s, b.len);
		sb_free(&b);
		return v;
	}
	case '[':
	case '{':
		if (++r->depth > MAX_DEPTH) {
			err_peek(r, "recursion limit exceeded");
			return NULL;
		}
		v = c == '[' ? parse_array(r) : parse_object(r);
		r->depth--;
		return v;
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return parse_number(r);
		err_peek(r, "expected value");
		return NULL;
	}
}

struct json_t *json_parse_serde(const char *text, size_t len, struct ctl_err *e)
{
	struct reader r = {text, len, 0, 0, NULL, 0};
	json_t *v = parse_value(&r);
	size_t line = 1, col = 0, k;

	if (v && skip_ws(&r) >= 0) {
		err_peek(&r, "trailing characters");
		json_decref(v);
		v = NULL;
	}
	if (v)
		return v;
	for (k = 0; k < r.err_at; k++) {
		if (text[k] == '\n') {
			line++;
			col = 0;
		} else {
			col++;
		}
	}
	err_set(e, "%s at line %zu column %zu", r.code, line, col);
	return NULL;
}

/* serde_json's string escaping: quote, backslash and control characters
 * (\b \f \n \r \t, else \u00xx in lower-case hex); all else verbatim. */
void json_serde_string(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	sb_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[6];

		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			if (c >= 0x20)
				continue;
		}
		sb_addn(b, s + run, i - run);
		run = i + 1;
		if (esc) {
			sb_add(b, esc);
		} else {
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			sb_addn(b, u, 6);
		}
	}
	sb_addn(b, s + run, n - run);
	sb_addc(b, '"');
}

static void indent(struct sbuf *b, int level)
{
	int i;

	for (i = 0; i < level; i++)
		sb_add(b, "  ");
}

/* serde_json's to_string_pretty (pretty) or to_string layout. */
void json_serde_write(struct sbuf *b, struct json_t *j, int level, bool pretty)
{
	const char *k;
	size_t i, n;
	json_t *v;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		if (!json_object_size(j)) {
			sb_add(b, "{}");
			return;
		}
		sb_addc(b, '{');
		n = 0;
		json_object_foreach(j, k, v)
		{
			if (n++)
				sb_addc(b, ',');
			if (pretty) {
				sb_addc(b, '\n');
				indent(b, level + 1);
			}
			json_serde_string(b, k, strlen(k));
			sb_add(b, pretty ? ": " : ":");
			json_serde_write(b, v, level + 1, pretty);
		}
		if (pretty) {
			sb_addc(b, '\n');
			indent(b, level);
		}
		sb_addc(b, '}');
		return;
	case JSON_ARRAY:
		if (!json_array_size(j)) {
			sb_add(b, "[]");
			return;
		}
		sb_addc(b, '[');
		json_array_foreach(j, i, v)
		{
			if (i)
				sb_addc(b, ',');
			if (pretty) {
				sb_addc(b, '\n');
				indent(b, level + 1);
			}
			json_serde_write(b, v, level + 1, pretty);
		}
		if (pretty) {
			sb_addc(b, '\n');
			indent(b, level);
		}
		sb_addc(b, ']');
		return;
	case JSON_STRING:
		json_serde_string(b, json_string_value(j),
				  json_string_length(j));
		return;
	case JSON_INTEGER:
		sb_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return;
	case JSON_REAL: {
		char *t = json_dumps(j, JSON_ENCODE_ANY);

		sb_add(b, t ? t : "null");
		free(t);
		return;
	}
	case JSON_TRUE:
		sb_add(b, "true");
		return;
	case JSON_FALSE:
		sb_add(b, "false");
		return;
	default:
		sb_add(b, "null");
	}
}

char *json_pretty(struct json_t *j)
{
	struct sbuf b;

	sb_init(&b);
	json_serde_write(&b, j, 0, true);
	return sb_steal(&b);
}

char *json_compact(struct json_t *j)
{
	struct sbuf b;

	sb_init(&b);
	json_serde_write(&b, j, 0, false);
	return sb_steal(&b);
}

void json_decref_any(struct json_t *j)
{
	json_decref(j);
}
