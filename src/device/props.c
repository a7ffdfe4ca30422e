/* Device properties: the "k=v,k=v" of -device (and of the board's own
 * devices), checked against the class's declarations when the device is
 * created, so a bad value is one line on the command line and never a
 * surprise inside a model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/device.h"
#include "device/internal.h"

/* Properties every class takes, besides its own. */
static const struct glass_prop common_props[] = {
	{ "id", GLASS_PROP_STRING, NULL, "a name for the instance" },
	{ NULL, 0, NULL, NULL },
};
static const struct glass_prop pci_props[] = {
	{ "addr", GLASS_PROP_UINT, NULL,
	  "PCI slot (1..31; 0x hex as in QEMU's addr=); default: the next free" },
	{ NULL, 0, NULL, NULL },
};

static const char *const type_names[] = {
	[GLASS_PROP_UINT] = "uint", [GLASS_PROP_BOOL] = "bool",
	[GLASS_PROP_STRING] = "string",
};

int prop_parse_uint(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (*end || errno)
		return -1;
	*v = x;
	return 0;
}

int prop_parse_bool(const char *s, bool *v)
{
	static const char *const yes[] = { "on", "true", "yes", "1" };
	static const char *const no[] = { "off", "false", "no", "0" };

	for (size_t i = 0; s && i < 4; i++) {
		if (!strcmp(s, yes[i])) {
			*v = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*v = false;
			return 0;
		}
	}
	return -1;
}

static bool value_ok(enum glass_prop_type t, const char *s)
{
	uint64_t u;
	bool b;

	switch (t) {
	case GLASS_PROP_UINT: return prop_parse_uint(s, &u) == 0;
	case GLASS_PROP_BOOL: return prop_parse_bool(s, &b) == 0;
	case GLASS_PROP_STRING: return true;
	}
	return false;
}

static const struct glass_prop *find_decl(const struct glass_prop *list,
					  const char *name, size_t len)
{
	for (; list && list->name; list++)
		if (strlen(list->name) == len && !strncmp(list->name, name, len))
			return list;
	return NULL;
}

/* The declaration of `name` for this class (its own, then the common
 * ones), or NULL. */
static const struct glass_prop *decl_for(const struct glass_device_class *cls,
					 const char *name, size_t len)
{
	const struct glass_prop *p = find_decl(cls->props, name, len);

	if (!p)
		p = find_decl(common_props, name, len);
	if (!p && cls->bus == GLASS_BUS_PCI)
		p = find_decl(pci_props, name, len);
	return p;
}

static int add_value(struct glass_device *d, const struct glass_prop *decl,
		     const char *text, size_t len)
{
	if (d->nprops == DEVICE_MAX_PROPS) {
		glass_error(d, "too many properties");
		return -1;
	}
	struct prop_value *v = &d->props[d->nprops];
	v->decl = decl;
	v->name = decl->name;
	v->text = NULL;
	if (text) {
		v->text = strndup(text, len);
		if (!v->text)
			return -1;
	}
	d->nprops++;
	return 0;
}

static struct prop_value *value_of(struct glass_device *d, const char *name)
{
	for (unsigned i = 0; i < d->nprops; i++)
		if (!strcmp(d->props[i].name, name))
			return &d->props[i];
	return NULL;
}

static int parse_one(struct glass_device *d, const char *item, size_t n)
{
	const char *eq = memchr(item, '=', n);
	size_t klen = eq ? (size_t)(eq - item) : n;
	const struct glass_prop *decl = decl_for(d->cls, item, klen);

	if (!decl) {
		glass_error(d, "unknown property '%.*s' (see -device %s,help)",
			    (int)klen, item, d->cls->name);
		return -1;
	}
	if (!eq) {
		glass_error(d, "property '%s' needs a value", decl->name);
		return -1;
	}
	size_t vlen = n - klen - 1;
	char val[256];
	if (vlen >= sizeof(val) || !value_ok(decl->type, (memcpy(val, eq + 1, vlen),
							  val[vlen] = 0, val))) {
		glass_error(d, "bad value '%.*s' for %s (a %s)", (int)vlen,
			    eq + 1, decl->name, type_names[decl->type]);
		return -1;
	}
	struct prop_value *old = value_of(d, decl->name);
	if (old) {
		free(old->text);
		old->text = strdup(val);
		return old->text ? 0 : -1;
	}
	return add_value(d, decl, val, vlen);
}

