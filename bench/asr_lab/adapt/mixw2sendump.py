#!/usr/bin/env python3
"""Write a mixture_weights file back into a sendump, reusing the header of a
template sendump (no floor on small weights).  Lab tool."""
import struct, sys
import numpy as np
tmpl, mixw, dst = sys.argv[1:4]
t = open(tmpl, "rb").read()
# header: strings until a zero length, then ncw, nsen
off = 0
n = struct.unpack_from("<I", t, off)[0]; off += 4 + n
while True:
    n = struct.unpack_from("<I", t, off)[0]; off += 4
    if n == 0:
        break
    off += n
ncw, nsen = struct.unpack_from("<II", t, off); off += 8
m = open(mixw, "rb").read()
p = m.index(b"endhdr\n") + 7 + 4
d1, d2, d3, nf = struct.unpack_from("<IIII", m, p); p += 16
assert (d1, d2, d3) == (nsen, 3, ncw), (d1, d2, d3)
w = np.frombuffer(m, "<f4", nf, p).reshape(d1, d2, d3).astype(np.float64)
w = w / w.sum(axis=2, keepdims=True)
q = -np.log(np.maximum(w, 1e-300)) / np.log(1.0001) / 1024.0
q = np.clip(np.ceil(q), 0, 255).astype(np.uint8)
out = t[:off] + q.transpose(1, 2, 0).tobytes()
open(dst, "wb").write(out)
