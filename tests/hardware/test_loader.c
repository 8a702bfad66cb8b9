// SPDX-License-Identifier: MIT
/*
 * The hardware-file loader: the json driver on the example, files
 * on disk, and a table of bad files, each with the one-line message (JSON
 * path first) that a user gets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "driver.h"
#include "hw_test.h"

/* The example of issue 3, extended with the optional keys. */
static const char json_example[] =
    "{\"parents\": [{\"name\": \"0000:00:02.0\", \"driver\": \"i915\"},\n"
    " {\"name\": \"0000:65:00.0\", \"driver\": \"json\",\n"
    "  \"driver_name\": \"nvidia\", \"policy\": \"homogeneous\",\n"
    "  \"pools\": {\"fb\": 16384},\n"
    "  \"types\": [{\"id\": \"nvidia-63\", \"name\": \"GRID T4-1Q\",\n"
    "    \"class\": \"gpu\", \"device_api\": \"vfio-pci\",\n"
    "    \"description\": \"num_heads=4, frl_config=60\",\n"
    "    \"cost\": {\"fb\": 1024}, \"max_instances\": 16,\n"
    "    \"attrs\": {\"fb_length\": \"1024M\", \"resolution\": "
    "\"5120x2880\", \"heads\": \"4\"},\n"
    "    \"device_attrs\": {\"nvidia/vgpu_params\": {\"mode\": \"rw\", "
    "\"default\": \"\"},\n"
    "      \"status\": {\"mode\": \"ro\", \"default\": \"idle\"},\n"
    "      \"reset\": {\"mode\": \"wo\"}},\n"
    "    \"requires_group\": \"1\", \"params\": \"display,mem\"},\n"
    "   {\"id\": \"nvidia-64\", \"cost\": {\"fb\": 2048}}]},\n"
    " {\"name\": \"acc0\", \"driver\": \"json\", \"max_devices\": 2,\n"
    "  \"types\": [{\"id\": \"acc-x\", \"device_api\": \"vfio-platform\","
    " \"description\": \"two\\nlines\\n\"}]}]}";

