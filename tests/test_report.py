import base64
import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import neuronet as nn  # noqa: E402
from neuronet.report import write_report  # noqa: E402


def _data(seed=0, n=60):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.random((n, 16)).astype(np.float32) * 0.3
    X[np.arange(n), y * 5] += 1.0          # one bright pixel per class, so it is learnable
    return X, y


def test_report_is_one_self_contained_html_file(tmp_path):
    X, y = _data()
    net = nn.mlp([16, 8, 3], activation="relu", seed=0)
    history = net.fit(X, y, epochs=3, batch_size=16, validation_data=(X, y), optimizer=nn.Adam(0.01))
    path = write_report(tmp_path / "rep", net, history, X, y, settings={"epochs": 3, "note": "<b>&"},
                        class_names=["cat", "dog", "owl"])
    assert path == tmp_path / "rep" / "index.html"
    assert [p.name for p in (tmp_path / "rep").iterdir()] == ["index.html"]
    page = path.read_text()
    assert page.startswith("<!DOCTYPE html>")
    for heading in ("Settings", "Training curves", "Confusion matrix", "Mistakes", "First-layer weights"):
        assert f"<h2>{heading}</h2>" in page
    assert "&lt;b&gt;&amp;" in page and "<b>&" not in page       # settings are escaped
    _, acc = net.evaluate(X, y)
    assert f"{acc:.2%}" in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 4
    assert all(base64.b64decode(i)[:4] == b"\x89PNG" for i in images)
    assert "http://" not in page and "https://" not in page        # nothing fetched from elsewhere


def test_report_without_history_or_pictures_draws_the_network(tmp_path):
    X, y = _data()
    X7 = X[:, :7]            # 7 inputs are not a picture
    net7 = nn.mlp([7, 4, 3], seed=1)
    page = write_report(tmp_path, net7, None, X7, y, settings={}).read_text()
    assert "Training curves" not in page and "Mistakes" not in page
    assert "<h2>Network diagram</h2>" in page


def test_report_of_a_convolutional_network_shows_its_filters(tmp_path):
    X, y = _data()
    net = nn.Network([nn.Conv2D((4, 4, 1), filters=3, kernel_size=3, padding="same", activation="relu"),
                      nn.Dense(4 * 4 * 3, 3, activation="softmax")], seed=0)
    page = write_report(tmp_path, net, None, X, y, settings={}).read_text()
    assert "<h2>First-layer filters</h2>" in page and "First-layer weights" not in page
