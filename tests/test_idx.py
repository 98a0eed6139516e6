"""IDX reader/writer: round trips for every type code, and every way a header can lie."""

import gzip
import struct
import time
import tracemalloc

import numpy as np
import pytest

from neuronet.datasets import idx
from neuronet.datasets.idx import TYPE_CODES, read_idx, read_idx_header, write_idx
from neuronet.errors import DataError, ShapeError

DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.int16, 0x0C: np.int32,
          0x0D: np.float32, 0x0E: np.float64}


def sample(dtype, shape=(3, 4, 5)):
    rng = np.random.default_rng(0)
    if np.dtype(dtype).kind == "f":
        return (rng.normal(size=shape) * 1e3).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)


def header(code, dims):
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("code", sorted(DTYPES))
def test_round_trip_every_type_code(tmp_path, code, suffix):
    a = sample(DTYPES[code])
    p = write_idx(tmp_path / f"a-idx3{suffix}", a)
    b = read_idx(p)
    assert b.dtype == np.dtype(DTYPES[code]) and b.dtype.isnative
    np.testing.assert_array_equal(a, b)
    # The file itself holds the documented layout: type code byte and big-endian payload.
    raw = gzip.decompress(p.read_bytes()) if suffix else p.read_bytes()
    assert raw[:4] == bytes([0, 0, code, 3])
    assert raw[16:] == a.astype(TYPE_CODES[code]).tobytes()


def test_reads_file_written_by_hand(tmp_path):
    p = tmp_path / "labels"
    p.write_bytes(header(0x0B, [3]) + struct.pack(">3h", -2, 300, 7))
    np.testing.assert_array_equal(read_idx(p), [-2, 300, 7])
    assert read_idx_header(p) == (np.dtype(">i2"), (3,))


def test_gzip_output_is_reproducible(tmp_path):
    a = sample(np.uint8)
    first = write_idx(tmp_path / "1.gz", a).read_bytes()
    assert first == write_idx(tmp_path / "2.gz", a).read_bytes()


def test_writer_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    p = write_idx(tmp_path / "x.gz", sample(np.uint8))
    before = p.read_bytes()
    # A failure while writing must leave the old file intact and no temporary file behind.
    class DiskFull(gzip.GzipFile):
        def write(self, data):
            super().write(data[:3])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(idx.gzip, "GzipFile", DiskFull)
    with pytest.raises(DataError, match="cannot write \\(No space left on device\\)") as err:
        write_idx(p, sample(np.uint8, (9, 9)))
    assert str(p) in str(err.value)
    monkeypatch.undo()
    assert p.read_bytes() == before
    assert [q.name for q in tmp_path.iterdir()] == ["x.gz"]


@pytest.mark.parametrize("dtype", [np.int64, np.uint16, np.bool_, np.float16, np.complex64])
def test_writer_refuses_types_without_code(tmp_path, dtype):
    with pytest.raises(ShapeError, match="no IDX type code"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=dtype))


def test_writer_refuses_scalar(tmp_path):
    with pytest.raises(ShapeError, match="dimensions"):
        write_idx(tmp_path / "x", np.array(3, dtype=np.uint8))


def test_writer_refuses_what_the_reader_would_refuse(tmp_path):
    write_idx(tmp_path / "ok", np.zeros((1,) * 16, np.uint8))
    assert read_idx(tmp_path / "ok").shape == (1,) * 16
    with pytest.raises(ShapeError, match="1..16 dimensions, got 17"):
        write_idx(tmp_path / "x", np.zeros((1,) * 17, np.uint8))
    assert not (tmp_path / "x").exists()