static void test_json_driver(void **state)
{
	struct mdev_core *core = hw_core(json_example);
	struct mdev_parent *p = mdev_parent_find(core, "0000:65:00.0");
	struct mdev_type *q1 = test_type(core, "0000:65:00.0", "nvidia-63");
	struct mdev_type *q2 = test_type(core, "0000:65:00.0", "nvidia-64");
	struct mdev_type *acc = test_type(core, "acc0", "acc-x");
	const struct mdev_type_desc *d = mdev_type_desc(q1);
	struct mdev_device *dev;

	(void)state;
	assert_string_equal(mdev_parent_driver_name(p), "nvidia");
	assert_string_equal(mdev_parent_bus(p), "pci");
	assert_string_equal(mdev_parent_devpath(p), "pci0000:65/0000:65:00.0");
	/* A json parent named after a known PCI driver gets its ids. */
	assert_string_equal(mdev_parent_bus_attr(p, 0)->value, "0x10de");
	assert_int_equal(mdev_parent_policy(p), MDEV_POLICY_HOMOGENEOUS);
	assert_string_equal(mdev_type_name(q1), "GRID T4-1Q");
	/* The description file ends in a newline like the kernel's. */
	assert_string_equal(d->description, "num_heads=4, frl_config=60\n");
	assert_string_equal(d->class_name, "gpu");
	assert_string_equal(d->requires_group, "1");
	assert_string_equal(d->params, "display,mem");
	assert_int_equal(d->max_instances, 16);
	assert_string_equal(mdev_type_name(q2), "64");
	assert_string_equal(mdev_type_desc(q2)->device_api, "vfio-pci");
	assert_null(mdev_type_desc(q2)->description);

	assert_int_equal(mdev_type_available(q1), 16);
	assert_int_equal(mdev_type_available(q2), 8);
	assert_int_equal(hw_create(q2, 1), 0);
	assert_int_equal(mdev_type_available(q1), 0);
	assert_int_equal(mdev_type_available(q2), 7);
	assert_int_equal(mdev_device_remove(hw_device(core, 1)), 0);
	assert_int_equal(hw_create(q1, 2), 0);
	dev = hw_device(core, 2);
	assert_string_equal(hw_show(dev, "status"), "idle\n");
	assert_int_equal(hw_store(dev, "status", "busy"), -EACCES);
	assert_int_equal(hw_store(dev, "reset", "1\n"), 0);
	assert_int_equal(hw_store(dev, "nvidia/vgpu_params", "a=b\n"), 0);
	assert_string_equal(hw_show(dev, "nvidia/vgpu_params"), "a=b\n");

	p = mdev_parent_find(core, "acc0");
	assert_string_equal(mdev_parent_bus(p), "virtual");
	assert_string_equal(mdev_parent_driver_name(p), "json");
	assert_string_equal(mdev_parent_devpath(p), "virtual/json/acc0");
	assert_int_equal(mdev_parent_bus_attr_count(p), 0);
	assert_string_equal(mdev_type_desc(acc)->description, "two\nlines\n");
	assert_string_equal(mdev_type_desc(acc)->device_api, "vfio-platform");
	assert_int_equal(mdev_type_available(acc), 2);
	assert_int_equal(hw_create(acc, 3), 0);
	assert_int_equal(hw_create(acc, 4), 0);
	assert_int_equal(hw_create(acc, 5), -EUSERS);
	mdev_core_free(core);
}

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/mdev-hw-test-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_json_pci_defaults(void **state)
{
	struct mdev_core *core = hw_core(
	    "{\"parents\": ["
	    "{\"driver\": \"json\", \"name\": \"0000:01:00.0\","
	    " \"numa_node\": \"0\", \"iommu_group\": 12,"
	    " \"types\": [{\"id\": \"acme-1\"}]},"
	    "{\"driver\": \"json\", \"name\": \"0000:00:02.1\","
	    " \"driver_name\": \"i915\", \"types\": [{\"id\": \"i915-x\"}]},"
	    "{\"driver\": \"json\", \"name\": \"0000:02:00.0\","
	    " \"bus\": \"platform\", \"devpath\": \"platform/acc\","
	    " \"types\": [{\"id\": \"acc-1\"}]}]}");
	struct mdev_parent *p = mdev_parent_find(core, "0000:01:00.0");

	(void)state;
	assert_string_equal(mdev_parent_bus(p), "pci");
	assert_string_equal(mdev_parent_bus_attr(p, 0)->value, "0x0000");
	assert_string_equal(mdev_parent_bus_attr(p, 2)->value, "0x000000");
	assert_string_equal(mdev_parent_bus_attr(p, 5)->name, "numa_node");
	assert_string_equal(mdev_parent_bus_attr(p, 5)->value, "0");
	assert_int_equal(mdev_parent_iommu_group(p), 12);
	p = mdev_parent_find(core, "0000:00:02.1");
	assert_int_equal(mdev_parent_iommu_group(p), 0);
	assert_string_equal(mdev_parent_bus_attr(p, 0)->value, "0x8086");
	assert_string_equal(mdev_parent_driver_name(p), "i915");
	/* A PCI-looking name on another bus is just a name. */
	p = mdev_parent_find(core, "0000:02:00.0");
	assert_string_equal(mdev_parent_bus(p), "platform");
	assert_string_equal(mdev_parent_devpath(p), "platform/acc");
	assert_int_equal(mdev_parent_bus_attr_count(p), 0);
	mdev_core_free(core);
}

