"""A self-contained HTML report of a trained classifier: settings, curves, confusion, mistakes, weights.

Everything goes into one ``index.html`` (figures embedded as base64 PNG), so the file can be mailed or
opened anywhere without the folder it came from.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import numpy as np

from .errors import ConfigError


def _png(fig) -> str:
    """A figure as an <img> tag with the PNG inline."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _table(rows) -> str:
    cells = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


_STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25em .7em;text-align:left}
th{background:#f4f4f4}img{max-width:100%;height:auto}pre{background:#f7f7f7;padding:.8em;overflow:auto}
section{margin-bottom:2em}"""


def write_report(directory, network, history, X_test, y_test, settings: dict, class_names=None,
                 image_shape=None) -> Path:
    """Write ``directory/index.html`` describing ``network`` and how it did on ``(X_test, y_test)``.

    Sections: the settings table, the architecture summary, test loss and accuracy, the training
    curves (if ``history`` is given), the confusion matrix, the most confident mistakes and the
    first-layer weights as pictures (when the inputs are images: ``image_shape`` or a square number
    of inputs), or for a convolutional network its first filters and their feature maps. Returns the
    path of the HTML file.
    """
    from . import imaging, viz
    from .conv import Conv2D, MaxPool2D

    if not isinstance(settings, dict):
        raise ConfigError("write_report: settings must be a dict of name -> value")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    X = network.check_inputs(X_test, "X_test")
    y = np.asarray(y_test).reshape(-1)
    loss, acc = network.evaluate(X, y)
    pred = network.predict(X)
    names = class_names if class_names is not None else network.class_names
    try:
        shape = imaging.image_shape(X.shape[1], image_shape)
    except ConfigError:
        shape = None                          # not pictures: skip the image figures

    sections = [("Settings", _table(settings.items())),
                ("Network", f"<pre>{html.escape(network.summary())}</pre>"),
                ("Test results", _table([("examples", len(y)), ("loss", f"{loss:.4f}"),
                                         ("accuracy", f"{acc:.2%}" if not math.isnan(acc) else "n/a")]))]
    if history is not None and history.get("loss"):
        sections.append(("Training curves", _png(viz.plot_history(history))))
    n_classes = max(network.n_out, 2)
    sections.append(("Confusion matrix", _png(viz.plot_confusion(y, pred, n_classes, class_names=names,
                                                                       split="test"))))
    if shape is not None:
        sections.append(("Mistakes", _png(viz.plot_mistakes(network, X, y, class_names=names,
                                                           image_shape=shape, split="test"))))
        # A convolutional network's first layer is a set of small filters, not one weight per pixel:
        # show them with what they make of the first test image.
        if any(isinstance(layer, Conv2D) for layer in network.layers):
            sections.append(("First-layer filters", _png(viz.plot_filters(network, X[0]))))
        elif not any(isinstance(layer, MaxPool2D) for layer in network.layers):
            sections.append(("First-layer weights", _png(viz.plot_weights(network, image_shape=shape))))
    else:
        sections.append(("Network diagram", _png(viz.plot_network(network))))
    body = "\n".join(f"<section><h2>{html.escape(t)}</h2>\n{content}</section>" for t, content in sections)
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>neuronet report</title>'
            f"<style>{_STYLE}</style></head><body><h1>neuronet training report</h1>\n"
            f"{body}\n</body></html>\n")
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