def test_writer_unwritable_destination_is_data_error(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    target = tmp_path / "file" / "x.gz"  # its parent is a file, not a folder
    with pytest.raises(DataError, match="cannot write") as err:
        write_idx(target, np.zeros(3, np.uint8))
    assert str(target) in str(err.value) and "\n" not in str(err.value)


def test_writer_handles_non_contiguous_and_big_endian_input(tmp_path):
    a = sample(np.int32, (6, 8))[:, ::2]
    b = read_idx(write_idx(tmp_path / "nc", a))
    np.testing.assert_array_equal(a, b)
    swapped = a.astype(">i4")
    np.testing.assert_array_equal(read_idx(write_idx(tmp_path / "be.gz", swapped)), a)


MALFORMED = {
    "empty": (b"", "magic number"),
    "short magic": (b"\x00\x00\x08", "magic number"),
    "bad magic": (b"\x12\x34\x08\x01" + struct.pack(">I", 1) + b"\x00", "not an IDX file"),
    "unknown type": (header(0x0A, [2]) + b"\x00\x00", "unknown IDX type code 0x0A"),
    "zero dims": (b"\x00\x00\x08\x00", "0 dimensions"),
    "too many dims": (b"\x00\x00\x08\x40" + b"\x00" * 256, "64 dimensions"),
    "dims cut": (b"\x00\x00\x08\x03" + struct.pack(">2I", 2, 2), "dimension sizes"),
    "payload short": (header(0x08, [2, 3]) + b"\x00" * 5, "header claims 2x3"),
    "payload long": (header(0x08, [2, 3]) + b"\x00" * 7, "header claims 2x3"),
    "int32 short": (header(0x0C, [2]) + b"\x00" * 7, "8 payload bytes"),
    "over limit": (header(0x0E, [2**31, 2**31]), "over the"),
}


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_raise_one_clear_error(tmp_path, case, suffix):
    data, message = MALFORMED[case]
    p = tmp_path / f"bad{suffix}"
    p.write_bytes(gzip.compress(data) if suffix else data)
    if suffix and case in ("payload short", "int32 short"):
        message = "truncated"
    if suffix and case == "payload long":
        message = "trailing data"
    with pytest.raises(DataError, match=message) as err:
        read_idx(p)
    text = str(err.value)
    assert str(p) in text and "\n" not in text


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_tiny_file_claiming_a_billion_images_is_refused_fast(tmp_path, suffix):
    data = header(0x08, [10**9, 28, 28]) + b"\x00" * 84  # 100 bytes
    assert len(data) == 100
    p = tmp_path / f"liar{suffix}"
    p.write_bytes(gzip.compress(data) if suffix else data)
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="header claims"):
        read_idx(p)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 1_000_000


def test_gz_claim_beyond_deflate_ratio_refused_before_decompressing(tmp_path):
    # 50 MB claimed by a ~100-byte .gz: impossible for deflate, so refused from the sizes alone.
    p = tmp_path / "bomb.gz"
    p.write_bytes(gzip.compress(header(0x08, [50_000, 1000]) + b"\x00" * 10))
    with pytest.raises(DataError, match="impossible"):
        read_idx(p)


def test_gz_bomb_within_limit_reads_no_more_than_claimed(tmp_path):
    # Honest-looking header for 1 MB, but the stream decompresses to 20 MB of zeros.
    p = tmp_path / "bomb.gz"
    p.write_bytes(gzip.compress(header(0x08, [1000, 1000]) + b"\x00" * 20_000_000))
    tracemalloc.start()
    with pytest.raises(DataError, match="trailing data"):
        read_idx(p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000


def test_max_bytes_is_configurable(tmp_path):
    p = write_idx(tmp_path / "x", np.zeros((10, 10), np.uint8))
    assert read_idx(p, max_bytes=100).shape == (10, 10)
    with pytest.raises(DataError, match="over the 99-byte limit"):
        read_idx(p, max_bytes=99)


def test_corrupt_gzip_stream(tmp_path):
    good = gzip.compress(header(0x08, [100]) + bytes(range(100)))
    p = tmp_path / "x.gz"
    p.write_bytes(good[:-8] + b"\xff" * 8)  # CRC and length trailer wrong
    with pytest.raises(DataError, match="gzip"):
        read_idx(p)
    p.write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match="corrupt or truncated gzip") as err:
        read_idx(p)
    assert str(err.value).startswith(f"{p}: ")


def test_missing_file_is_data_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_idx(tmp_path / "nope")


def test_zero_sized_dimension_is_fine(tmp_path):
    p = write_idx(tmp_path / "e.gz", np.zeros((0, 28, 28), np.uint8))
    assert read_idx(p).shape == (0, 28, 28)


def test_header_reader_raises_the_same_clear_errors(tmp_path):
    p = write_idx(tmp_path / "x.gz", np.zeros((4, 2), np.int16))
    assert read_idx_header(p) == (np.dtype(">i2"), (4, 2))
    with pytest.raises(DataError, match="no such file"):
        read_idx_header(tmp_path / "nope")
    bad = tmp_path / "bad.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(DataError, match="corrupt or truncated gzip") as err:
        read_idx_header(bad)
    assert str(bad) in str(err.value) and "\n" not in str(err.value)
