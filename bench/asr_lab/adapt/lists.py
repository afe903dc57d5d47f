#!/usr/bin/env python3
"""Adaptation lists for adapt.sh, from the shared dev manifest.

usage: lists.py OUT [--fold K] [--synth MANIFEST RATE]
                   [--snr 20,10,5 --mix-dir DIR [--seed N]]

Half A speakers only (bench/recognition_bench.py's split, so half B stays
held out), clips with words (no noise), licence CC-BY-4.0, BSD or public
domain only (no share-alike or non-commercial source goes into a model).
--fold K leaves out the speakers of fold K of half A (the next bit of the
same hash), for out-of-fold features.  --synth adds the eSpeak NG
renderings of asr_lab/synth at one rate.  Writes OUT.fileids (real/...,
synth/...), OUT.transcription and OUT.dic (cmudict's first pronunciation
of every word used).

--snr adds, for every chosen real clip, one copy per SNR mixed with real
noise (multi-condition adaptation), written as DIR/<clip>_<snr>dB.wav and
listed as noisy/<clip>_<snr>dB.  Each copy is padded with 0.5 s of silence
at both ends and mixed with recognition_bench.py's own mix() (speech RMS
over the loudest 30% of 20 ms frames against the noise RMS), exactly as the
benchmark makes its noisy clips.  The noise: every `noise` clip of the
manifest EXCEPT the benchmark's eight (noises[:8] there), licence as above;
and since three of those eight are excerpts of the scnoise recordings
(found by correlation, see noise_pool()), those stretches (with 0.1 s
either side) are cut out of the recordings before use.  Deterministic
(random.Random(seed), default 13)."""
import argparse, hashlib, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from recognition_bench import half, mix, read_wav, write_wav  # the benchmark's own split and mix
D = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "speech"))
CMU = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"


def fold(spk):
    """half A's speakers in two: the next bit of the benchmark's hash"""
    return (int(hashlib.sha1(spk.encode()).hexdigest(), 16) >> 1) % 2


def noise_pool(data, rows):
    """the noise recordings adaptation may use, as a list of (name, pcm):
    the manifest's noise clips after the benchmark's first eight, each
    with any stretch that is a (scaled) copy of one of those eight cut
    out (normalised cross-correlation >= 0.9 of 2000-sample pieces)."""
    import numpy as np
    noise = [r for r in rows if r[1] == "noise"]
    bench = [np.array(read_wav(os.path.join(data, r[0])), float) for r in noise[:8]]
    pool = []
    for r in noise[8:]:
        if "-SA-" in r[4] or "-NC-" in r[4]:
            continue
        y = np.array(read_wav(os.path.join(data, r[0])), float)
        bad = np.zeros(len(y), bool)
        cs = np.concatenate([[0.0], np.cumsum(y * y)])
        for x in bench:
            for k in range(0, len(x) - 1999, 2000):
                seg = x[k:k + 2000] - x[k:k + 2000].mean()
                if np.std(seg) < 0.5 or len(y) < len(seg):
                    continue
                n = 1 << int(np.ceil(np.log2(len(y) + len(seg))))
                c = np.fft.irfft(np.fft.rfft(y, n) * np.conj(np.fft.rfft(seg, n)), n)[:len(y) - len(seg) + 1]
                e = np.sqrt(np.maximum(cs[len(seg):] - cs[:len(y) - len(seg) + 1], 0))
                cc = c / (e * np.linalg.norm(seg) + 1e-9)
                i = int(np.argmax(cc))
                if cc[i] >= 0.9:
                    start = i - k
                    bad[max(0, start - 1600):max(0, start + len(x) + 1600)] = True
        # the good stretches, each at least 0.25 s
        piece, pieces = [], []
        for j, b in enumerate(bad):
            if b:
                if len(piece) >= 4000:
                    pieces.append(piece)
                piece = []
            else:
                piece.append(int(y[j]))
        if len(piece) >= 4000:
            pieces.append(piece)
        if bad.any():
            print("noise: %s: %d samples cut out (a benchmark noise clip)" % (r[0], int(bad.sum())), file=sys.stderr)
        pool += [("%s#%d" % (r[0], j), p) for j, p in enumerate(pieces)]
    return pool


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--fold", type=int)
    ap.add_argument("--synth", nargs=2, metavar=("MANIFEST", "RATE"))
    ap.add_argument("--data", default=D)
    ap.add_argument("--snr", help="comma-separated SNRs (dB) of noisy copies of the real clips")
    ap.add_argument("--mix-dir", help="where the noisy copies go (needed with --snr)")
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    cmu = {}
    for line in open(CMU):
        w, p = line.split(None, 1)
        cmu.setdefault(w, p.strip())
    ctl, lsn, words = [], [], set()

    def add(uid, label):
        ws = label.split()
        if all(w in cmu for w in ws):
            ctl.append(uid)
            lsn.append("<s> %s </s> (%s)" % (" ".join(ws), os.path.basename(uid)))
            words.update(ws)

    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(a.data, "manifest.tsv"))][1:]
    for path, label, spk, _src, lic in rows:
        if label == "noise" or half(spk) != "A" or "-SA-" in lic or "-NC-" in lic:
            continue
        if a.fold is not None and fold(spk) == a.fold:
            continue
        add("real/" + path[:-4], label)
    if a.snr:
        import random
        pool = noise_pool(a.data, rows)
        rnd = random.Random(a.seed)
        pad = [0] * 8000
        reals = [(u, l) for u, l in zip(list(ctl), list(lsn)) if u.startswith("real/")]
        log = []
        for uid, line in reals:
            label = line[4:line.index(" </s>")]
            pcm = pad + read_wav(os.path.join(a.data, uid[5:] + ".wav")) + pad
            for snr in [int(x) for x in a.snr.split(",")]:
                name, noise = rnd.choice(pool)
                out = "%s_%ddB" % (uid[5:], snr)
                os.makedirs(os.path.dirname(os.path.join(a.mix_dir, out)), exist_ok=True)
                write_wav(os.path.join(a.mix_dir, out + ".wav"), mix(pcm, noise, snr, rnd))
                add("noisy/" + out, label)
                log.append("%s\t%d\t%s" % (out, snr, name))
        open(os.path.join(a.mix_dir, "mixes.tsv"), "w").write("\n".join(log) + "\n")
        print("noise: %d stretches from %d recordings; %d noisy copies in %s"
              % (len(pool), len({n.split("#")[0] for n, _ in pool}), len(log), a.mix_dir), file=sys.stderr)
    if a.synth:
        for path, label, spk, *_ in [l.rstrip("\n").split("\t") for l in open(a.synth[0])][1:]:
            if spk.rsplit("@", 1)[1] == a.synth[1]:
                add("synth/" + path[:-4], label)
    open(a.out + ".fileids", "w").write("\n".join(ctl) + "\n")
    open(a.out + ".transcription", "w").write("\n".join(lsn) + "\n")
    open(a.out + ".dic", "w").write("".join("%s %s\n" % (w, cmu[w]) for w in sorted(words)))
    print("%s: %d clips, %d words" % (a.out, len(ctl), len(words)), file=sys.stderr)


main()
