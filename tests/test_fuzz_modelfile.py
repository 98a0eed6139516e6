"""Fuzzing the model-file reader: whatever happens to a file, loading it either gives back exactly the
saved weights or raises ModelFileError, quickly. Nothing else may escape, and nothing hangs or balloons.
"""

import io
import json
import os
import time
import tracemalloc
import zipfile

import fuzzcount
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neuronet as nn
from neuronet import modelfile
from neuronet.errors import ModelFileError

NET = nn.Network([nn.Dense(3, 4, "relu"), nn.Dropout(0.2), nn.Dense(4, 2, "softmax")], seed=5,
                 class_names=["no", "yes"])
ORIGINAL = NET.get_weights()
ARRAY_ENTRIES = ["weights/0.W.npy", "weights/0.b.npy", "weights/2.W.npy", "weights/2.b.npy"]
TIME_LIMIT = 1.0   # seconds for one load; a few milliseconds is normal
# benchmarks/fuzz_modelfile.py runs this same harness longer by raising the scale.
SCALE = max(1, int(os.environ.get("NEURONET_FUZZ_SCALE", "1")))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def valid(workdir) -> bytes:
    path = workdir / "valid.npz"
    NET.save(path, note="fuzz")
    return path.read_bytes()


def check_outcome(workdir, data: bytes, counter: str, original: dict | None = None) -> str:
    """Load ``data``; return "loaded" or "refused", failing the test on anything else. A load must
    give back exactly the ``original`` weights (NET's by default)."""
    original = ORIGINAL if original is None else original
    path = workdir / "case.npz"
    path.write_bytes(data)
    fuzzcount.record(counter)
    start = time.perf_counter()
    try:
        net = nn.load(path)
    except ModelFileError as exc:
        outcome = "refused"
        assert "\n" not in str(exc) and str(path) in str(exc)
    else:
        outcome = "loaded"
        got = net.get_weights()
        assert got.keys() == original.keys()
        assert all(np.array_equal(got[k], original[k]) and got[k].dtype == original[k].dtype for k in got)
    assert time.perf_counter() - start < TIME_LIMIT
    return outcome


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rezip(content: dict[str, bytes]) -> bytes:
    """A zip with valid CRCs, so that only neuronet's own checks stand between the damage and a load."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, blob in content.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def npy_header(descr: str, fortran: bool, shape: tuple) -> bytes:
    text = f"{{'descr': {descr!r}, 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    text += " " * (-(10 + len(text) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode()


# --- raw byte damage ------------------------------------------------------------------------------------
byte_damage = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1, exclude_max=True)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 1, exclude_max=True),
                                                   st.integers(1, 255)), min_size=1, max_size=6)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=32)),
    st.tuples(st.just("delete"), st.floats(0, 1, exclude_max=True), st.integers(1, 64)),
)


def apply_damage(data: bytes, damage) -> bytes:
    kind, n = damage[0], len(data)
    if kind == "truncate":
        return data[:int(damage[1] * n)]
    if kind == "flip":
        out = bytearray(data)
        for where, mask in damage[1]:
            out[int(where * n)] ^= mask
        return bytes(out)
    if kind == "insert":
        at = int(damage[1] * n)
        return data[:at] + damage[2] + data[at:]
    at = int(damage[1] * n)
    return data[:at] + data[at + damage[2]:]


@settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage=byte_damage)
def test_damaged_bytes(workdir, valid, damage):
    check_outcome(workdir, apply_damage(valid, damage), "model file bytes")


# --- well-formed zips around bad .npy headers -------------------------------------------------------------
DESCRS = ["<f4", "<f8", ">f4", "<f2", "<i4", "|u1", "|b1", "<c8", "|O", "|V8", "<U3", "<M8[s]",
          [("a", "<f4"), ("b", "|O")]]
dims = st.one_of(st.integers(0, 8), st.integers(0, 2**63 - 1), st.sampled_from([2**31, 2**32, 10**12]))


@settings(max_examples=200 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=st.sampled_from(ARRAY_ENTRIES), descr=st.sampled_from(DESCRS), fortran=st.booleans(),
       shape=st.lists(dims, max_size=3).map(tuple), also_describe=st.booleans())
def test_bad_npy_headers(workdir, valid, entry, descr, fortran, shape, also_describe):
    content = entries(valid)
    body = content[entry][128:]   # numpy wrote a 128-byte header for each of these arrays
    content[entry] = npy_header(descr, fortran, shape) + body
    if also_describe:   # make the description agree, so only the header and size checks remain
        doc = json.loads(np.load(io.BytesIO(content[modelfile.DOC_ENTRY])).tobytes())
        doc["arrays"][entry[:-4]].update(shape=list(shape), dtype=str(descr))
        content[modelfile.DOC_ENTRY] = _npy_text(json.dumps(doc))
    outcome = check_outcome(workdir, rezip(content), "model file npy headers")
    if (shape, descr, fortran) != (ORIGINAL[entry[8:-4]].shape, "<f4", False):
        assert outcome == "refused"


def _npy_text(text: str | bytes) -> bytes:
    buf = io.BytesIO()
    raw = text.encode() if isinstance(text, str) else text
    np.lib.format.write_array(buf, np.frombuffer(raw, np.uint8))
    return buf.getvalue()


# --- well-formed zips around a damaged description -------------------------------------------------------
@settings(max_examples=200 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damage=byte_damage)
def test_damaged_description(workdir, valid, damage):
    content = entries(valid)
    text = np.load(io.BytesIO(content[modelfile.DOC_ENTRY])).tobytes()
    content[modelfile.DOC_ENTRY] = _npy_text(apply_damage(text, damage))
    check_outcome(workdir, rezip(content), "model file descriptions")


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(["n_in", "n_out", "shape", "dtype", "format_version", "use_bias", "kind"]),
       value=st.one_of(st.integers(-2, 2**64), st.none(), st.booleans(), st.text(max_size=5),
                       st.lists(st.integers(-1, 2**40), max_size=3)))
def test_wrong_values_in_description(workdir, valid, field, value):
    content = entries(valid)
    doc = json.loads(np.load(io.BytesIO(content[modelfile.DOC_ENTRY])).tobytes())
    if field in ("n_in", "n_out", "use_bias"):
        doc["network"]["layers"][0][field] = value
    elif field in ("shape", "dtype"):
        doc["arrays"]["weights/0.W"][field] = value
    else:
        doc[field] = value
    content[modelfile.DOC_ENTRY] = _npy_text(json.dumps(doc))
    check_outcome(workdir, rezip(content), "model file descriptions")


# --- a conv network's settings -------------------------------------------------------------------------
CONV_NET = nn.Network([nn.Conv2D((6, 6, 2), 3, 3, padding="same", activation="relu"),
                       nn.MaxPool2D((6, 6, 3), pool_size=2),
                       nn.Conv2D((3, 3, 3), 2, 2, stride=1, use_bias=False),
                       nn.Dense(8, 2, "softmax")], seed=6)
CONV_ORIGINAL = CONV_NET.get_weights()
CONV_FIELDS = [(0, "input_shape"), (0, "filters"), (0, "kernel_size"), (0, "stride"), (0, "padding"),
               (1, "input_shape"), (1, "pool_size"), (1, "stride"),
               (2, "input_shape"), (2, "filters"), (2, "kernel_size"), (2, "stride"), (2, "padding")]
HUGE = [10**12, 2**31, 2**32, 2**63, 2**64, 10**30]
setting = st.one_of(
    st.integers(-3, 8), st.sampled_from(HUGE), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e13, max_value=1e13),
    st.sampled_from([3.0, 2.5, "3", "same", "valid", "", "full", "SAME"]),
    st.lists(st.one_of(st.integers(-1, 8), st.sampled_from(HUGE), st.booleans(), st.none(),
                       st.just(3.0), st.just("3")), max_size=4),
    st.dictionaries(st.just("h"), st.integers(1, 3), max_size=1),
)


@pytest.fixture(scope="module")
def conv_valid(workdir) -> bytes:
    path = workdir / "conv.npz"
    CONV_NET.save(path)
    return path.read_bytes()


@settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(CONV_FIELDS), setting), min_size=1, max_size=3),
       also_arrays=st.booleans())
def test_wrong_conv_settings_in_description(workdir, conv_valid, changes, also_arrays):
    """kernel_size, filters, stride, padding, input_shape, pool_size set to 0, negatives, 10**12,
    bools, floats, strings, lists of the wrong length, null: a one-line refusal (or, where the value
    still describes the stored arrays, the same weights), quickly, and without allocating for the
    sizes the description merely claims."""
    content = entries(conv_valid)
    doc = json.loads(np.load(io.BytesIO(content[modelfile.DOC_ENTRY])).tobytes())
    for (layer, field), value in changes:
        doc["network"]["layers"][layer][field] = value
    if also_arrays:   # make the array list agree with a claimed kernel, so only the .npy header remains
        spec = doc["arrays"]["weights/0.W"]
        kernel, image, filters = (doc["network"]["layers"][0].get(k) for k in
                                  ("kernel_size", "input_shape", "filters"))
        kernel = [kernel, kernel] if not isinstance(kernel, list) else kernel
        channels = image[2] if isinstance(image, list) and len(image) == 3 else None
        spec["shape"] = [*kernel[:2], channels, filters]
    content[modelfile.DOC_ENTRY] = _npy_text(json.dumps(doc))
    tracemalloc.start()
    try:
        check_outcome(workdir, rezip(content), "conv model file settings", CONV_ORIGINAL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20, f"loading allocated {peak / 2**20:.0f} MiB"
