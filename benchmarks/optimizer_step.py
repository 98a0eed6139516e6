"""One optimiser step: the forms neuronet ran before, the forms it runs now and Adam's paper form,
timed interleaved in one process on the parameters of the speed benchmark's networks.

    python benchmarks/optimizer_step.py                   # every case, 300 repeats
    python benchmarks/optimizer_step.py --cases adam --repeats 50

Cases (the networks of benchmarks/speed.py, float32 as neuronet trains by default):

* ``adam``, ``adamw``, ``rmsprop``, ``momentum``, ``nesterov``: 784-128-10 (101,770 parameters), batch 128;
* ``sgd``, ``sgd+weight_decay``: 784-30-10 (23,860 parameters), batch 10 (Nielsen's setting).

Forms:

* ``before``: the update as neuronet ran it before the paper forms (commit 7bc8e23), kept in this file
  only, as the reference the others are timed against; ``before'`` is a second copy of it, timed as a
  form of its own: its ratio shows how far apart two runs of the same code fall here (the noise);
* ``now``: ``neuronet.optimizers`` as it runs;
* ``paper``: Adam run through ``Adam.paper_update`` (Algorithm 1 line for line) instead of its
  rearranged ``_update``.

Each repeat times ``--steps`` consecutive steps of every form in turn (the order rotates from repeat to
repeat), so that a slow moment of a shared machine falls on all forms alike; the figures are medians
of the per-step times over the repeats, and the ratio is against ``before`` in the same run. The last
line of each case puts the step beside one forward and backward pass of the same network and batch.
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import neuronet as nn  # noqa: E402
from neuronet import optimizers  # noqa: E402

ADAM_NET = {"sizes": [784, 128, 10], "activation": "relu", "loss": "cross_entropy", "batch": 128}
CLASSIC_NET = {"sizes": [784, 30, 10], "activation": "sigmoid", "loss": "mse", "batch": 10}

CASES = {   # name: (network, settings of the optimiser)
    "adam": (ADAM_NET, ("adam", {"lr": 1e-3})),
    "adamw": (ADAM_NET, ("adamw", {"lr": 1e-3, "weight_decay": 0.01})),
    "rmsprop": (ADAM_NET, ("rmsprop", {"lr": 1e-3})),
    "momentum": (ADAM_NET, ("sgd", {"lr": 0.05, "momentum": 0.9})),
    "nesterov": (ADAM_NET, ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True})),
    "sgd": (CLASSIC_NET, ("sgd", {"lr": 3.0})),
    "sgd+weight_decay": (CLASSIC_NET, ("sgd", {"lr": 3.0, "weight_decay": 1e-4})),
}


# --- the forms neuronet ran before (commit 7bc8e23), the reference being compared ---------------------
class Before:
    """``Optimizer.step`` as it was (weight decay into a new array each step), state and work arrays
    kept as they were; the subclasses' ``_update`` are those of 7bc8e23, copied unchanged."""

    _couples_decay = True

    def __init__(self, lr, weight_decay=0.0, clipnorm=None, clipvalue=None):
        self.lr, self.weight_decay, self.clipnorm, self.clipvalue = lr, weight_decay, clipnorm, clipvalue
        self.iterations = 0
        self.slots: dict[str, dict[str, np.ndarray]] = {}
        self._buffers: dict[str, np.ndarray] = {}

    def step(self, params) -> None:
        optimizers.clip_gradients(params, self.clipvalue, self.clipnorm)   # unchanged since: the library's
        self.iterations += 1
        for name, p, g in params:
            if self.weight_decay and p.ndim > 1 and self._couples_decay:
                g = g + p.dtype.type(self.weight_decay) * p
            self._update(name, p, g)

    def _work_buffer(self, name, p):
        buf = self._buffers.get(name)
        if buf is None or buf.shape != p.shape or buf.dtype != p.dtype:
            buf = self._buffers[name] = np.empty_like(p)
        return buf

    def _slot(self, name, p, *keys):
        state = self.slots.get(name)
        if state is None:
            state = self.slots[name] = {k: np.zeros_like(p) for k in keys}
        return [state[k] for k in keys]


class BeforeSGD(Before):
    slot_names = ("velocity",)

    def __init__(self, lr=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(lr, **kwargs)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _update(self, name, p, g):
        t = p.dtype.type
        step = self._work_buffer(name, p)
        if self.momentum == 0.0:
            np.multiply(g, t(self.lr), out=step)
        else:
            (v,) = self._slot(name, p, *self.slot_names)
            v *= t(self.momentum)
            v += g
            if self.nesterov:
                np.multiply(v, t(self.momentum), out=step)
                step += g
                step *= t(self.lr)
            else:
                np.multiply(v, t(self.lr), out=step)
        p -= step


class BeforeRMSprop(Before):
    slot_names = ("square_avg",)

    def __init__(self, lr=0.001, rho=0.9, eps=1e-8, **kwargs):
        super().__init__(lr, **kwargs)
        self.rho, self.eps = float(rho), float(eps)

    def _update(self, name, p, g):
        (s,) = self._slot(name, p, *self.slot_names)
        scratch = self._work_buffer(name, p)
        t = p.dtype.type
        s *= t(self.rho)
        np.multiply(g, g, out=scratch)
        scratch *= t(1.0 - self.rho)
        s += scratch
        np.sqrt(s, out=scratch)
        scratch += t(self.eps)
        np.divide(g, scratch, out=scratch)
        scratch *= t(self.lr)
        p -= scratch


class BeforeAdam(Before):
    slot_names = ("grad_sum", "sq_grad_sum")

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, **kwargs):
        super().__init__(lr, **kwargs)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _update(self, name, p, g):
        s1, s2 = self._slot(name, p, *self.slot_names)
        scratch = self._work_buffer(name, p)
        t = p.dtype.type
        s1 *= t(self.beta1)
        s1 += g
        s2 *= t(self.beta2)
        np.multiply(g, g, out=scratch)
        s2 += scratch
        c = math.sqrt((1.0 - self.beta2) / (1.0 - self.beta2 ** self.iterations))
        k = self.lr * (1.0 - self.beta1) / ((1.0 - self.beta1 ** self.iterations) * c)
        np.sqrt(s2, out=scratch)
        scratch += t(self.eps / c)
        np.divide(s1, scratch, out=scratch)
        scratch *= t(k)
        p -= scratch


