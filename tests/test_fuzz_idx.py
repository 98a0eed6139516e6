"""Fuzz the IDX reader: every mutated file must load correctly or raise DataError, quickly.

Each case takes a small valid IDX file, mutates it (truncate, flip a bit, overwrite a byte, claim
a huge dimension, change the type code or the number of dimensions, append junk) and reads it
raw, gzipped after the mutation, or with the mutation applied to the gzip bytes themselves.
The outcome is compared with an independent, obviously-correct parser of the same bytes.

Longer run, outside pytest::

    PYTHONPATH=. python tests/test_fuzz_idx.py --cases 20000
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

from neuronet.datasets.idx import TYPE_CODES, read_idx, write_idx
from neuronet.errors import DataError

OPS = ("none", "truncate", "flip", "set_byte", "huge_dim", "type_code", "ndim", "append")
MODES = ("raw", "gz", "gz-bytes")  # gz: mutate then compress; gz-bytes: mutate compressed
MAX_SECONDS = 2.0


def _seed_arrays() -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [
        rng.integers(0, 256, (3, 4, 5), dtype=np.uint8),
        rng.integers(-128, 128, (6,), dtype=np.int8),
        rng.integers(-30000, 30000, (2, 5), dtype=np.int16),
        rng.integers(-(2**31), 2**31 - 1, (4, 2), dtype=np.int32),
        rng.normal(size=(3, 3)).astype(np.float32),
        rng.normal(size=(2, 1, 3)).astype(np.float64),
    ]


def _seed_bytes() -> list[bytes]:
    with tempfile.TemporaryDirectory() as d:
        return [write_idx(Path(d) / "s", a).read_bytes() for a in _seed_arrays()]


SEEDS = _seed_bytes()


def mutate(data: bytes, op: str, pos: int, val: int) -> bytes:
    """Apply one mutation; ``pos`` and ``val`` are arbitrary non-negative ints."""
    b = bytearray(data)
    if op == "truncate":
        return bytes(b[: pos % (len(b) + 1)])
    if op == "flip" and b:
        b[pos % len(b)] ^= 1 << (val % 8)
    elif op == "set_byte" and b:
        b[pos % len(b)] = val % 256
    elif op == "huge_dim" and len(b) >= 4:
        ndim = max(1, min(b[3], (len(b) - 4) // 4))
        at = 4 + 4 * (pos % ndim)
        b[at : at + 4] = struct.pack(">I", (val * 2654435761 + 2**31) % 2**32)
    elif op == "type_code" and len(b) >= 3:
        b[2] = val % 256
    elif op == "ndim" and len(b) >= 4:
        b[3] = val % 256
    elif op == "append":
        b += bytes([val % 256]) * (1 + pos % 64)
    return bytes(b)


def reference_parse(raw: bytes) -> np.ndarray | None:
    """The straightforward reading of the IDX spec (with the reader's 1..16 dimension limit)."""
    if len(raw) < 4 or raw[0] or raw[1] or raw[2] not in TYPE_CODES or not 1 <= raw[3] <= 16:
        return None
    ndim, dtype = raw[3], TYPE_CODES[raw[2]]
    if len(raw) < 4 + 4 * ndim:
        return None
    dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    if len(raw) - 4 - 4 * ndim != math.prod(dims) * dtype.itemsize:
        return None
    return np.frombuffer(raw, dtype, offset=4 + 4 * ndim).reshape(dims)


def run_case(seed: int, op: str, pos: int, val: int, mode: str, folder: Path) -> str:
    """Run one case; returns "loaded" or "refused", raises AssertionError on a wrong outcome."""
    raw = SEEDS[seed % len(SEEDS)]
    if mode == "raw":
        data = mutate(raw, op, pos, val)
        expected = reference_parse(data)
    elif mode == "gz":
        inner = mutate(raw, op, pos, val)
        data = gzip.compress(inner, mtime=0)
        expected = reference_parse(inner)
    else:
        data = mutate(gzip.compress(raw, mtime=0), op, pos, val)
        try:
            expected = reference_parse(gzip.decompress(data))
        except (OSError, EOFError, zlib.error):
            expected = None
    path = folder / ("case.gz" if mode != "raw" else "case")
    path.write_bytes(data)
    t0 = time.perf_counter()
    try:
        got = read_idx(path)
    except DataError:
        got = None
    elapsed = time.perf_counter() - t0
    what = f"seed={seed} op={op} pos={pos} val={val} mode={mode}"
    assert elapsed < MAX_SECONDS, f"{what}: took {elapsed:.2f}s"
    if expected is None:
        assert got is None, f"{what}: loaded {got.dtype}{got.shape} from a malformed file"
        return "refused"
    assert got is not None, f"{what}: refused a well-formed file"
    assert got.dtype == expected.dtype.newbyteorder("=") and got.shape == expected.shape, what
    np.testing.assert_array_equal(got, expected, err_msg=what)
    return "loaded"


# --- pytest + hypothesis ---------------------------------------------------------------------

try:
    import fuzzcount
    import pytest
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # standalone run without the test extras
    pytest = None

COUNTS = {"loaded": 0, "refused": 0}

if pytest is not None:

    @settings(max_examples=600, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        seed=st.integers(0, len(SEEDS) - 1),
        op=st.sampled_from(OPS),
        pos=st.integers(0, 10_000),
        val=st.integers(0, 2**32),
        mode=st.sampled_from(MODES),
    )
    def test_mutated_idx_loads_correctly_or_raises_data_error(tmp_path, seed, op, pos, val,
                                                              mode):
        outcome = run_case(seed, op, pos, val, mode, tmp_path)
        COUNTS[outcome] += 1
        fuzzcount.record(f"IDX files ({outcome})")

    def test_fuzz_ran_both_outcomes():
        # Guards against a harness that only ever produces one kind of case.
        assert COUNTS["loaded"] > 0 and COUNTS["refused"] > 0, COUNTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    counts = {"loaded": 0, "refused": 0}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        for _ in range(args.cases):
            case = (rng.randrange(len(SEEDS)), rng.choice(OPS), rng.randrange(10_000),
                    rng.randrange(2**32), rng.choice(MODES))
            counts[run_case(*case, Path(d))] += 1
    elapsed = time.perf_counter() - t0
    print(f"IDX fuzz: {args.cases} cases ({counts['loaded']} loaded, {counts['refused']} "
          f"refused, 0 failures) in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