int props_parse(struct glass_device *d, const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n && parse_one(d, p, n) < 0)
			return -1;
		p = end ? end + 1 : NULL;
	}
	/* defaults for the class's own properties not given */
	for (const struct glass_prop *p = d->cls->props; p && p->name; p++) {
		if (value_of(d, p->name))
			continue;
		if (p->default_value && !value_ok(p->type, p->default_value)) {
			glass_error(d, "class default '%s' for %s is not a %s",
				    p->default_value, p->name,
				    type_names[p->type]);
			return -1;
		}
		if (add_value(d, p, p->default_value,
			      p->default_value ? strlen(p->default_value) : 0) < 0)
			return -1;
	}
	return 0;
}

void props_free(struct glass_device *d)
{
	for (unsigned i = 0; i < d->nprops; i++)
		free(d->props[i].text);
	d->nprops = 0;
}

const char *prop_text(const struct glass_device *d, const char *name)
{
	for (unsigned i = 0; i < d->nprops; i++)
		if (!strcmp(d->props[i].name, name))
			return d->props[i].text;
	return NULL;
}

/* The value of a declared property of type t, or NULL with an ABI error
 * when the class does not declare it so. */
static struct prop_value *typed(struct glass_device *d, const char *name,
				enum glass_prop_type t)
{
	struct prop_value *v = name ? value_of(d, name) : NULL;

	if (!v) {
		const struct glass_prop *decl =
			name ? decl_for(d->cls, name, strlen(name)) : NULL;
		if (decl && decl->type == t)
			return NULL; /* declared, no value: the caller's default */
		device_abi_error(d, "property '%s' is not declared as a %s",
				 name ? name : "(null)", type_names[t]);
		return NULL;
	}
	if (v->decl->type != t) {
		device_abi_error(d, "property '%s' is a %s, not a %s", name,
				 type_names[v->decl->type], type_names[t]);
		return NULL;
	}
	return v;
}

int glass_prop_uint(struct glass_device *d, const char *name, uint64_t *out)
{
	struct prop_value *v = typed(d, name, GLASS_PROP_UINT);

	if (!v || !v->text)
		return -1;
	return prop_parse_uint(v->text, out);
}

int glass_prop_bool(struct glass_device *d, const char *name, bool *out)
{
	struct prop_value *v = typed(d, name, GLASS_PROP_BOOL);

	if (!v || !v->text)
		return -1;
	return prop_parse_bool(v->text, out);
}

int glass_prop_string(struct glass_device *d, const char *name,
		      const char **out)
{
	struct prop_value *v = typed(d, name, GLASS_PROP_STRING);

	if (!v) {
		*out = NULL;
		const struct glass_prop *decl =
			name ? decl_for(d->cls, name, strlen(name)) : NULL;
		return decl && decl->type == GLASS_PROP_STRING ? 0 : -1;
	}
	*out = v->text;
	return 0;
}

static void print_list(const struct glass_prop *p, FILE *out)
{
	for (; p && p->name; p++) {
		char head[64];
		snprintf(head, sizeof(head), "%s=<%s>", p->name,
			 type_names[p->type]);
		fprintf(out, "  %-24s - %s", head, p->help ? p->help : "");
		if (p->default_value)
			fprintf(out, " (default: %s)", p->default_value);
		fputc('\n', out);
	}
}

void device_print_props(const struct glass_device_class *cls, FILE *out)
{
	fprintf(out, "%s (%s): %s\n", cls->name,
		cls->bus == GLASS_BUS_PCI ? "PCI" : "platform",
		cls->desc ? cls->desc : "");
	print_list(cls->props, out);
	print_list(common_props, out);
	if (cls->bus == GLASS_BUS_PCI)
		print_list(pci_props, out);
}
