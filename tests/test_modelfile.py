"""Model files: exact round trips, atomic writes, and a ModelFileError for every kind of damage."""

import io
import json
import os
import pickle
import stat
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from modelfile_bytes import edit_doc, entries, npy_bytes, rebuild

import neuronet as nn
from neuronet import modelfile
from neuronet.errors import ConfigError, ModelFileError
from neuronet.training import TrainState


def small_net(dtype="float32", seed=3):
    net = nn.Network([nn.Dense(5, 8, "relu"), nn.Dropout(0.25), nn.Dense(8, 3, "softmax")],
                     seed=seed, dtype=dtype, class_names=["cat", "dog", "émeu"])
    net.preprocessing = {"scale": 1 / 255, "mean": [0.1, 0.2]}
    return net


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    small_net().save(path, epochs=4, note="hello")
    return path


def load_error(path) -> str:
    with pytest.raises(ModelFileError) as exc:
        nn.load(path)
    message = str(exc.value)
    assert "\n" not in message and str(path) in message
    return message


# --- round trips ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_is_exact(tmp_path, dtype):
    net = small_net(dtype)
    X = np.random.default_rng(0).normal(size=(20, 5))
    net.fit(X, np.arange(20) % 3, epochs=2, batch_size=4, optimizer="adam")  # weights no longer initial
    path = tmp_path / "m.npz"
    net.save(path, epochs=2, lr=1e-3, tags=["a", "b"], nested={"k": None})
    back = nn.load(path)
    assert back.dtype == np.dtype(dtype)
    for (name, p, _), (name2, q, _) in zip(net.parameters(), back.parameters(), strict=True):
        assert name == name2 and p.dtype == q.dtype and np.array_equal(p, q)
    assert np.array_equal(net.predict_proba(X), back.predict_proba(X))
    assert back.get_config() == net.get_config()
    assert back.class_names == ["cat", "dog", "émeu"]
    assert back.preprocessing == {"scale": 1 / 255, "mean": [0.1, 0.2]}
    about = modelfile.info(path)
    assert about["metadata"] == {"epochs": 2, "lr": 1e-3, "tags": ["a", "b"], "nested": {"k": None}}
    assert about["kind"] == "model" and about["format_version"] == modelfile.FORMAT_VERSION
    assert about["n_params"] == net.n_params


def test_file_is_plain_npz_and_deterministic(tmp_path, saved):
    with np.load(saved, allow_pickle=False) as z:
        assert set(z.files) == {"__neuronet__", "weights/0.W", "weights/0.b", "weights/2.W", "weights/2.b"}
        assert np.array_equal(z["weights/0.W"], small_net().layers[0].W)
    again = tmp_path / "again.npz"
    small_net().save(again, epochs=4, note="hello")
    assert again.read_bytes() == saved.read_bytes()


def test_metadata_must_be_json(tmp_path, saved):
    before = saved.read_bytes()
    for bad in ({"when": object()}, {"arr": np.zeros(3)}, {"d": {1: "x"}}):
        with pytest.raises(ConfigError):
            small_net().save(saved, **bad)
    assert saved.read_bytes() == before and os.listdir(saved.parent) == ["model.npz"]
    small_net().save(tmp_path / "np.npz", n=np.int64(7), x=np.float32(0.5))
    assert modelfile.info(tmp_path / "np.npz")["metadata"] == {"n": 7, "x": 0.5}


def test_checkpoint_round_trip(tmp_path):
    net = small_net()
    X = np.random.default_rng(1).normal(size=(30, 5))
    opt = nn.Adam(1e-2)
    net.fit(X, np.arange(30) % 3, epochs=1, batch_size=8, optimizer=opt)
    big = np.random.default_rng(2**100 + 7).bit_generator.state   # 128-bit integers inside
    state = TrainState(epoch=1, batch=2, loss_sum=0.1 + 0.2, correct=5, seen=16, dropout_rng=[big])
    state.history.append({"loss": 1 / 3, "accuracy": 0.5, "lr": 0.01, "seconds": 0.2})
    path = tmp_path / "ck.npz"
    modelfile.save_checkpoint(path, net, opt, state)
    net2, opt2, state2 = modelfile.load_checkpoint(path)
    # Exact floats and 128-bit bit-generator integers (JSON text also compares NaN with NaN).
    assert json.dumps(state2.to_dict()) == json.dumps(state.to_dict())
    assert state2.dropout_rng[0]["state"]["state"] == big["state"]["state"] > 2**64
    assert opt2.get_config() == opt.get_config() and opt2.iterations == opt.iterations
    a, b = opt.state_arrays(), opt2.state_arrays()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
    assert all(np.array_equal(p, q) for (_, p, _), (_, q, _) in zip(net.parameters(), net2.parameters(),
                                                                    strict=True))
    # A checkpoint also loads as a plain model.
    assert np.array_equal(nn.load(path).predict_proba(X), net.predict_proba(X))
    net.save(tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match="not a training checkpoint"):
        modelfile.load_checkpoint(tmp_path / "m.npz")


