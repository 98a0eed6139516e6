"""The speed benchmark's own arithmetic and plumbing (its timings are figures, never asserted)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import _common  # noqa: E402
import speed  # noqa: E402

FASHION = Path(os.environ.get("NEURONET_DATA", "/nonexistent")) / "fashion-mnist"
needs_fashion = pytest.mark.skipif(not (FASHION / "train-images-idx3-ubyte.gz").exists(),
                                   reason="Fashion-MNIST not found under $NEURONET_DATA")


def test_epoch_gemms_count_forward_weight_gradient_and_all_but_the_first_input_gradient():
    gemms = speed.epoch_gemms([784, 128, 10], n=60000, batch=128)
    flops = sum(2 * count * m * k * n for count, m, k, n in gemms)
    # Per example: forward and weight gradient for both layers, input gradient for the second only.
    assert flops == 2 * 60000 * (2 * 784 * 128 + 3 * 128 * 10)
    # 60,000 = 468 full batches of 128 and one of 96.
    assert (468, 128, 784, 128) in gemms and (1, 96, 784, 128) in gemms


def test_child_env_sets_every_thread_pool_and_the_openblas_kernel(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    env = _common.child_env(2, "as-is")
    assert [env[v] for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")] == ["2"] * 3
    assert env["OPENBLAS_CORETYPE"] == "Haswell"
    assert "OPENBLAS_CORETYPE" not in _common.child_env(1, "auto")
    assert _common.child_env(1, "SkylakeX")["OPENBLAS_CORETYPE"] == "SkylakeX"
    assert os.environ["OPENBLAS_CORETYPE"] == "Haswell"      # the parent's own is untouched


@needs_fashion
@pytest.mark.slow
def test_speed_benchmark_runs_end_to_end_and_writes_its_json(tmp_path):
    out = tmp_path / "speed.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--configs", "adam",
                           "--threads", "1", "--frameworks", "neuronet", "--epochs", "2", "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "roofline" in proc.stdout and "NumPy GEMM" in proc.stdout
    (entry,) = json.loads(out.read_text())["results"]
    run = entry["neuronet"]
    assert len(run["epoch_seconds"]) == 2 and run["median_epoch_s"] > 0
    assert run["test_accuracy"] > 0.8            # two epochs of Adam on Fashion-MNIST reach ~85 %
    assert run["images_per_s"] > 0 and run["peak_rss_mb"] > 0 and run["blas_kernel"]
    assert entry["roofline"]["gflop"] == pytest.approx(24.5, abs=0.1)
    assert entry["ratio_neuronet_over_roofline"] == pytest.approx(
        run["median_epoch_s"] / entry["roofline"]["seconds"])


@needs_fashion
def test_conv_speed_benchmark_runs_and_reports_every_layer():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "conv_speed.py"), "--batches", "3",
                           "--repeats", "1", "--no-torch"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for row in ("s/epoch", "conv forward", "conv backward (first layer)", "conv backward (with dL/dx)",
                "maxpool forward", "maxpool backward", "2nd conv backward with dL/dx"):
        assert row in proc.stdout
    assert "3 batches" in proc.stdout


def test_conv_speed_refuses_a_batch_count_below_one():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "conv_speed.py"), "--batches", "0"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "--batches must be at least 1" in proc.stderr


import lenet_speed  # noqa: E402


def test_lenet_flops_count_forward_both_gradients_and_no_input_gradient_for_the_first_layer():
    flops = lenet_speed.epoch_flops(lenet_speed.neuronet_net(0), n=1)
    per_image = {  # 2·(output pixels)·(kh·kw·C)·F for a convolution, 2·n_in·n_out for a Dense
        "0 Conv2D": 2 * 26 * 26 * 9 * 32, "2 Conv2D": 2 * 11 * 11 * 288 * 64,
        "4 Dense": 2 * 1600 * 128, "5 Dense": 2 * 128 * 10}
    assert list(flops) == list(per_image)
    for name, f in per_image.items():
        assert flops[name]["forward"] == flops[name]["weight_grad"] == f
        assert flops[name]["input_grad"] == (0 if name == "0 Conv2D" else f)
    total = sum(sum(f.values()) for f in lenet_speed.epoch_flops(lenet_speed.neuronet_net(0)).values())
    assert total / 1e12 == pytest.approx(0.924, abs=0.001)       # the "~0.95 TFLOP an epoch"


@pytest.mark.torch
def test_lenet_benchmark_networks_start_from_the_same_weights_and_agree():
    torch = pytest.importorskip("torch")
    net, model = lenet_speed.neuronet_net(0), lenet_speed.torch_net(0)
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    with torch.no_grad():
        theirs = model(torch.from_numpy(x.reshape(3, 1, 28, 28))).numpy()
    np.testing.assert_allclose(net.outputs(x), theirs, rtol=1e-4, atol=1e-5)


@needs_fashion
@pytest.mark.slow
def test_lenet_benchmark_runs_and_writes_its_json(tmp_path):
    out = tmp_path / "lenet.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "lenet_speed.py"), "--batches", "2",
                           "--threads", "1", "--repeats", "1", "--infer-repeats", "1", "--no-torch",
                           "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for row in ("s/epoch", "× roofline", "roofline:", "conv2 64×3×3", "pool1", "dense 1600→128"):
        assert row in proc.stdout
    (entry,) = json.loads(out.read_text())["results"]
    run = entry["neuronet"]
    assert run["median_epoch_s"] > 0 and run["images_per_s"] > 0 and 0 < run["peak_rss_mb"] < 1500
    assert set(run["layer_ms"]) == set(lenet_speed.LAYER_NAMES)
    assert entry["ratio_neuronet_over_roofline"] == pytest.approx(run["median_epoch_s"] / run["roofline_s"])


def test_time_to_accuracy_same_init_starts_neuronet_from_the_torch_runs_weights():
    torch = pytest.importorskip("torch")
    import time_to_accuracy

    import neuronet as nn

    net = nn.cnn((28, 28, 1), [32, 64], [256, 10], activation="relu", output_activation="identity",
                 batch_norm=True, dropout=0.4, seed=0)
    x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    before = net.outputs(x)
    time_to_accuracy.torch_initial_weights(net, 1)
    model = time_to_accuracy.torch_model(1).eval()
    with torch.no_grad():
        theirs = model(torch.from_numpy(x.reshape(3, 1, 28, 28))).numpy()
    np.testing.assert_allclose(net.outputs(x), theirs, rtol=1e-4, atol=1e-5)
    assert not np.allclose(before, theirs, atol=1e-3)        # neuronet's own start was another one


def test_time_to_accuracy_same_init_without_safetensors_stops_in_one_line(monkeypatch):
    import time_to_accuracy

    monkeypatch.setitem(sys.modules, "safetensors.torch", None)        # as if not installed
    monkeypatch.setattr(sys, "argv", ["time_to_accuracy.py", "--same-init"])
    with pytest.raises(SystemExit) as stopped:
        time_to_accuracy.main()
    message = str(stopped.value)
    assert message.startswith("--same-init needs PyTorch and safetensors") and "\n" not in message
