"""A longer fuzz run of the model-file reader than the test suite's.

    python -m benchmarks.fuzz_modelfile --cases 20000 [--seed 0]

Each case damages a small valid model file (truncation, flipped, inserted or deleted bytes, a forged
``.npy`` header with huge dimensions or a wrong type code, a damaged JSON description inside a zip whose
CRCs are valid) and loads it. A case passes when the load returns exactly the saved weights or raises
ModelFileError within a second. Prints the number of cases and how they ended; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import random
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

import neuronet as nn
from neuronet import modelfile
from neuronet.errors import ModelFileError

DESCRS = ["<f4", "<f8", ">f4", "<f2", "<i4", "|u1", "|b1", "<c8", "|O", "|V8", "<U3"]


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _rezip(content: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, blob in content.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def _npy(raw: bytes) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.frombuffer(raw, np.uint8))
    return buf.getvalue()


def _damage(data: bytes, rng: random.Random) -> bytes:
    n = len(data)
    kind = rng.choice(["truncate", "flip", "insert", "delete"])
    if kind == "truncate":
        return data[:rng.randrange(n)]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            out[rng.randrange(n)] ^= rng.randint(1, 255)
        return bytes(out)
    at = rng.randrange(n)
    if kind == "insert":
        return data[:at] + rng.randbytes(rng.randint(1, 32)) + data[at:]
    return data[:at] + data[at + rng.randint(1, 64):]


def mutate(valid: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One damaged variant of ``valid`` and the name of the kind of damage."""
    kind = rng.choice(["bytes", "bytes", "header", "description"])
    if kind == "bytes":
        return kind, _damage(valid, rng)
    content = _entries(valid)
    if kind == "header":
        entry = rng.choice([k for k in content if k.startswith("weights/")])
        shape = tuple(rng.choice([rng.randint(0, 9), 2**31, 2**32, 10**12, rng.getrandbits(63)])
                      for _ in range(rng.randint(0, 3)))
        descr = rng.choice(DESCRS)
        text = f"{{'descr': {descr!r}, 'fortran_order': {rng.random() < 0.2}, 'shape': {shape!r}, }}"
        text += " " * (-(10 + len(text) + 1) % 64) + "\n"
        content[entry] = (b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()
                          + content[entry][128:])
        if rng.random() < 0.5:   # the description agrees, leaving only header and size checks
            doc = json.loads(np.load(io.BytesIO(content[modelfile.DOC_ENTRY])).tobytes())
            doc["arrays"][entry[:-4]].update(shape=list(shape), dtype=descr)
            content[modelfile.DOC_ENTRY] = _npy(json.dumps(doc).encode())
    else:
        text = np.load(io.BytesIO(content[modelfile.DOC_ENTRY])).tobytes()
        content[modelfile.DOC_ENTRY] = _npy(_damage(text, rng))
    return kind, _rezip(content)


def run(cases: int, seed: int) -> int:
    net = nn.Network([nn.Dense(3, 4, "relu"), nn.Dropout(0.2), nn.Dense(4, 2, "softmax")], seed=5)
    original = net.get_weights()
    outcomes: collections.Counter = collections.Counter()
    reasons: collections.Counter = collections.Counter()
    failures, slowest = 0, 0.0
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.npz"
        net.save(path)
        valid = path.read_bytes()
        for i in range(cases):
            kind, data = mutate(valid, rng)
            path.write_bytes(data)
            start = time.perf_counter()
            try:
                got = nn.load(path).get_weights()
                ok = got.keys() == original.keys() and all(
                    np.array_equal(got[k], original[k]) for k in got)
                outcome = "loaded" if ok else "WRONG WEIGHTS"
            except ModelFileError as exc:
                outcome = "refused"
                # The kind of reason, without the file name and numbers.
                reasons[re.sub(r"\d+|'[^']*'|\([^)]*\)", "#", str(exc).split(": ", 1)[1])[:60]] += 1
            except Exception as exc:  # noqa: BLE001 - this is what the fuzzer hunts for
                outcome = f"ESCAPED {type(exc).__name__}"
                print(f"case {i} ({kind}): {type(exc).__name__}: {exc}", file=sys.stderr)
            elapsed = time.perf_counter() - start
            slowest = max(slowest, elapsed)
            if outcome not in ("loaded", "refused") or elapsed > 1.0:
                failures += 1
            outcomes[f"{kind}: {outcome}"] += 1
    print(f"fuzz_modelfile: {cases} cases tried (seed {seed}), {failures} failures, "
          f"slowest load {slowest * 1e3:.1f} ms")
    for key, n in sorted(outcomes.items()):
        print(f"  {key:<32} {n}")
    print("  most common reasons for refusing:")
    for reason, n in reasons.most_common(12):
        print(f"    {n:6}  {reason}")
    return 1 if failures else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return run(args.cases, args.seed)


if __name__ == "__main__":
    sys.exit(main())