# --- atomic writes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), RuntimeError("boom"),
                                     KeyboardInterrupt()])
def test_failed_write_keeps_old_file_and_leaves_no_temp(saved, monkeypatch, failure):
    before = saved.read_bytes()
    real, calls = modelfile._write_npy, []

    def dying_write(zf, name, arr):
        calls.append(name)
        if len(calls) == 3:   # fail mid-file, after two entries were written
            raise failure
        real(zf, name, arr)

    monkeypatch.setattr(modelfile, "_write_npy", dying_write)
    expected = ModelFileError if isinstance(failure, OSError) else type(failure)
    with pytest.raises(expected):
        nn.Network([nn.Dense(5, 2, "softmax")], seed=9).save(saved)
    assert saved.read_bytes() == before
    assert os.listdir(saved.parent) == ["model.npz"]
    nn.load(saved)


def test_failed_rename_keeps_old_file(saved, monkeypatch):
    before = saved.read_bytes()

    def no_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(modelfile.os, "replace", no_replace)
    with pytest.raises(ModelFileError, match="cannot write"):
        small_net(seed=4).save(saved)
    assert saved.read_bytes() == before and os.listdir(saved.parent) == ["model.npz"]


def test_unwritable_directory(tmp_path):
    with pytest.raises(ModelFileError, match="cannot write"):
        small_net().save(tmp_path / "no" / "such" / "dir.npz")


# --- damaged files -------------------------------------------------------------------------------------
def test_truncated_at_every_offset(saved):
    data = saved.read_bytes()
    for cut in range(len(data)):
        saved.write_bytes(data[:cut])
        load_error(saved)


def _data_offset(path, entry):
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(entry)
    raw = path.read_bytes()
    start = info.header_offset + 30 + int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28],
                                                     "little") + int.from_bytes(
        raw[info.header_offset + 28:info.header_offset + 30], "little")
    return start + 128   # numpy's header for these arrays is 128 bytes


def test_flipped_byte_in_weights(saved):
    raw = bytearray(saved.read_bytes())
    raw[_data_offset(saved, "weights/0.W.npy") + 5] ^= 0x10
    saved.write_bytes(bytes(raw))
    assert "corrupt: checksum of weights/0.W does not match" in load_error(saved)


def test_changed_weights_with_valid_zip_fail_sha256(saved):
    content = entries(saved)
    arr = np.load(io.BytesIO(content["weights/2.b.npy"]))
    content["weights/2.b.npy"] = npy_bytes(arr + np.float32(1e-3))
    rebuild(saved, content)
    assert load_error(saved).endswith("corrupt: checksum of weights/2.b does not match")


def test_edited_json_shape(saved):
    edit_doc(saved, lambda d: d["arrays"]["weights/0.W"].update(shape=[5, 9]))
    assert "weights/0.W is listed with shape [5, 9], but the architecture needs [5, 8]" in load_error(saved)


def test_architecture_and_arrays_disagree(saved):
    def widen(d):
        d["network"]["layers"][0]["n_out"] = 9
        d["network"]["layers"][2]["n_in"] = 9
        d["arrays"]["weights/0.W"]["shape"] = [5, 9]
        d["arrays"]["weights/0.b"]["shape"] = [9]
        d["arrays"]["weights/2.W"]["shape"] = [9, 3]
    edit_doc(saved, widen)
    assert "has shape (5, 8) in its header, but the architecture needs (5, 9)" in load_error(saved)


