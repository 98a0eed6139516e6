"""Downloader against a local HTTP server: good copy, 404, bad checksum, cut connection."""

import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from neuronet.datasets import download as dl
from neuronet.datasets import load, locate, sources
from neuronet.datasets.idx import write_idx
from neuronet.datasets.sources import DatasetInfo, FileSpec
from neuronet.errors import DatasetNotFoundError, DownloadError

NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


class Server:
    """A tiny HTTP server on 127.0.0.1: ``routes[path] = (status, body, mode)``.

    mode ``"cut"`` announces the full Content-Length but closes after half the body.
    """

    def __init__(self):
        self.routes = {}
        self.hits = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits.append(self.path)
                status, body, mode = outer.routes.get(self.path, (404, b"not here", "ok"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if mode == "cut":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.01,),
                                       daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def tiny(tmp_path_factory):
    """Four small, valid IDX files (5 train, 3 test images of 28x28) and their bytes."""
    src = tmp_path_factory.mktemp("src")
    rng = np.random.default_rng(1)
    arrays = [rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
              rng.integers(0, 10, 5, dtype=np.uint8),
              rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
              rng.integers(0, 10, 3, dtype=np.uint8)]
    blobs = {n: write_idx(src / n, a).read_bytes() for n, a in zip(NAMES, arrays, strict=True)}
    return arrays, blobs


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No real data anywhere: empty cache, no NEURONET_DATA, empty system folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NEURONET_DATA", raising=False)
    monkeypatch.setattr(locate, "SYSTEM_DATA_DIR", tmp_path / "system")
    return tmp_path


def register(monkeypatch, blobs, mirrors, with_sums=True):
    files = tuple(FileSpec(n, hashlib.sha256(blobs[n]).hexdigest() if with_sums else None,
                           len(blobs[n]) if with_sums else None) for n in NAMES)
    spec = DatasetInfo("tiny", "idx", tuple("0123456789"), (28, 28), 5, 3,
                       mirrors=tuple(mirrors), files=files)
    monkeypatch.setitem(sources.REGISTRY, "tiny", spec)
    return spec


def serve(server, prefix, blobs, mode="ok", status=200, only=None):
    for n, body in blobs.items():
        if only is None or n in only:
            server.routes[f"/{prefix}/{n}"] = (status, body, mode)


def cache_files(root: Path):
    return sorted(p.name for p in (root / "cache").rglob("*") if p.is_file())


def test_good_download_lands_in_cache_and_loads(server, tiny, isolated, monkeypatch):
    arrays, blobs = tiny
    serve(server, "a", blobs)
    register(monkeypatch, blobs, [server.base + "/a/"])
    (x, y), (xt, yt) = load("tiny", progress=False, download=True)
    np.testing.assert_allclose(x, arrays[0].reshape(5, -1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(yt, arrays[3])
    assert cache_files(isolated) == sorted(NAMES)
    # Second load comes from the cache, with no request at all.
    server.hits.clear()
    load("tiny", progress=False, download=True)
    assert server.hits == []


def test_404_falls_through_to_next_mirror(server, tiny, isolated, monkeypatch):
    _, blobs = tiny
    serve(server, "b", blobs)
    register(monkeypatch, blobs, [server.base + "/missing/", server.base + "/b/"])
    load("tiny", progress=False, download=True)
    assert f"/missing/{NAMES[0]}" in server.hits and f"/b/{NAMES[0]}" in server.hits
    assert cache_files(isolated) == sorted(NAMES)


def test_corrupt_file_rejected_by_checksum_and_nothing_left(server, tiny, isolated, monkeypatch):
    _, blobs = tiny
    bad = {n: bytes([b[0] ^ 1]) + b[1:] for n, b in blobs.items()}  # same size, one bit off
    serve(server, "bad", bad)
    register(monkeypatch, blobs, [server.base + "/bad/"])
    with pytest.raises(DatasetNotFoundError, match="sha256 mismatch"):
        load("tiny", progress=False, download=True)
    assert cache_files(isolated) == []


def test_corrupt_mirror_then_good_mirror(server, tiny, isolated, monkeypatch):
    _, blobs = tiny
    serve(server, "bad", {n: b[:-1] + b"\x00" for n, b in blobs.items()})
    serve(server, "good", blobs)
    register(monkeypatch, blobs, [server.base + "/bad/", server.base + "/good/"])
    load("tiny", progress=False, download=True)
    assert cache_files(isolated) == sorted(NAMES)


def test_connection_cut_mid_file_tries_next_mirror(server, tiny, isolated, monkeypatch):
    _, blobs = tiny
    serve(server, "cut", blobs, mode="cut")
    serve(server, "good", blobs)
    register(monkeypatch, blobs, [server.base + "/cut/", server.base + "/good/"])
    load("tiny", progress=False, download=True)
    assert f"/cut/{NAMES[0]}" in server.hits and f"/good/{NAMES[0]}" in server.hits
    assert cache_files(isolated) == sorted(NAMES)


def test_connection_cut_everywhere_leaves_nothing(server, tiny, isolated, monkeypatch):
    _, blobs = tiny
    serve(server, "cut", blobs, mode="cut")
    register(monkeypatch, blobs, [server.base + "/cut/"])
    with pytest.raises(DatasetNotFoundError) as err:
        load("tiny", progress=False, download=True)
    assert "connection closed" in str(err.value)
    assert cache_files(isolated) == []


def test_without_checksums_the_idx_structure_is_verified(server, tiny, isolated, monkeypatch):
    _, blobs = tiny
    # Truncated gzip that a size/sha check cannot catch (none are known): IDX check must.
    serve(server, "trunc", {n: b[: len(b) - 10] for n, b in blobs.items()})
    serve(server, "good", blobs)
    register(monkeypatch, blobs, [server.base + "/trunc/", server.base + "/good/"],
             with_sums=False)
    load("tiny", progress=False, download=True)
    assert f"/trunc/{NAMES[0]}" in server.hits
    assert cache_files(isolated) == sorted(NAMES)
    for n in NAMES:
        assert (isolated / "cache" / "neuronet" / "tiny" / n).read_bytes() == blobs[n]


def test_download_false_lists_places_tried(tiny, isolated, monkeypatch, tmp_path):
    _, blobs = tiny
    register(monkeypatch, blobs, ["http://127.0.0.1:9/"])
    with pytest.raises(DatasetNotFoundError) as err:
        load("tiny", data_dir=tmp_path / "mine", download=False)
    text = str(err.value)
    for place in ("data_dir", "cache", "system", "download=False", "NEURONET_DATA",
                  str(tmp_path / "mine")):
        assert place in text
    assert "\n" not in text


def test_download_file_reports_every_mirror(server, tmp_path):
    with pytest.raises(DownloadError) as err:
        dl.download_file([server.base + "/x", server.base + "/y"], tmp_path / "f",
                         progress=False)
    assert str(err.value).count("HTTP 404") == 2
    assert list(tmp_path.iterdir()) == []


def test_oversized_body_is_refused(server, tmp_path):
    server.routes["/big"] = (200, b"x" * 1000, "ok")
    with pytest.raises(DownloadError, match="expected 10"):
        dl.download_file([server.base + "/big"], tmp_path / "f", size=10, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_progress_line_without_tqdm(server, tmp_path, monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name == "tqdm":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    server.routes["/f"] = (200, b"abc", "ok")
    dl.download_file([server.base + "/f"], tmp_path / "f", progress=True)
    assert "3 bytes" in capsys.readouterr().err
    assert (tmp_path / "f").read_bytes() == b"abc"


def test_unwritable_cache_is_one_clear_error(server, tiny, isolated, monkeypatch):
    _, blobs = tiny
    serve(server, "a", blobs)
    register(monkeypatch, blobs, [server.base + "/a/"])
    (isolated / "cache").write_bytes(b"")  # the cache "folder" is a file
    with pytest.raises(DatasetNotFoundError, match="cannot create folder") as err:
        load("tiny", progress=False, download=True)
    assert str(isolated / "cache") in str(err.value) and "\n" not in str(err.value)
    assert server.hits == []


def test_upper_case_checksum_in_registry_still_reuses_the_cache(server, tiny, isolated,
                                                                monkeypatch):
    _, blobs = tiny
    serve(server, "a", blobs)
    spec = register(monkeypatch, blobs, [server.base + "/a/"])
    upper = tuple(FileSpec(f.name, f.sha256.upper(), f.size) for f in spec.files)
    monkeypatch.setitem(sources.REGISTRY, "tiny", DatasetInfo(
        "tiny", "idx", spec.class_names, spec.shape, 5, 3, mirrors=spec.mirrors, files=upper))
    load("tiny", progress=False, download=True)
    assert len(server.hits) == 4
    load("tiny", progress=False, download=True)
    assert len(server.hits) == 4  # verified copies in the cache were reused
