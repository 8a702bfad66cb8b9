#!/usr/bin/env python3
"""qmp.py SOCKET COMMAND-JSON...: runs QMP commands on a QEMU's QMP socket
(after qmp_capabilities); prints each reply's "return" as JSON, exits 1 on
an "error" reply. For kit.sh hotplug."""
import json
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
f = s.makefile("rwb")


def reply():
    while True:
        msg = json.loads(f.readline())
        if "return" in msg or "error" in msg:
            return msg


json.loads(f.readline())  # the greeting
for cmd in ["{\"execute\":\"qmp_capabilities\"}"] + sys.argv[2:]:
    f.write(cmd.encode() + b"\n")
    f.flush()
    msg = reply()
    if "error" in msg:
        print("qmp: " + msg["error"].get("desc", str(msg)), file=sys.stderr)
        sys.exit(1)
    if "qmp_capabilities" not in cmd:
        print(json.dumps(msg["return"]))
