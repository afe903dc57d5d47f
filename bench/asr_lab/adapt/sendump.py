#!/usr/bin/env python3
"""PocketSphinx keeps a model's mixture weights only as `sendump` (8 bits
each: -log base 1.0001 of the weight, shifted right by mixw_shift);
SphinxTrain's bw and map_adapt read and write a float `mixture_weights`
file (the "s3" format).  This converts both ways:

  sendump.py expand SENDUMP MIXW        sendump -> mixture_weights
  sendump.py pack TEMPLATE MIXW OUT     mixture_weights -> sendump, with the
                                        template sendump's header

`expand` then `pack` gives the package's sendump back byte for byte
(checked on pocketsphinx-en-us).  Lab tool, written for this repository."""
import struct
import sys

import numpy as np

BASE = 1.0001


def read_header(buf):
    """-> (header dict, offset of the codeword/senone counts, byte order)."""
    order = "<" if struct.unpack_from("<I", buf, 0)[0] <= 65536 else ">"
    off, hdr, first = 0, {}, True
    while True:
        n = struct.unpack_from(order + "I", buf, off)[0]
        off += 4
        if n == 0:
            return hdr, off, order
        text = buf[off:off + n - 1].decode()
        off += n
        if not first:  # the first string is the format description
            k, _, v = text.partition(" ")
            hdr[k] = v
        first = False


def counts(buf, off, order):
    ncw, nsen = struct.unpack_from(order + "II", buf, off)  # rows, columns
    return ncw, nsen, off + 8


def expand(src, dst):
    buf = open(src, "rb").read()
    hdr, off, order = read_header(buf)
    assert int(hdr.get("cluster_count", 0)) == 0, "clustered sendump"
    shift, nfeat = int(hdr.get("mixw_shift", 10)), int(hdr["feature_count"])
    ncw, nsen, off = counts(buf, off, order)
    # per feature, per codeword: one byte per senone
    q = np.frombuffer(buf, np.uint8, nfeat * ncw * nsen, off).reshape(nfeat, ncw, nsen)
    w = np.power(BASE, -(q.astype(np.float64) * (1 << shift))).transpose(2, 0, 1)
    w /= w.sum(axis=2, keepdims=True)
    head = b"s3\nversion 1.0\n"
    pad = (len(head) + len(b"endhdr\n")) & 3  # data starts 4-aligned
    head += (b" " * (4 - pad) if pad else b"") + b"endhdr\n"
    with open(dst, "wb") as out:
        out.write(head + struct.pack("<i", 0x11223344))
        out.write(struct.pack("<IIII", nsen, nfeat, ncw, w.size))
        out.write(w.astype("<f4").tobytes())


def pack(template, mixw, dst):
    buf = open(template, "rb").read()
    hdr, off, order = read_header(buf)
    shift = int(hdr.get("mixw_shift", 10))
    ncw, nsen, off = counts(buf, off, order)
    m = open(mixw, "rb").read()
    p = m.index(b"endhdr\n") + 7 + 4  # past the byte-order mark
    d1, d2, d3, nf = struct.unpack_from("<IIII", m, p)
    assert (d1, d3) == (nsen, ncw), (d1, d2, d3)
    w = np.frombuffer(m, "<f4", nf, p + 16).reshape(d1, d2, d3).astype(np.float64)
    w /= w.sum(axis=2, keepdims=True)
    q = -np.log(np.maximum(w, 1e-300)) / np.log(BASE) / (1 << shift)
    # ceil, not round: what makes expand-then-pack exact
    q = np.clip(np.ceil(q), 0, 255).astype(np.uint8)
    open(dst, "wb").write(buf[:off] + q.transpose(1, 2, 0).tobytes())


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "expand":
        expand(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "pack":
        pack(*sys.argv[2:])
    else:
        sys.exit(__doc__)