class BeforeAdamW(BeforeAdam):
    _couples_decay = False

    def __init__(self, lr=0.001, weight_decay=0.01, **kwargs):
        super().__init__(lr, weight_decay=weight_decay, **kwargs)

    def _update(self, name, p, g):
        if self.weight_decay and p.ndim > 1:
            p *= p.dtype.type(1.0 - self.lr * self.weight_decay)
        super()._update(name, p, g)


BEFORE = {"sgd": BeforeSGD, "rmsprop": BeforeRMSprop, "adam": BeforeAdam, "adamw": BeforeAdamW}


def paper_form(opt):
    """``opt`` (Adam or AdamW) stepping through ``paper_update``, Algorithm 1 line for line."""
    opt._update, opt.slot_names = opt.paper_update, ("m", "v")
    return opt


def forms(name: str, settings: dict) -> dict:
    """{form: a function making a fresh optimiser of that form}."""
    made = {"before": lambda: BEFORE[name](**settings), "before'": lambda: BEFORE[name](**settings),
            "now": lambda: optimizers.get(name, **settings)}
    if name in ("adam", "adamw"):
        made["paper"] = lambda: paper_form(optimizers.get(name, **settings))
    return made


# --- timing ------------------------------------------------------------------------------------------
def _network(spec: dict, seed: int = 0):
    return nn.mlp(spec["sizes"], activation=spec["activation"], loss=spec["loss"], seed=seed)


def _gradients(net, spec: dict, seed: int = 0) -> list[np.ndarray]:
    """The gradients of one real mini-batch (random inputs and labels): realistic magnitudes."""
    rng = np.random.default_rng(seed)
    X = rng.random((spec["batch"], spec["sizes"][0]), dtype=np.float32)
    targets, _ = net.check_targets(rng.integers(0, spec["sizes"][-1], spec["batch"]), spec["batch"])
    _, grad = net.loss_and_gradient(net.forward(X, training=True), targets)
    net.backward(grad)
    return [g.copy() for _, _, g in net.parameters()]


def time_case(case: str, repeats: int, steps: int) -> dict[str, float]:
    """{form: median seconds per step}, plus "train step": one forward and backward pass."""
    spec, (name, settings) = CASES[case]
    net = _network(spec)
    grads = _gradients(net, spec)
    runs = {}
    for form, make in forms(name, settings).items():
        params = [(pname, p.copy(), g) for (pname, p, _), g in zip(net.parameters(), grads, strict=True)]
        runs[form] = (make(), params)
    X = np.random.default_rng(1).random((spec["batch"], spec["sizes"][0]), dtype=np.float32)
    targets, _ = net.check_targets(np.arange(spec["batch"]) % spec["sizes"][-1], spec["batch"])

    def train_step(_):
        _, grad = net.loss_and_gradient(net.forward(X, training=True), targets)
        net.backward(grad)

    timed = {form: (lambda opt=opt, params=params: opt.step(params)) for form, (opt, params) in runs.items()}
    timed["train step"] = lambda: train_step(None)
    order = list(timed)
    times: dict[str, list[float]] = {form: [] for form in order}
    for fn in timed.values():   # warm up: first-touch of the state arrays, caches
        fn()
    gc.disable()
    try:
        for r in range(repeats):
            for form in order[r % len(order):] + order[:r % len(order)]:
                fn = timed[form]
                start = time.perf_counter()
                for _ in range(steps):
                    fn()
                times[form].append((time.perf_counter() - start) / steps)
    finally:
        gc.enable()
    return {form: statistics.median(ts) for form, ts in times.items()}


def report(case: str, medians: dict[str, float]) -> str:
    spec, _ = CASES[case]
    n_params = sum(a * b + b for a, b in zip(spec["sizes"][:-1], spec["sizes"][1:], strict=True))
    shape = "-".join(map(str, spec["sizes"]))
    lines = [f"{case}: {shape} ({n_params:,} parameters), batch {spec['batch']}"]
    ref = medians["before"]
    for form, seconds in medians.items():
        if form != "train step":
            lines.append(f"  {form:<8} {seconds * 1e6:8.1f} µs/step   {seconds / ref:5.3f} × before")
    train = medians["train step"]
    lines.append(f"  forward + backward {train * 1e6:.0f} µs: the 'now' step adds "
                 f"{100 * medians['now'] / train:.1f} % to it"
                 + (f", the paper form {100 * medians['paper'] / train:.1f} %" if "paper" in medians else ""))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--repeats", type=int, default=300, help="timed rounds per case (default 300)")
    parser.add_argument("--steps", type=int, default=10, help="steps per form per round (default 10)")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.steps < 1:
        parser.error("--repeats and --steps must be at least 1")
    print(f"medians of {args.repeats} interleaved rounds of {args.steps} steps; NumPy {np.__version__}")
    for case in args.cases:
        print(report(case, time_case(case, args.repeats, args.steps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
