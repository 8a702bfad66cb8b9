#!/usr/bin/env python3
# Writes the seed corpora under fuzz/corpus/<target>/ (committed; re-run
# after changing the seeds). Each seed is a small valid or near-valid input
# that reaches one branch of the code under test.
import os, struct, json

HERE = os.path.dirname(os.path.abspath(__file__))
U = "3b4f8c2e-1a2b-4c3d-9e8f-0a1b2c3d4e5f"


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# uuid: the kernel's create rule.
for name, v in {"lower": U, "lower-nl": U + "\n", "upper": U.upper(),
                "upper-x": U.upper() + "x", "braces": "{" + U + "}",
                "compact": U.replace("-", ""), "crlf": U + "\r\n",
                "dashes": "-" * 36, "dotdot": "../" + U[3:],
                "nul": U[:10] + "\0" + U[11:], "short": U[:35],
                "empty": ""}.items():
    put("fuzz-uuid", name, v)

# remove: kstrtoul base 0.
for name, v in {"one": "1", "one-nl": "1\n", "zero": "0", "hex": "0x1",
                "octal": "017", "plus": "+1", "minus": "-1", "space": " 1",
                "max": "18446744073709551615", "over": "18446744073709551616",
                "junk": "1x", "nl-nl": "1\n\n", "empty": "", "nl": "\n",
                "bad-hex": "0x", "bad-octal": "08"}.items():
    put("fuzz-remove", name, v)

# class: selector byte then value / NUL-separated type fields.
for i, v in enumerate(["512M", "1024M", "2G", "4K", "0K", "12X", "M",
                       "99999999999999999999G", " 1M", "1M\n"]):
    put("fuzz-class", "fb-%d" % i, b"\0" + v.encode())
for i, v in enumerate(["1920x1200", "5120x2880", "0x480", "x", "640x",
                       "1x1", "4294967296x1", "1920X1200", "+1x1"]):
    put("fuzz-class", "res-%d" % i, b"\1" + v.encode())
for i, v in enumerate(["1", "4", "0", "-1", "4294967296", "07", "1 "]):
    put("fuzz-class", "heads-%d" % i, b"\2" + v.encode())
for i, fields in enumerate([
        ["gpu", "fb_length", "1024M", "resolution", "5120x2880", "heads", "4"],
        ["gpu", "fb_length", "1024M", "resolution", "5120x2880"],
        ["gpu", "fb_length", "12X", "resolution", "1x1", "heads", "1"],
        ["gpu", "fb_length", "1M", "resolution", "1x1", "heads", "1",
         "extra", "v"],
        ["nic"], ["fpga", "k", "v"], ["serial"], ["crypto"], ["io"],
        ["nosuchclass"], [""]]):
    put("fuzz-class", "class-%d" % i, b"\3" + b"\0".join(
        f.encode() for f in fields))

# hardware: one file per driver, the json example, and faults.
drivers = ["i915", "nvidia", "mtty", "mbochs", "mdpy", "vfio_ap"]
for d in drivers:
    put("fuzz-hardware", "driver-" + d,
        json.dumps({"parents": [{"name": "p-" + d, "driver": d}]}))
put("fuzz-hardware", "all-drivers", json.dumps({"parents": [
    {"name": "0000:00:0%d.0" % i, "driver": d}
    for i, d in enumerate(drivers)]}, indent=2))
jsonp = {"name": "0000:65:00.0", "driver": "json", "policy": "homogeneous",
         "pools": {"fb": 16384},
         "types": [{"id": "nvidia-63", "name": "GRID T4-1Q", "class": "gpu",
                    "device_api": "vfio-pci", "description": "T4 1Q",
                    "cost": {"fb": 1024}, "max_instances": 16,
                    "attrs": {"fb_length": "1024M",
                              "resolution": "5120x2880", "heads": "4"},
                    "device_attrs": {"nvidia/vgpu_params":
                                     {"mode": "rw", "default": ""}}}]}
