"""`neuronet export`: the format from the suffix, --print-torch, one-line errors with status 2."""

import numpy as np
import pytest

import neuronet as nn
from neuronet.cli import main

pytest.importorskip("onnx")
pytest.importorskip("safetensors")


@pytest.fixture
def model(tmp_path):
    net = nn.mlp([64, 8, 10], seed=0)
    path = tmp_path / "digits.npz"
    net.save(path)
    return path


def test_onnx_and_safetensors_by_suffix(model, tmp_path, capsys):
    import onnxruntime as ort

    assert main(["export", str(model), str(tmp_path / "m.onnx")]) == 0
    assert main(["export", str(model), str(tmp_path / "m.safetensors")]) == 0
    assert "wrote" in capsys.readouterr().out
    net = nn.load(model)
    x = np.random.default_rng(0).random((5, 64), dtype=np.float32)
    got = ort.InferenceSession(str(tmp_path / "m.onnx")).run(None, {"input": x})[0]
    np.testing.assert_allclose(got, net.predict_proba(x), atol=1e-5)
    other = nn.mlp([64, 8, 10], seed=1)
    nn.import_weights(other, tmp_path / "m.safetensors")
    np.testing.assert_array_equal(other.predict_proba(x), net.predict_proba(x))


def test_print_torch(model, capsys):
    assert main(["export", str(model), "--print-torch"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('"""The PyTorch twin') and "nn.Linear(64, 8)" in out


@pytest.mark.parametrize("argv, message", [
    (["OUT.pt"], "name a .onnx or a .safetensors file"),
    ([], "name a file to write"),
])
def test_mistakes_are_one_line_and_status_2(model, argv, message, capsys):
    assert main(["export", str(model), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_missing_model_is_one_line(tmp_path, capsys):
    assert main(["export", str(tmp_path / "absent.npz"), str(tmp_path / "m.onnx")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
