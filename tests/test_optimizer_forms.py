"""Each optimiser against its formula written out in plain NumPy float64, over 50 steps of random
gradients (with weight decay, clipping, AdamW's decoupled decay, Nesterov); Adam's rearranged update
against its paper form over many steps; checkpoints holding Adam's weighted sums (slots ``grad_sum``,
``sq_grad_sum``) resuming exactly; and the step benchmark's reference being the code that ran before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import neuronet as nn
from neuronet import modelfile
from neuronet.history import TrainState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import optimizer_step  # noqa: E402

SHAPES = {"0.W": (5, 4), "0.b": (4,), "1.W": (4, 3), "1.b": (3,)}
STEPS = 50


def _weights(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {k: rng.normal(size=s).astype(dtype) for k, s in SHAPES.items()}


def _gradients(steps, seed=1, dtype=np.float64):
    """Random gradients whose size varies over three decades, so clipping acts on some steps only."""
    rng = np.random.default_rng(seed)
    return [{k: (10.0 ** rng.uniform(-2, 1) * rng.normal(size=s)).astype(dtype) for k, s in SHAPES.items()}
            for _ in range(steps)]


def _run(opt, grads, weights, epoch_every=None):
    """``opt`` stepped through ``grads`` from ``weights`` (copied); a schedule moves every ``epoch_every``."""
    w = {k: v.copy() for k, v in weights.items()}
    for i, gs in enumerate(grads):
        if epoch_every:
            opt.set_epoch(i // epoch_every)
        opt.step([(k, w[k], gs[k].copy()) for k in w])
    return w


def paper_form(opt):
    """``opt`` (Adam or AdamW) stepping through ``paper_update``, Algorithm 1 line for line."""
    opt._update, opt.slot_names = opt.paper_update, ("m", "v")
    return opt


# --- the formulas, written out ---------------------------------------------------------------------
def reference(kind, grads, weights, lr, weight_decay=0.0, clipnorm=None, clipvalue=None, momentum=0.0,
              nesterov=False, rho=0.9, beta1=0.9, beta2=0.999, eps=1e-8):
    """The update of ``kind`` from its formula in float64; ``lr`` a number or a function of the step."""
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    state = {k: {"v": np.zeros_like(p), "m": np.zeros_like(p), "s": np.zeros_like(p)} for k, p in w.items()}
    for t, gs in enumerate(grads, start=1):
        eta = lr(t) if callable(lr) else lr
        g = {k: v.astype(np.float64) for k, v in gs.items()}
        if clipvalue is not None:
            g = {k: np.clip(v, -clipvalue, clipvalue) for k, v in g.items()}
        if clipnorm is not None:
            norm = np.sqrt(sum(np.sum(v ** 2) for v in g.values()))
            if norm > clipnorm:
                g = {k: v * (clipnorm / norm) for k, v in g.items()}
        for k in w:
            gk, st = g[k], state[k]
            if weight_decay and w[k].ndim > 1:
                if kind == "adamw":
                    w[k] = w[k] - eta * weight_decay * w[k]      # decoupled: w ← w − η λ w
                else:
                    gk = gk + weight_decay * w[k]                # L2: g ← g + λ w
            if kind == "sgd" and momentum:
                st["v"] = momentum * st["v"] + gk
                w[k] = w[k] - eta * (gk + momentum * st["v"] if nesterov else st["v"])
            elif kind == "sgd":
                w[k] = w[k] - eta * gk
            elif kind == "rmsprop":
                st["s"] = rho * st["s"] + (1 - rho) * gk ** 2
                w[k] = w[k] - eta * gk / (np.sqrt(st["s"]) + eps)
            else:
                st["m"] = beta1 * st["m"] + (1 - beta1) * gk
                st["v"] = beta2 * st["v"] + (1 - beta2) * gk ** 2
                m_hat = st["m"] / (1 - beta1 ** t)
                v_hat = st["v"] / (1 - beta2 ** t)
                w[k] = w[k] - eta * m_hat / (np.sqrt(v_hat) + eps)
    return w, state


CASES = {   # name: (kind, settings shared by neuronet's optimiser and the reference)
    "sgd": ("sgd", {"lr": 0.05}),
    "sgd+weight_decay": ("sgd", {"lr": 0.05, "weight_decay": 0.1}),
    "sgd+clipvalue": ("sgd", {"lr": 0.05, "clipvalue": 0.5}),
    "momentum": ("sgd", {"lr": 0.02, "momentum": 0.9}),
    "momentum+clipnorm": ("sgd", {"lr": 0.02, "momentum": 0.9, "clipnorm": 2.0}),
    "nesterov+weight_decay": ("sgd", {"lr": 0.02, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    "nesterov+clipvalue": ("sgd", {"lr": 0.02, "momentum": 0.8, "nesterov": True, "clipvalue": 0.3}),
    "rmsprop": ("rmsprop", {"lr": 0.01}),
    "rmsprop+weight_decay+clipnorm": ("rmsprop", {"lr": 0.01, "rho": 0.7, "eps": 1e-6, "weight_decay": 0.2,
                                                  "clipnorm": 1.0}),
    "adam": ("adam", {"lr": 0.01}),
    "adam+betas": ("adam", {"lr": 0.01, "beta1": 0.5, "beta2": 0.9, "eps": 1e-4}),
    "adam+weight_decay": ("adam", {"lr": 0.01, "weight_decay": 0.1}),
    "adam+clipnorm": ("adam", {"lr": 0.01, "clipnorm": 1.0}),
    "adam+clipvalue": ("adam", {"lr": 0.01, "clipvalue": 0.2}),
    "adamw": ("adamw", {"lr": 0.01, "weight_decay": 0.3}),
    "adamw+clipnorm+clipvalue": ("adamw", {"lr": 0.01, "weight_decay": 0.3, "clipnorm": 1.5,
                                           "clipvalue": 0.5}),
}


@pytest.mark.parametrize("case", CASES)
def test_update_is_its_formula(case):
    kind, settings = CASES[case]
    grads, w0 = _gradients(STEPS), _weights()
    ours = _run(nn.optimizers.get(kind, **settings), grads, w0)
    theirs, _ = reference(kind, grads, w0, **settings)
    for k in w0:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-10, atol=1e-13, err_msg=f"{case}: {k}")


@pytest.mark.parametrize("case", [c for c, (kind, _) in CASES.items() if kind.startswith("adam")])
def test_adam_paper_update_is_algorithm_1(case):
    kind, settings = CASES[case]
    grads, w0 = _gradients(STEPS), _weights()
    opt = paper_form(nn.optimizers.get(kind, **settings))
    ours = _run(opt, grads, w0)
    theirs, state = reference(kind, grads, w0, **settings)
    for k in w0:
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(opt.slots[k]["m"], state[k]["m"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.slots[k]["v"], state[k]["v"], rtol=1e-12, atol=1e-15)


def test_a_schedule_moves_the_rate_the_formula_uses():
    grads, w0 = _gradients(STEPS), _weights()
    schedule = nn.StepDecay(0.02, step_size=2, gamma=0.5)
    for kind in ("sgd", "rmsprop", "adam", "adamw"):
        ours = _run(nn.optimizers.get(kind, lr=schedule, weight_decay=0.05), grads, w0, epoch_every=10)
        theirs, _ = reference(kind, grads, w0, lr=lambda t: schedule((t - 1) // 10), weight_decay=0.05)
        for k in w0:
            np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-10, atol=1e-13, err_msg=kind)


# --- Adam's rearranged form, held to its paper form ------------------------------------------------
@pytest.mark.parametrize("kind", ["adam", "adamw"])
@pytest.mark.parametrize("dtype,rtol,atol", [(np.float64, 1e-12, 1e-14), (np.float32, 1e-5, 2e-6)])
def test_rearranged_adam_follows_the_paper_form_over_many_steps(kind, dtype, rtol, atol):
    grads, w0 = _gradients(2000, seed=3, dtype=dtype), _weights(dtype=dtype)
    settings = {"lr": 1e-3, "weight_decay": 0.01, "clipnorm": 5.0}
    runs = nn.optimizers.get(kind, **settings)
    ours = _run(runs, grads, w0)
    paper = paper_form(nn.optimizers.get(kind, **settings))
    theirs = _run(paper, grads, w0)
    for k in w0:
        assert ours[k].dtype == dtype
        np.testing.assert_allclose(ours[k], theirs[k], rtol=rtol, atol=atol)
        # and the state is the same moments, rescaled: m = (1 − β₁) S₁, v = (1 − β₂) S₂
        np.testing.assert_allclose(0.1 * runs.slots[k]["grad_sum"], paper.slots[k]["m"],
                                   rtol=10 * rtol, atol=atol)
        np.testing.assert_allclose(0.001 * runs.slots[k]["sq_grad_sum"], paper.slots[k]["v"],
                                   rtol=10 * rtol, atol=atol)


def test_a_step_allocates_no_arrays_shaped_like_the_parameters():
    import tracemalloc

    w = {"W": np.zeros((300, 100)), "b": np.zeros(100)}
    grads = [{"W": np.full((300, 100), 0.1), "b": np.full(100, 0.1)}] * 3
    for opt in (nn.Adam(0.01, weight_decay=0.1), nn.AdamW(0.01), paper_form(nn.Adam(0.01)),
                nn.RMSprop(0.01, weight_decay=0.1),
                nn.SGD(0.1, momentum=0.9, nesterov=True, weight_decay=0.1)):
        opt.step([(k, w[k], grads[0][k]) for k in w])      # the first step makes the state and work arrays
        tracemalloc.start()
        opt.step([(k, w[k], grads[1][k]) for k in w])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < w["W"].nbytes // 10, f"{opt!r}: {peak} bytes at the peak of a step"


# --- checkpoints holding Adam's weighted sums ------------------------------------------------------
def _old_style_slots(state, beta1, beta2):
    """Adam's state as checkpoints store it: S₁ = m / (1 − β₁), S₂ = v / (1 − β₂), built here by hand."""
    arrays = {}
    for k, st in state.items():
        arrays[f"grad_sum/{k}"] = st["m"] / (1 - beta1)
        arrays[f"sq_grad_sum/{k}"] = st["v"] / (1 - beta2)
    return arrays


