#!/usr/bin/env python3
"""The host ends of an mtty device's ports, for test-mtty.sh.

host-end.py TIMEOUT SOCKET...: connects to each port's socket; when port
N's line "from-guest-N" arrives, prints it and answers "to-guest-N". Exits
0 once every port has talked, 1 on timeout or a wrong line."""
import select
import socket
import sys
import time

timeout = float(sys.argv[1])
ports = {}
for n, path in enumerate(sys.argv[2:], start=1):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    ports[s] = (n, b"")
print("host-end: connected", flush=True)
deadline = time.monotonic() + timeout
done = set()
while len(done) < len(ports):
    left = deadline - time.monotonic()
    if left <= 0:
        print("host-end: timeout; heard from", sorted(done), flush=True)
        sys.exit(1)
    ready, _, _ = select.select(list(ports), [], [], left)
    for s in ready:
        n, buf = ports[s]
        data = s.recv(256)
        if not data:
            print(f"host-end: port {n} closed", flush=True)
            sys.exit(1)
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.strip(b"\r").decode(errors="replace")
            print(f"host-end: port {n} got '{line}'", flush=True)
            if line == f"from-guest-{n}":
                s.sendall(f"to-guest-{n}\n".encode())
                done.add(n)
        ports[s] = (n, buf)
print("host-end: all ports talked", flush=True)