put("fuzz-hardware", "json-issue-example", json.dumps({"parents": [jsonp]}))
mixed = {"name": "acc0", "driver": "json", "policy": "mixed",
         "pools": {"a": 8, "b": 3},
         "types": [{"id": "acc-s", "device_api": "vfio-pci",
                    "cost": {"a": 1}, "class": "fpga"},
                   {"id": "acc-l", "device_api": "vfio-pci",
                    "cost": {"a": 4, "b": 1}, "requires_group": "1",
                    "params": "k=v"}]}
put("fuzz-hardware", "json-mixed", json.dumps({"parents": [mixed]}))
bad = dict(jsonp)
bad["types"] = [dict(jsonp["types"][0], attrs={"fb_length": "12X",
                                                "resolution": "1x1",
                                                "heads": "1"})]
put("fuzz-hardware", "bad-fb-length", json.dumps({"parents": [bad]}))
put("fuzz-hardware", "dup-parent", json.dumps(
    {"parents": [{"name": "mtty", "driver": "mtty"},
                 {"name": "mtty", "driver": "mtty"}]}))
put("fuzz-hardware", "slash-name", json.dumps(
    {"parents": [{"name": "../x", "driver": "mtty"}]}))
put("fuzz-hardware", "non-string", '{"parents":[{"name":1,"driver":true}]}')
put("fuzz-hardware", "nested", "[" * 200 + "]" * 200)
put("fuzz-hardware", "empty", "")
put("fuzz-hardware", "truncated", '{"parents":[{"name":"mtty","dri')

# attr-store: records [device][attr][len lo][len hi][value].
def rec(dev, attr, value):
    return struct.pack("<BBH", dev, attr, len(value)) + value


put("fuzz-attr-store", "simple", b"".join(
    rec(d, a, b"1\n") for d in range(8) for a in range(4)))
put("fuzz-attr-store", "params",
    rec(1, 0, b"frame_rate_limiter=0") + rec(1, 0, b"\n") + rec(1, 0, b""))
put("fuzz-attr-store", "ap", rec(3, 0, b"0x4\n") + rec(3, 1, b"0x0004\n") +
    rec(3, 2, b"junk"))
put("fuzz-attr-store", "big", rec(0, 0, b"a" * 4095) + rec(0, 0, b"b" * 4096))
put("fuzz-attr-store", "names", rec(0, 0xff, b"../remove") +
    rec(1, 0xff, b"nvidia/../remove") + rec(1, 0xff, b"nvidia/vgpu_params") +
    rec(2, 0xff, b"/etc/passwd") + rec(2, 0xff, b""))
put("fuzz-attr-store", "nul", rec(1, 0, b"a\0b\n"))

# core-ops: records [op][arg][len][bytes].
def op(o, a, v=b""):
    return bytes([o, a, len(v)]) + v


put("fuzz-core-ops", "create-remove", op(1, 0) + op(1, 1) + op(2, 0, b"1") +
    op(3, 0) + op(1, 2))
put("fuzz-core-ops", "fill-gvt", b"".join(op(1, i % 4) for i in range(20)))
put("fuzz-core-ops", "nvidia", b"".join(op(1, 4 + i % 3) for i in range(6)))
put("fuzz-core-ops", "raw-create", op(0, 0, U.encode()) +
    op(0, 1, U.upper().encode() + b"\n") + op(0, 2, b"-" * 36) +
    op(2, 0, b"0x1\n") + op(2, 0, b"zz"))
put("fuzz-core-ops", "toggle", op(1, 0) + op(4, 0) + op(1, 0) + op(4, 0) +
    op(1, 0) + op(4, 1) + op(4, 2) + op(4, 3))

