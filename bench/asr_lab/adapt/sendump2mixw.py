#!/usr/bin/env python3
"""Expand PocketSphinx's quantised sendump into a SphinxTrain mixture_weights
file (what bw needs).  Lab tool, written for this experiment."""
import struct, sys
import numpy as np

def rd_str(f, fmt):
    n = struct.unpack(fmt, f.read(4))[0]
    return f.read(n)[:-1].decode() if n else None

def main(src, dst):
    f = open(src, "rb")
    fmt = "<I"
    n = struct.unpack(fmt, f.read(4))[0]
    if n > 65536:
        fmt = ">I"
    f.seek(0)
    title = rd_str(f, fmt)
    hdr = {}
    while True:
        s = rd_str(f, fmt)
        if s is None:
            break
        k, _, v = s.partition(" ")
        hdr[k] = v
    print(title, hdr, file=sys.stderr)
    shift = int(hdr.get("mixw_shift", 10))
    nfeat = int(hdr["feature_count"])
    assert int(hdr.get("cluster_count", 0)) == 0
    ncw = struct.unpack(fmt, f.read(4))[0]   # rows: codewords
    nsen = struct.unpack(fmt, f.read(4))[0]  # columns: senones
    print("codewords", ncw, "senones", nsen, file=sys.stderr)
    # the data: per feature, per codeword, one byte per senone
    raw = np.frombuffer(f.read(nfeat * ncw * nsen), dtype=np.uint8)
    assert raw.size == nfeat * ncw * nsen, raw.size
    raw = raw.reshape(nfeat, ncw, nsen).astype(np.float64)
    w = np.power(1.0001, -(raw * (1 << shift)))
    w = w.transpose(2, 0, 1)  # senone, feature, codeword
    w /= w.sum(axis=2, keepdims=True)
    out = open(dst, "wb")
    head = b"s3\nversion 1.0\n"
    pad = (len(head) + len(b"endhdr\n")) & 3
    head += (b" " * (4 - pad) if pad else b"") + b"endhdr\n"
    out.write(head)
    out.write(struct.pack("<i", 0x11223344))
    out.write(struct.pack("<IIII", nsen, nfeat, ncw, nsen * nfeat * ncw))
    out.write(w.astype("<f4").tobytes())

main(sys.argv[1], sys.argv[2])
