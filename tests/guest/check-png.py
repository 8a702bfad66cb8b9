#!/usr/bin/env python3
"""check-png.py FILE Y0 Y1 R G B: FILE is a PNG (8-bit RGB, as mdevd
writes them); prints its size and exits 0 when every pixel of rows
[Y0, Y1) is (R, G, B) and row Y0 - 1 is not all that colour."""
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
        sys.exit("bad CRC in " + kind.decode())
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype == 2
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
row = 1 + 3 * w
y0, y1 = int(sys.argv[2]), int(sys.argv[3])
want = bytes(int(v, 0) for v in sys.argv[4:7])
print(f"png {w}x{h}")
for y in range(y0, y1):
    line = raw[y * row + 1:(y + 1) * row]
    if line != want * w:
        sys.exit(f"row {y} is not {want.hex()}")
if raw[(y0 - 1) * row + 1:y0 * row] == want * w:
    sys.exit(f"row {y0 - 1} has the colour too")
print(f"rows {y0}-{y1 - 1}: {want.hex()}")