# journal: lines get their checksum appended by the target; '!' = raw.
U2 = "3b4f8c2e-1a2b-4c3d-9e8f-0a1b2c3d4e60"
U3 = "3b4f8c2e-1a2b-4c3d-9e8f-0a1b2c3d4e61"
put("fuzz-journal", "create", "C %s 1 mtty mtty-1\n" % U)
put("fuzz-journal", "lifecycle",
    "C %s 1 mtty mtty-1\nC %s 2 0000:65:00.0 nvidia-230\n"
    "A %s nvidia/vgpu_params 6672616d655f726174655f6c696d697465723d30\n"
    "R %s\nC %s 3 0000:00:02.0 i915-GVTg_V5_4\n" % (U, U2, U2, U, U3))
put("fuzz-journal", "ap", "C %s 7 matrix vfio_ap-passthrough\n"
    "A %s assign_adapter 3078340a\nA %s assign_domain 3078310a\n"
    % (U, U, U))
put("fuzz-journal", "overcommit", "".join(
    "C 3b4f8c2e-1a2b-4c3d-9e8f-%012x %d 0000:00:02.0 i915-GVTg_V5_1\n"
    % (i, i + 1) for i in range(4)))
put("fuzz-journal", "homogeneous",
    "C %s 1 0000:65:00.0 nvidia-230\nC %s 2 0000:65:00.0 nvidia-231\n"
    % (U, U2))
put("fuzz-journal", "damaged", "!C %s 1 mtty mtty-1 00000000\n"
    "C %s 1 nosuch mtty-1\nC %s 1 mtty nosuch\nA %s nosuch 41\n"
    "A %s nvidia/vgpu_params zz\nR %s\nC %s 1 mtty mtty-2\nC %s 1 mtty"
    % (U, U2, U2, U, U, U3, U2, U3))
put("fuzz-journal", "empty-attr", "C %s 1 0000:65:00.0 nvidia-230\n"
    "A %s nvidia/vgpu_params\n" % (U, U))

# ctl definition files / --jsonfile.
ctl = {
    "pretty": json.dumps({"mdev_type": "i915-GVTg_V5_4", "start": "auto",
                          "attrs": []}, indent=2),
    "attrs": json.dumps({"mdev_type": "vfio_ap-passthrough",
                         "start": "manual",
                         "attrs": [{"assign_adapter": "5"},
                                   {"assign_domain": "0x47"},
                                   {"assign_adapter": "6"}]}, indent=2),
    "compact": '{"mdev_type":"nvidia-230","start":"auto","attrs":[{"nvidia/vgpu_params":"frame_rate_limiter=0"}]}',
    "non-string-value": '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":1}]}',
    "non-string-type": '{"mdev_type":7,"start":"auto"}',
    "null-start": '{"mdev_type":"mtty-1","start":null}',
    "no-attrs": '{"mdev_type":"mtty-1","start":"auto"}',
    "attrs-object": '{"mdev_type":"mtty-1","start":"auto","attrs":{"a":"b"}}',
    "two-keys": '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"b","c":"d"}]}',
    "escapes": '{"mdev_type":"m\\u00e9\\ud83d\\ude00\\n","start":"auto","attrs":[{"\\u0000":"\\t"}]}',
    "dup-keys": '{"mdev_type":"a","mdev_type":"b","start":"auto"}',
    "trailing": '{"mdev_type":"a","start":"auto"} x',
    "numbers": '{"mdev_type":"a","start":"auto","x":[1e400,-0,0.5e-3,12345678901234567890]}',
    "deep": '{"mdev_type":"a","start":"auto","x":' + "[" * 200 + "]" * 200 + "}",
    "bom": "\ufeff{\"mdev_type\":\"a\",\"start\":\"auto\"}",
    "empty": "",
    "array": "[]",
}
for name, text in ctl.items():
    put("fuzz-ctl-definition", name, text)


# vfio-user: chunks [nfds][len16][bytes] of a client's stream.
def vfu_msg(cmd, payload=b"", msg_id=1, flags=0):
    return struct.pack("<HHIII", msg_id, cmd, 16 + len(payload), flags, 0) + payload


def vfu_chunks(*msgs, nfds=0):
    out = b""
    for m in msgs:
        out += struct.pack("<BH", nfds, len(m)) + m
    return out