@pytest.mark.parametrize("kind", ["adam", "adamw"])
def test_checkpointed_weighted_sums_resume_as_the_uninterrupted_run(kind):
    settings = {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "weight_decay": 0.05}
    grads, w0 = _gradients(STEPS), _weights()
    first, second = grads[:20], grads[20:]
    w_mid, state = reference(kind, first, w0, **settings)     # 20 steps, by the formula
    resumed = nn.optimizers.get(kind, **settings)
    resumed.load_state(20, _old_style_slots(state, 0.8, 0.99))
    ours = _run(resumed, second, w_mid)
    uninterrupted = _run(nn.optimizers.get(kind, **settings), grads, w0)
    theirs, _ = reference(kind, grads, w0, **settings)
    for k in w0:
        np.testing.assert_allclose(ours[k], uninterrupted[k], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours[k], theirs[k], rtol=1e-10, atol=1e-13)


def test_a_checkpoint_file_with_weighted_sums_resumes_bit_for_bit(tmp_path):
    net = nn.Network([nn.Dense(5, 4, "tanh"), nn.Dense(4, 3, "softmax")], seed=0, dtype="float64")
    opt = nn.Adam(0.01)
    grads = _gradients(STEPS, seed=5)

    def steps(network, optimizer, gs):
        for g in gs:
            params = network.parameters()
            for name, _, grad in params:
                grad[...] = g[name]
            optimizer.step(params)

    steps(net, opt, grads[:20])
    # What 7bc8e23 wrote: the slots under their names, as the sums of the gradients' powers.
    assert set(opt.slots["0.W"]) == {"grad_sum", "sq_grad_sum"}
    modelfile.save_checkpoint(tmp_path / "ck.npz", net, opt, TrainState(epoch=1))
    net2, opt2, _ = modelfile.load_checkpoint(tmp_path / "ck.npz")
    steps(net, opt, grads[20:])
    steps(net2, opt2, grads[20:])
    for (_, p, _), (_, q, _) in zip(net.parameters(), net2.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)


# --- the step benchmark ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", optimizer_step.CASES)
def test_benchmark_reference_is_the_code_that_ran_before_and_steps_the_same(case):
    """The benchmark's 'before' forms (commit 7bc8e23) and the forms that run now take the same
    steps, bit for bit: the rewrite changed how the code reads, not what it computes."""
    _, (name, settings) = optimizer_step.CASES[case]
    grads = _gradients(20, dtype=np.float32)
    w0 = _weights(dtype=np.float32)
    made = optimizer_step.forms(name, settings)
    before, now = _run(made["before"](), grads, w0), _run(made["now"](), grads, w0)
    for k in w0:
        np.testing.assert_array_equal(before[k], now[k])


def test_benchmark_runs_and_prints_ratios():
    script = ROOT / "benchmarks" / "optimizer_step.py"
    proc = subprocess.run([sys.executable, str(script), "--cases", "adam", "sgd", "--repeats", "2",
                           "--steps", "1"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for row in ("adam: 784-128-10 (101,770 parameters), batch 128", "sgd: 784-30-10 (23,860 parameters)",
                "× before", "paper", "forward + backward"):
        assert row in proc.stdout