/* Bounds on counts, each with its message. */
static void test_limits(void **state)
{
	struct mdev_hardware *hw;
	char err[512];
	char *text;
	size_t len;
	FILE *f;

	(void)state;
	f = open_memstream(&text, &len);
	assert_non_null(f);
	fputs("{\"parents\": [", f);
	for (int i = 0; i < 4097; i++)
		fprintf(f, "%s{\"driver\": \"mtty\", \"name\": \"m%d\"}",
			i ? "," : "", i);
	fputs("]}", f);
	fclose(f);
	assert_int_equal(
	    mdev_hardware_parse(text, len, "hw.json", &hw, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "hw.json: parents: expected at most 4096 "
				 "parents, got 4097");
	free(text);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	fputs("{\"parents\": [{\"driver\": \"json\", \"name\": \"j\","
	      " \"types\": [",
	      f);
	for (int i = 0; i < 257; i++)
		fprintf(f, "%s{\"id\": \"t-%d\"}", i ? "," : "", i);
	fputs("]}]}", f);
	fclose(f);
	assert_int_equal(
	    mdev_hardware_parse(text, len, "hw.json", &hw, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "hw.json: parents[0].types: expected at most "
				 "256 types, got 257");
	free(text);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	fputs("{\"parents\": [{\"driver\": \"mtty\", \"bus_attrs\": {", f);
	for (int i = 0; i < 33; i++)
		fprintf(f, "%s\"f%d\": \"v\"", i ? "," : "", i);
	fputs("}}]}", f);
	fclose(f);
	assert_int_equal(
	    mdev_hardware_parse(text, len, "hw.json", &hw, err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "hw.json: parents[0].bus_attrs.f32: more than "
				 "32 bus attributes");
	free(text);

	/* No error buffer: still refused, nothing written. */
	assert_int_equal(mdev_hardware_parse("{", 1, "x", &hw, NULL, 0),
			 -EINVAL);
	assert_null(hw);
}

static const char siblings[] =
    "{\"parents\": [{\"driver\": \"mtty\"},"
    " {\"driver\": \"mdpy\", \"devpath\": \"virtual/mtty/mtty2\"}]}";

static void test_files(void **state)
{
	struct mdev_hardware *hw;
	char err[512];
	char want[600];
	char *path;
	char *big;
	size_t big_len = (16u << 20) + 1;

	(void)state;
	path = write_temp("{\"parents\": [{\"driver\": \"mtty\"}]}", 33);
	assert_int_equal(mdev_hardware_load(path, &hw, err, sizeof(err)), 0);
	assert_int_equal(mdev_hardware_parent_count(hw), 1);
	assert_string_equal(mdev_hardware_parent(hw, 0)->name, "mtty");
	mdev_hardware_free(hw);
	unlink(path);

	/* Gone: the errno and the file's name. */
	hw = (void *)1;
	assert_int_equal(mdev_hardware_load(path, &hw, err, sizeof(err)),
			 -ENOENT);
	assert_null(hw);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	free(path);

	/* A directory reads as EISDIR. */
	assert_int_equal(mdev_hardware_load("/", &hw, err, sizeof(err)),
			 -EISDIR);
	assert_string_equal(err, "/: Is a directory");

	/* Over 16 MiB: refused before parsing. */
	big = malloc(big_len);
	assert_non_null(big);
	memset(big, ' ', big_len);
	path = write_temp(big, big_len);
	assert_int_equal(mdev_hardware_load(path, &hw, err, sizeof(err)),
			 -EINVAL);
	snprintf(want, sizeof(want), "%s: larger than 16 MiB", path);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
	free(big);

	/* Devpaths may share a prefix that is not a directory. */
	assert_int_equal(mdev_hardware_parse(siblings, strlen(siblings),
					     "t.json", &hw, err, sizeof(err)),
			 0);
	assert_int_equal(mdev_hardware_parent_count(hw), 2);
	mdev_hardware_free(hw);

	/* A message never overruns the caller's buffer. */
	assert_int_equal(mdev_hardware_parse("[", 1, "t.json", &hw, err, 8),
			 -EINVAL);
	assert_string_equal(err, "t.json:");
}

/* Deep nesting is refused by the parser's depth bound, not the stack. */
static void test_deep_nesting(void **state)
{
	size_t depth = 100000;
	char *text = malloc(2 * depth);
	struct mdev_hardware *hw;
	char err[512];

	(void)state;
	assert_non_null(text);
	memset(text, '[', depth);
	memset(text + depth, ']', depth);
	assert_int_equal(mdev_hardware_parse(text, 2 * depth, "deep.json", &hw,
					     err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "deep.json: line 1, column 2049: "));
	free(text);
}

struct bad_case {
	const char *text;
	const char *message;
};

#define A10 "aaaaaaaaaa"
#define A130 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define P(...) "{\"parents\": [" __VA_ARGS__ "]}"
#define J(...) P("{\"driver\": \"json\", \"name\": \"x\", " __VA_ARGS__ "}")
#define T(...) J("\"types\": [{\"id\": \"x-1\", " __VA_ARGS__ "}]")

#define NO_PLUGINS "/nonexistent/mdevkit-drivers"

static const struct bad_case bad_cases[] = {
    {"", "hw.json: line 1, column 0: '[' or '{' expected near end of file"},
    {"{\"parents\": [}",
     "hw.json: line 1, column 14: unexpected token near '}'"},
    {"{\"parents\": [], \"parents\": []}",
     "hw.json: line 1, column 25: duplicate object key near '\"parents\"'"},
    {"{\"pa\\\n\": 1}",
     "hw.json: line 2, column 0: invalid escape near '\"pa\\?'"},
    {"[]", "hw.json: (top level): expected an object "
	   "{\"parents\": [...]}, got an array"},
    {"{}", "hw.json: parents: required (a list of parents)"},
    {"{\"parents\": {}}", "hw.json: parents: expected an array, got an object"},
    {"{\"parents\": [], \"parent\": 1}",
     "hw.json: (top level).parent: unknown key"},
    {P("1"), "hw.json: parents[0]: expected an object, got 1"},
    {P("{}"), "hw.json: parents[0].driver: required (one of i915, "
	      "nvidia, mtty, mbochs, mdpy, vfio_ap, vfio_ccw, json)"},
    {P("{\"driver\": \"amdgpu\"}"),
     "hw.json: parents[0].driver: expected one of i915, nvidia, mtty, "
     "mbochs, mdpy, vfio_ap, vfio_ccw, json or a plugin in " NO_PLUGINS
     ", got \"amdgpu\""},
    {P("{\"driver\": \"mtty\", \"nmae\": \"a\"}"),
     "hw.json: parents[0].nmae: unknown key"},
    {P("{\"driver\": \"mtty\", \"a b\\n\": 1}"),
     "hw.json: parents[0][\"a b\\x0a\"]: unknown key"},
    {P("{\"driver\": \"i915\", \"ports\": 3}"),
     "hw.json: parents[0].ports: unknown key"},
    {P("{\"driver\": \"mtty\", \"ports\": 0}"),
     "hw.json: parents[0].ports: expected a positive integer up to "
     "1048576, got 0"},
    {P("{\"driver\": \"mtty\", \"ports\": \"24\"}"),
     "hw.json: parents[0].ports: expected a positive integer up to "
     "1048576, got \"24\""},
    {P("{\"driver\": \"mbochs\", \"mbytes\": 2.5}"),
     "hw.json: parents[0].mbytes: expected a positive integer up to "
     "1048576, got 2.5"},
    {P("{\"driver\": \"mtty\", \"name\": \"a/b\"}"),
     "hw.json: parents[0].name: expected a non-empty word without '/' "
     "or blanks, got \"a/b\""},
    {P("{\"driver\": \"mtty\", \"name\": \"..\"}"),
     "hw.json: parents[0].name: expected a non-empty word without '/' "
     "or blanks, got \"..\""},
    {P("{\"driver\": \"mtty\", \"name\": null}"),
     "hw.json: parents[0].name: expected a string, got null"},
    {P("{\"driver\": \"nvidia\", \"name\": \"0000:65:00.0x\"}"),
     "hw.json: parents[0].name: a PCI parent's name is its address, like "
     "\"0000:65:00.0\" (lower-case hex), got \"0000:65:00.0x\""},
    {P("{\"driver\": \"nvidia\", \"name\": \"0000:65:00.A\"}"),
     "hw.json: parents[0].name: a PCI parent's name is its address, like "
     "\"0000:65:00.0\" (lower-case hex), got \"0000:65:00.A\""},
    {P("{\"driver\": \"mtty\"}, {\"driver\": \"mtty\"}"),
     "hw.json: parents[1].name: parent \"mtty\" is already defined by "
     "parents[0]"},
    {P("{\"driver\": \"mtty\"}, {\"driver\": \"mdpy\", "
       "\"devpath\": \"virtual/mtty\"}"),
     "hw.json: parents[1].devpath: devpath \"virtual/mtty\" overlaps "
     "\"virtual/mtty/mtty\" of parents[0]"},
    {P("{\"driver\": \"mtty\"}, {\"driver\": \"mdpy\", "
       "\"devpath\": \"virtual/mtty/mtty/sub\"}"),
     "hw.json: parents[1].devpath: devpath \"virtual/mtty/mtty/sub\" "
     "overlaps \"virtual/mtty/mtty\" of parents[0]"},
    {P("{\"driver\": \"mtty\"}, {\"driver\": \"mdpy\"}, "
       "{\"driver\": \"mbochs\", \"devpath\": \"virtual/mdpy/mdpy\"}"),
     "hw.json: parents[2].devpath: devpath \"virtual/mdpy/mdpy\" "
     "overlaps \"virtual/mdpy/mdpy\" of parents[1]"},
    {P("{\"driver\": \"mtty\", \"devpath\": \"/sys/x\"}"),
     "hw.json: parents[0].devpath: expected a relative path under "
     "sys/devices (words without blanks, no \".\" or \"..\"), got "
     "\"/sys/x\""},
    {P("{\"driver\": \"mtty\", \"devpath\": \"a/../b\"}"),
     "hw.json: parents[0].devpath: expected a relative path under "
     "sys/devices (words without blanks, no \".\" or \"..\"), got "
     "\"a/../b\""},
    {P("{\"driver\": \"mtty\", \"vendor\": \"0x10de\"}"),
     "hw.json: parents[0].vendor: only PCI parents have this file (this "
     "parent's bus is \"virtual\"); use \"bus_attrs\""},
    {P("{\"driver\": \"nvidia\", \"vendor\": \"0x10de0\"}"),
     "hw.json: parents[0].vendor: expected a hex number of at most 4 "
     "digits (\"0x0000\"), got \"0x10de0\""},
    {P("{\"driver\": \"nvidia\", \"class\": 16777216}"),
     "hw.json: parents[0].class: expected a hex number of at most 6 "
     "digits (\"0x000000\"), got 16777216"},
    {P("{\"driver\": \"nvidia\", \"numa_node\": -2}"),
     "hw.json: parents[0].numa_node: expected a NUMA node number or -1, "
     "got -2"},
    {P("{\"driver\": \"nvidia\", \"bus_attrs\": {\"config\": \"x\"}}"),
     "hw.json: parents[0].bus_attrs.config: expected a file name without "
     "'/' or blanks that the server does not provide itself"},
    {P("{\"driver\": \"mtty\", \"bus_attrs\": {\"label\": 1}}"),
     "hw.json: parents[0].bus_attrs.label: expected a one-line string, "
     "got 1"},
    {P("{\"driver\": \"json\"}"),
     "hw.json: parents[0].name: required for driver \"json\""},
    {J("\"policy\": \"mixed\""),
     "hw.json: parents[0].types: required (a list of types)"},
    {J("\"types\": []"),
     "hw.json: parents[0].types: expected a non-empty array, got an "
     "array"},
    {J("\"policy\": \"shared\", \"types\": [{\"id\": \"a\"}]"),
     "hw.json: parents[0].policy: expected \"mixed\" or \"homogeneous\", "
     "got \"shared\""},
    {J("\"pools\": {\"fb\": -1}, \"types\": [{\"id\": \"a\"}]"),
     "hw.json: parents[0].pools.fb: expected a positive integer up to "
     "4294967295, got -1"},
    {J("\"pools\": {\"a\": 1, \"b\": 1, \"c\": 1, \"d\": 1, \"e\": 1, "
       "\"f\": 1, \"g\": 1, \"h\": 1, \"i\": 1}, "
       "\"types\": [{\"id\": \"a\"}]"),
     "hw.json: parents[0].pools: expected at most 8 pools, got 9"},
    {J("\"types\": [{\"name\": \"a\"}]"),
     "hw.json: parents[0].types[0].id: required"},
    {J("\"types\": [{\"id\": \"a\"}, {\"id\": \"a\"}]"),
     "hw.json: parents[0].types[1].id: duplicate type id, got \"a\""},
    {T("\"colour\": \"red\""),
     "hw.json: parents[0].types[0].colour: unknown key"},
    {T("\"cost\": {\"fb\": 1}"),
     "hw.json: parents[0].types[0].cost.fb: no such pool in the "
     "parent's \"pools\""},
    {J("\"pools\": {\"fb\": 16}, \"types\": [{\"id\": \"x-1\", "
       "\"cost\": {\"fb\": \"x\"}}]"),
     "hw.json: parents[0].types[0].cost.fb: expected a positive integer "
     "up to 4294967295, got \"x\""},
    {T("\"class\": \"gpu\", \"attrs\": {\"fb_length\": \"12X\", "
       "\"resolution\": \"1x1\", \"heads\": \"1\"}"),
     "hw.json: parents[0].types[0].attrs.fb_length: expected "
     "<n>{K,M,G}, got \"12X\""},
    {T("\"class\": \"gpu\", \"attrs\": {\"fb_length\": \"1G\", "
       "\"resolution\": \"1920*1080\", \"heads\": \"1\"}"),
     "hw.json: parents[0].types[0].attrs.resolution: expected <H>x<V>, "
     "got \"1920*1080\""},
    {T("\"class\": \"gpu\", \"attrs\": {\"fb_length\": \"1G\", "
       "\"resolution\": \"1x1\", \"heads\": \"0\"}"),
     "hw.json: parents[0].types[0].attrs.heads: expected a positive "
     "integer, got \"0\""},
    {T("\"class\": \"gpu\", \"attrs\": {\"heads\": 4}"),
     "hw.json: parents[0].types[0].attrs.heads: expected a one-line "
     "string, got 4"},
    {T("\"class\": \"tpu\""),
     "hw.json: parents[0].types[0].class: unknown class, got \"tpu\""},
    {T("\"description\": [\"a\"]"),
     "hw.json: parents[0].types[0].description: expected a string, got "
     "an array"},
    {T("\"description\": \"bell\\u0007\""),
     "hw.json: parents[0].types[0].description: expected printable text, "
     "got \"bell\\x07\""},
    {T("\"name\": \"two\\nlines\""),
     "hw.json: parents[0].types[0].name: expected a one-line string, got "
     "\"two\\x0alines\""},
    {T("\"device_api\": \"vfio pci\""),
     "hw.json: parents[0].types[0].device_api: expected a word such as "
     "\"vfio-pci\", got \"vfio pci\""},
    {T("\"max_instances\": true"),
     "hw.json: parents[0].types[0].max_instances: expected a "
     "non-negative integer up to 4294967295, got true"},
    {T("\"device_attrs\": {\"remove\": {\"mode\": \"rw\"}}"),
     "hw.json: parents[0].types[0].device_attrs.remove: expected \"name\" "
     "or \"group/name\" (words without blanks, not a standard device "
     "file)"},
    {T("\"device_attrs\": {\"a/b/c\": {\"mode\": \"rw\"}}"),
     "hw.json: parents[0].types[0].device_attrs[\"a/b/c\"]: expected "
     "\"name\" or \"group/name\" (words without blanks, not a standard "
     "device file)"},
    {T("\"device_attrs\": {\"a\": {}}"),
     "hw.json: parents[0].types[0].device_attrs.a.mode: required (\"ro\", "
     "\"rw\" or \"wo\")"},
    {T("\"device_attrs\": {\"a\": {\"mode\": \"rx\"}}"),
     "hw.json: parents[0].types[0].device_attrs.a.mode: expected \"ro\", "
     "\"rw\" or \"wo\", got \"rx\""},
    {T("\"device_attrs\": {\"a\": {\"mode\": \"ro\", \"deflt\": \"\"}}"),
     "hw.json: parents[0].types[0].device_attrs.a.deflt: unknown key"},
    {T("\"device_attrs\": {\"a\": {\"mode\": \"ro\"}, \"a/b\": "
       "{\"mode\": \"ro\"}}"),
     "hw.json: parents[0]: parent x type x-1: device attribute 'a/b' "
     "collides with 'a'"},
    {T("\"class\": \"gpu\""),
     "hw.json: parents[0].types[0]: parent x type x-1: class gpu requires "
     "attribute 'fb_length'"},
    {T("\"attrs\": {\"name\": \"x\"}"),
     "hw.json: parents[0].types[0].attrs.name: expected an attribute name "
     "without '/' or blanks that is not a standard file of the type "
     "directory"},
    {P("{\"driver\": \"nvidia\", \"iommu_group\": -1}"),
     "hw.json: parents[0].iommu_group: expected a non-negative integer up "
     "to 2147483647, got -1"},
    {P("{\"driver\": \"nvidia\", \"iommu_group\": \"7\"}"),
     "hw.json: parents[0].iommu_group: expected a non-negative integer up "
     "to 2147483647, got \"7\""},
    {P("{\"driver\": \"nvidia\", \"iommu_group\": 2147483648}"),
     "hw.json: parents[0].iommu_group: expected a non-negative integer up "
     "to 2147483647, got 2147483648"},
    {P("{\"driver\": \"mtty\", \"iommu_group\": 3}"),
     "hw.json: parents[0].iommu_group: only PCI parents have an "
     "iommu_group link (this parent's bus is \"virtual\")"},
    {P("{\"driver\": \"nvidia\", \"numa_node\": \"one\"}"),
     "hw.json: parents[0].numa_node: expected a NUMA node number or -1, "
     "got \"one\""},
    {P("{\"driver\": \"nvidia\", \"numa_node\": \" 1\"}"),
     "hw.json: parents[0].numa_node: expected a NUMA node number or -1, "
     "got \" 1\""},
    {P("{\"driver\": \"nvidia\", \"device\": \"0x\"}"),
     "hw.json: parents[0].device: expected a hex number of at most 4 "
     "digits (\"0x0000\"), got \"0x\""},
    {P("{\"driver\": \"nvidia\", \"device\": \"1g\"}"),
     "hw.json: parents[0].device: expected a hex number of at most 4 "
     "digits (\"0x0000\"), got \"1g\""},
    {P("{\"driver\": \"nvidia\", \"device\": [1]}"),
     "hw.json: parents[0].device: expected a hex number of at most 4 "
     "digits (\"0x0000\"), got an array"},
    {P("{\"driver\": \"nvidia\", \"bus_attrs\": [1]}"),
     "hw.json: parents[0].bus_attrs: expected an object, got an array"},
    {P("{\"driver\": \"mtty\", \"devpath\": \"a/\"}"),
     "hw.json: parents[0].devpath: expected a relative path under "
     "sys/devices (words without blanks, no \".\" or \"..\"), got "
     "\"a/\""},
    {P("{\"driver\": \"mtty\", \"name\": \"q\\\"\\\\x\", \"ports\": false}"),
     "hw.json: parents[0].ports: expected a positive integer up to "
     "1048576, got false"},
    {P("{\"driver\": \"mtty\", \"name\": \"q\\\"\\\\x\"}, "
       "{\"driver\": \"mdpy\", \"name\": \"q\\\"\\\\x\"}"),
     "hw.json: parents[1].name: parent \"q\"\\x\" is already defined by "
     "parents[0]"},
    {J("\"pools\": [], \"types\": [{\"id\": \"a\"}]"),
     "hw.json: parents[0].pools: expected an object, got an array"},
    {J("\"types\": [\"a\"]"),
     "hw.json: parents[0].types[0]: expected an object, got \"a\""},
    {T("\"cost\": 1"),
     "hw.json: parents[0].types[0].cost: expected an object, got 1"},
    {T("\"attrs\": []"),
     "hw.json: parents[0].types[0].attrs: expected an object, got an "
     "array"},
    {T("\"device_attrs\": \"rw\""),
     "hw.json: parents[0].types[0].device_attrs: expected an object, got "
     "\"rw\""},
    {T("\"device_attrs\": {\"a\": \"rw\"}"),
     "hw.json: parents[0].types[0].device_attrs.a: expected an object, got "
     "\"rw\""},
    {T("\"device_attrs\": {\"/a\": {\"mode\": \"rw\"}}"),
     "hw.json: parents[0].types[0].device_attrs[\"/a\"]: expected "
     "\"name\" or \"group/name\" (words without blanks, not a standard "
     "device file)"},
    {T("\"device_attrs\": {\"remove/a\": {\"mode\": \"rw\"}}"),
     "hw.json: parents[0].types[0].device_attrs[\"remove/a\"]: expected "
     "\"name\" or \"group/name\" (words without blanks, not a standard "
     "device file)"},
    {T("\"device_attrs\": {\"a\": {\"mode\": \"rw\", \"default\": 0}}"),
     "hw.json: parents[0].types[0].device_attrs.a.default: expected a "
     "string, got 0"},
    {T("\"id\": \"y\""),
     "hw.json: line 1, column 73: duplicate object key near '\"id\"'"},
    {J("\"types\": [{\"id\": \"" A130 "\"}]"),
     "hw.json: parents[0].types[0].id: expected at most 127 bytes, got "
     "130"},
    {T("\"name\": \"" A10 A10 A10 A10 "b\\n\""),
     "hw.json: parents[0].types[0].name: expected a one-line string, got "
     "\"" A10 A10 A10 A10 "...\""},
    {T("\"params\": 5"),
     "hw.json: parents[0].types[0].params: expected a string, got 5"},
    {"{\"parents\": [], \"faults\": {\"a\": 1}}",
     "hw.json: faults: expected an array, got an object"},
    {"{\"parents\": [], \"faults\": [1]}",
     "hw.json: faults[0]: expected an object, got 1"},
    {"{\"parents\": [], \"faults\": [{}]}",
     "hw.json: faults[0].action: required (fail, delay, overreport, unplug, "
     "reset)"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"explode\"}]}",
     "hw.json: faults[0].action: unknown action 'explode' (fail, delay, "
     "overreport, unplug, reset)"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"fail\", \"op\": "
     "\"create\", \"errno\": \"EIOX\"}]}",
     "hw.json: faults[0].errno: expected an errno name (EIO, EBUSY, ...) or "
     "1..4095, got 'EIOX'"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"fail\", \"op\": "
     "\"create\"}]}",
     "hw.json: faults[0]: errno: required (EIO, EBUSY, ...)"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"fail\", \"op\": "
     "\"create\", \"errno\": \"EIO\", \"next\": 1, \"every\": 2}]}",
     "hw.json: faults[0]: next, every, fraction: at most one schedule"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"fail\", \"op\": "
     "\"create\", \"errno\": \"EIO\", \"next\": -1}]}",
     "hw.json: faults[0].next: expected a string or a non-negative integer, "
     "got -1"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"delay\", \"op\": "
     "\"remove\", \"ms\": 60001}]}",
     "hw.json: faults[0].ms: expected milliseconds 1..60000, got '60001'"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"fail\", \"op\": "
     "\"create\", \"errno\": \"EIO\", \"fraction\": 1.5}]}",
     "hw.json: faults[0].fraction: expected a decimal in (0, 1], at most 9 "
     "decimals, got '1.5'"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"unplug\", \"errno\": "
     "\"EIO\"}]}",
     "hw.json: faults[0].errno: unknown key for unplug"},
    {"{\"parents\": [], \"faults\": [{\"action\": \"fail\", \"op\": "
     "\"remove\", \"errno\": \"EIO\", \"when\": \"after\"}]}",
     "hw.json: faults[0]: when: after only with op=create"},
    {"{\"parents\": [{\"driver\": \"mtty\"}], \"devices\": {}}",
     "hw.json: devices: expected an array, got an object"},
    {"{\"parents\": [{\"driver\": \"mtty\"}], \"devices\": [{\"parent\": "
     "\"mtty\", \"type\": \"mtty-1\"}]}",
     "hw.json: devices[0].uuid: required"},
    {"{\"parents\": [{\"driver\": \"mtty\"}], \"devices\": [{\"parent\": "
     "\"mtty\", \"type\": \"mtty-1\", \"uuid\": \"x\"}]}",
     "hw.json: devices[0].uuid: expected a UUID, got \"x\""},
    {"{\"parents\": [{\"driver\": \"mtty\"}], \"devices\": [{\"parent\": "
     "\"nope\", \"type\": \"mtty-1\", \"uuid\": "
     "\"aaaaaaaa-0000-4000-8000-000000000001\"}]}",
     "hw.json: devices[0]: parent: no such parent in the file"},
    {"{\"parents\": [{\"driver\": \"mtty\"}], \"devices\": [{\"parent\": "
     "\"mtty\", \"type\": \"mtty-1\", \"uuid\": "
     "\"aaaaaaaa-0000-4000-8000-000000000001\"}, {\"parent\": \"mtty\", "
     "\"type\": \"mtty-2\", \"uuid\": "
     "\"aaaaaaaa-0000-4000-8000-000000000001\"}]}",
     "hw.json: devices[1]: uuid: cannot be created: File exists"},
    {"{\"parents\": [{\"driver\": \"mtty\"}], \"devices\": [{\"parent\": "
     "\"mtty\", \"type\": \"mtty-1\", \"uuid\": "
     "\"aaaaaaaa-0000-4000-8000-000000000001\", \"attrs\": "
     "{\"vendor/sample_mdev_dev\": \"x\"}}]}",
     "hw.json: devices[0]: attrs.vendor/sample_mdev_dev: refused: Permission "
     "denied"},
    {"{\"parents\": [{\"driver\": \"mtty\"}], \"devices\": [{\"parent\": "
     "\"mtty\", \"type\": \"mtty-1\", \"uuid\": "
     "\"aaaaaaaa-0000-4000-8000-000000000001\", \"colour\": 1}]}",
     "hw.json: devices[0].colour: unknown key"},
};

static void test_bad_files(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct mdev_hardware *hw = (void *)1;
		char err[512] = "";
		int ret;

		ret = mdev_hardware_parse(c->text, strlen(c->text), "hw.json",
					  &hw, err, sizeof(err));
		if (ret != -EINVAL || strcmp(err, c->message) || hw ||
		    strchr(err, '\n')) {
			print_error("case %zu: %s\n  got %d: %s\n  want: %s\n",
				    i, c->text, ret, err, c->message);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_driver),
	    cmocka_unit_test(test_json_pci_defaults),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_files),
	    cmocka_unit_test(test_deep_nesting),
	    cmocka_unit_test(test_bad_files),
	};

	/* The messages name the plugin directory: one that has none. */
	mdev_hw_plugin_dir_set(NO_PLUGINS);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