def _huge_header(arr_bytes, shape):
    """The same .npy data behind a new version 1.0 header that declares ``shape``."""
    text = f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape!r}, }}"
    text += " " * (-(10 + len(text) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text.encode() + arr_bytes[128:]


def test_huge_shape_in_header_is_refused_before_allocation(saved):
    huge = (10**6, 10**6)
    content = entries(saved)
    content["weights/0.W.npy"] = _huge_header(content["weights/0.W.npy"], huge)
    rebuild(saved, content)
    tracemalloc.start()
    message = load_error(saved)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "(1000000, 1000000) in its header" in message and peak < 2_000_000

    # Now make the description and architecture agree with the huge header: the entry's real size
    # gives it away, still before anything is allocated.
    def grow(d):
        d["network"]["layers"][0].update(n_in=10**6, n_out=10**6)
        d["network"]["layers"][2]["n_in"] = 10**6
        d["arrays"]["weights/0.W"]["shape"] = list(huge)
        d["arrays"]["weights/0.b"]["shape"] = [10**6]
        d["arrays"]["weights/2.W"]["shape"] = [10**6, 3]
    edit_doc(saved, grow)
    tracemalloc.start()
    message = load_error(saved)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "data bytes, expected" in message and peak < 2_000_000


@pytest.mark.parametrize("dtype", ["<i4", "<f2", ">f4", "<c8"])
def test_wrong_dtype(saved, dtype):
    content = entries(saved)
    w = np.load(io.BytesIO(content["weights/0.W.npy"]))
    content["weights/0.W.npy"] = npy_bytes(w.astype(dtype))
    rebuild(saved, content)
    assert f"weights/0.W has dtype {np.dtype(dtype).str}, expected <f4" in load_error(saved)


class _MakesMarker:
    """Unpickling this creates a file: proof, if the file appears, that something was unpickled."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pickled_payloads_are_never_unpickled(tmp_path, saved):
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_MakesMarker(probe)))   # the payload really is live ...
    assert probe.exists()
    marker = tmp_path / "marker"
    payload = pickle.dumps(_MakesMarker(marker))

    renamed = tmp_path / "evil.npz"                    # ... but a pickle named .npz is refused
    renamed.write_bytes(payload)
    assert "not a zip archive" in load_error(renamed)

    # An object-dtype .npy (a pickle inside) in place of the weights.
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([_MakesMarker(marker)], dtype=object), allow_pickle=True)
    content = entries(saved)
    content["weights/0.W.npy"] = buf.getvalue()
    rebuild(saved, content)
    assert "weights/0.W has dtype |O, expected <f4" in load_error(saved)
    with pytest.raises(ModelFileError):
        modelfile.info(renamed)
    assert not marker.exists()


def test_missing_and_extra_entries(saved):
    content = entries(saved)
    rebuild(saved, {k: v for k, v in content.items() if k != "weights/2.b.npy"})
    assert "missing entry weights/2.b.npy" in load_error(saved)
    rebuild(saved, {**content, "extra.npy": content["weights/2.b.npy"]})
    assert "unexpected entry 'extra.npy'" in load_error(saved)
    rebuild(saved, {k: v for k, v in content.items() if k != modelfile.DOC_ENTRY})
    assert "no __neuronet__.npy entry" in load_error(saved)


def test_newer_format_version(saved):
    edit_doc(saved, lambda d: d.update(format_version=2, neuronet_version="9.0"))
    message = load_error(saved)
    assert "written in format version 2" in message and "reads format version 1" in message
    with pytest.raises(ModelFileError, match="format version 2"):
        modelfile.info(saved)


@pytest.mark.parametrize("text", [b"\xff\xfe not utf-8", b"{not json", b"[" * 100_000, b"[1, 2]",
                                  b'{"format": "something-else"}'])
def test_bad_description(saved, text):
    content = entries(saved)
    content[modelfile.DOC_ENTRY] = npy_bytes(np.frombuffer(text, np.uint8))
    rebuild(saved, content)
    load_error(saved)


def test_bad_fields_in_description(saved):
    good = saved.read_bytes()
    changes = [lambda d: d.update(kind="weights"), lambda d: d["network"].update(dtype="int8"),
               lambda d: d["network"]["layers"][0].update(n_in="5"),
               lambda d: d["network"]["layers"][0].update(activation="no-such-activation"),
               lambda d: d["network"].update(loss="nope"), lambda d: d.pop("arrays"),
               lambda d: d["arrays"]["weights/0.W"].update(sha256="00"),
               lambda d: d["arrays"].update({"weights/7.W": d["arrays"]["weights/0.W"]}),
               lambda d: d.update(format_version=True)]
    for change in changes:
        saved.write_bytes(good)
        edit_doc(saved, change)
        load_error(saved)


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d.update(metadata=[1, 2]), "metadata must be an object, got [1, 2]"),
    (lambda d: d["network"].update(preprocessing="raw"), "network.preprocessing must be an object"),
    (lambda d: d["network"].update(class_names={"a": 1}), "network.class_names must be a list"),
])
def test_description_fields_of_the_wrong_type(saved, change, fragment):
    edit_doc(saved, change)
    assert fragment in load_error(saved)
    with pytest.raises(ModelFileError, match="must be"):
        modelfile.info(saved)


def test_missing_metadata_reads_as_empty(saved):
    edit_doc(saved, lambda d: d.pop("metadata"))
    assert modelfile.info(saved)["metadata"] == {}
    nn.load(saved)


def test_compressed_entries_are_refused(tmp_path, saved):
    content = entries(saved)
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in content.items():
            zf.writestr(name, data)
    assert "compressed" in load_error(saved)


def test_not_a_model_file(tmp_path):
    assert "no such file" in load_error(tmp_path / "absent.npz")
    (tmp_path / "empty.npz").write_bytes(b"")
    assert "empty" in load_error(tmp_path / "empty.npz")
    (tmp_path / "text.npz").write_text("hello, I am not a zip file\n" * 10)
    assert "not a zip archive" in load_error(tmp_path / "text.npz")
    assert "directory" in load_error(tmp_path)
    np.savez(tmp_path / "plain.npz", a=np.zeros(3))
    assert "no __neuronet__.npy entry" in load_error(tmp_path / "plain.npz")


def test_a_killed_writers_old_temporary_is_removed_by_the_next_save(tmp_path):
    """SIGKILL during a save leaves `.name.xxxx.tmp`; the next save of that file removes it once it is
    old, and leaves a fresh one (possibly another writer's) alone."""
    import os
    import time

    import neuronet as nn
    from neuronet import modelfile as mf

    net = nn.Network([nn.Dense(3, 2, "softmax")], seed=0)
    target = tmp_path / "m.npz"
    old = tmp_path / ".m.npz.0123456789ab.tmp"
    fresh = tmp_path / ".m.npz.ba9876543210.tmp"
    old.write_bytes(b"half a file")
    fresh.write_bytes(b"someone is writing")
    past = time.time() - mf.STALE_TEMPORARY_SECONDS - 5
    os.utime(old, (past, past))
    net.save(target)
    assert not old.exists() and fresh.exists() and target.exists()


@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_save_refuses_what_is_not_a_regular_file(tmp_path, kind):
    net = nn.mlp([3, 2], seed=0)
    if kind == "directory":
        target = tmp_path / "m.npz"
        target.mkdir()
        (target / "keep.txt").write_text("mine")
    elif kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    else:
        target = Path("/dev/null")
    with pytest.raises(nn.ModelFileError, match=f"cannot save to {target}: it is a") as exc:
        net.save(target)
    assert "\n" not in str(exc.value)
    if kind == "directory":
        assert (target / "keep.txt").read_text() == "mine"
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(target).st_mode)
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")] or kind == "device"


def test_save_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "models" / "real.npz"
    real.parent.mkdir()
    nn.mlp([3, 2], seed=0).save(real)
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    net = nn.mlp([3, 2], seed=5)
    net.save(link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    X = np.ones((1, 3), dtype=np.float32)
    np.testing.assert_array_equal(nn.load(real).predict_proba(X), net.predict_proba(X))
    dangling = tmp_path / "new.npz"
    dangling.symlink_to(tmp_path / "models" / "made.npz")
    net.save(dangling)
    assert (tmp_path / "models" / "made.npz").is_file() and dangling.is_symlink()


def test_a_model_declaring_an_absurd_input_is_refused_at_load(tmp_path):
    """A 2 KB file whose MaxPool2D takes 50,000 × 50,000 images: no weights to bound its size, so
    load itself refuses it, before predict could ask for gigabytes."""
    net = nn.Network([nn.MaxPool2D((2, 2, 1), pool_size=2), nn.Dense(1, 2, "softmax")], seed=0)
    path = tmp_path / "huge.npz"
    net.save(path)

    def enlarge(doc):
        doc["network"]["layers"][0]["input_shape"] = [50_000, 50_000, 1]
        doc["network"]["layers"][0]["pool_size"] = 50_000

    edit_doc(path, enlarge)
    assert path.stat().st_size < 4096
    with pytest.raises(ModelFileError, match=r"its input has 2,500,000,000 values per example, more than "
                                             r"the 16,777,216 a model file may ask for") as exc:
        nn.load(path)
    assert "\n" not in str(exc.value)
    tracemalloc.start()
    with pytest.raises(ModelFileError):
        nn.load(path)
    assert tracemalloc.get_traced_memory()[1] < 50 << 20
    tracemalloc.stop()