VFU_VERSION = vfu_msg(1, struct.pack("<HH", 0, 0) + b'{"capabilities":{}}\0')
for name, msgs, nfds in [
    ("version", [VFU_VERSION], 0),
    ("get-info", [VFU_VERSION, vfu_msg(4, struct.pack("<IIII", 16, 0, 0, 0))], 0),
    ("region-info", [VFU_VERSION, vfu_msg(5, struct.pack("<IIIIQQ", 32, 0, 7, 0, 0, 0))], 0),
    ("irq-info", [VFU_VERSION, vfu_msg(7, struct.pack("<IIII", 16, 0, 0, 0))], 0),
    ("set-irqs-fd", [VFU_VERSION, vfu_msg(8, struct.pack("<IIIII", 20, 0x24, 0, 0, 1))], 1),
    ("unmask", [VFU_VERSION, vfu_msg(8, struct.pack("<IIIII", 20, 0x11, 0, 0, 1))], 0),
    ("unmask-fd", [VFU_VERSION, vfu_msg(8, struct.pack("<IIIII", 20, 0x14, 0, 0, 1))], 1),
    ("msi-fd-fire", [VFU_VERSION, vfu_msg(8, struct.pack("<IIIII", 20, 0x24, 1, 0, 1)),
                     vfu_msg(8, struct.pack("<IIIII", 20, 0x21, 1, 0, 1)),
                     vfu_msg(10, struct.pack("<QII", 1, 0, 1) + b"\x02")], 1),
    ("msi-off", [VFU_VERSION, vfu_msg(8, struct.pack("<IIIII", 20, 0x21, 1, 0, 0))], 0),
    ("req-fd", [VFU_VERSION, vfu_msg(8, struct.pack("<IIIII", 20, 0x24, 4, 0, 1)),
                vfu_msg(8, struct.pack("<IIIII", 21, 0x22, 4, 0, 1) + b"\x01")], 1),
    ("req-mask", [VFU_VERSION, vfu_msg(8, struct.pack("<IIIII", 20, 0x09, 4, 0, 1))], 0),
    ("cfg-read", [VFU_VERSION, vfu_msg(9, struct.pack("<QII", 0, 7, 256))], 0),
    ("bar-write", [VFU_VERSION, vfu_msg(10, struct.pack("<QII", 1, 0, 1) + b"\x03")], 0),
    ("dma-map", [VFU_VERSION, vfu_msg(2, struct.pack("<IIQQQ", 32, 3, 0, 0x100000, 0x1000))], 1),
    ("dma-unmap", [VFU_VERSION, vfu_msg(2, struct.pack("<IIQQQ", 32, 3, 0, 0, 0x1000)),
                   vfu_msg(3, struct.pack("<IIQQ", 24, 0, 0, 0x1000))], 0),
    ("reset", [VFU_VERSION, vfu_msg(13)], 0),
    ("huge", [struct.pack("<HHIII", 1, 1, 1 << 30, 0, 0)], 0),
    ("short-hdr", [struct.pack("<HHIII", 1, 1, 8, 0, 0)], 0),
]:
    put("fuzz-vfio-user", name, vfu_chunks(*msgs, nfds=nfds))

# record: one sysfs file's contents as mdevd --record reads them.
for name, data in [
    ("group-25", b"25"),
    ("link-group", b"../../../kernel/iommu_groups/25"),
    ("available", b"15\n"),
    ("capacity-exhausted", b"0 0"),
    ("capacity-unlimited", b"2147483646 1"),
    ("capacity-max", b"4 12"),
    ("mode-0644", struct.pack("<H", 0o644)),
    ("description", b"num_heads=4, frl_config=60, framebuffer=1024M\n"),
    ("multiline", b"low_gm_size: 128MB\nhigh_gm_size: 512MB\n"),
    ("vendor", b"0x10de\n"),
    ("leading-zeros", b"007"),
    ("not-utf8", b"\xff\xfe"),
    ("nul-inside", b"12\x0034"),
]:
    put("fuzz-record", name, data)
