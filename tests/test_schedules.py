"""Learning-rate schedules (neuronet/schedules.py): their formulas epoch by epoch, against PyTorch's
schedulers, configs and errors."""

from __future__ import annotations

import math

import pytest

import neuronet as nn
from neuronet import schedules
from neuronet.errors import ConfigError


@pytest.mark.parametrize("schedule,formula", [
    (nn.StepDecay(0.1, step_size=3, gamma=0.5), lambda e: 0.1 * 0.5 ** (e // 3)),
    (nn.ExponentialDecay(0.2, gamma=0.9), lambda e: 0.2 * 0.9 ** e),
    (nn.CosineDecay(0.1, epochs=10, min_lr=0.01),
     lambda e: 0.01 + 0.5 * 0.09 * (1 + math.cos(math.pi * min(e, 10) / 10))),
], ids=repr)
def test_each_schedule_is_its_formula(schedule, formula):
    for epoch in range(15):
        assert schedule(epoch) == pytest.approx(formula(epoch), rel=1e-12)


def test_cosine_glides_from_lr_to_min_lr_and_stays_there():
    s = nn.CosineDecay(1.0, epochs=4, min_lr=0.1)
    assert s(0) == 1.0 and s(2) == pytest.approx(0.55) and s(4) == pytest.approx(0.1)
    assert s(40) == s(4)
    values = [s(e) for e in range(5)]
    assert values == sorted(values, reverse=True)


@pytest.mark.torch
def test_schedules_match_torch():
    import torch

    model = torch.nn.Linear(1, 1)
    cases = [(nn.StepDecay(0.1, step_size=3, gamma=0.5),
              lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
             (nn.ExponentialDecay(0.1, gamma=0.9),
              lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)),
             (nn.CosineDecay(0.1, epochs=10, min_lr=0.01),
              lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01))]
    for ours, make in cases:
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = make(opt)
        for epoch in range(10):
            assert ours(epoch) == pytest.approx(sched.get_last_lr()[0], rel=1e-9), (ours, epoch)
            opt.step()
            sched.step()


@pytest.mark.parametrize("schedule", [nn.StepDecay(0.3, step_size=4, gamma=0.2), nn.ExponentialDecay(0.1),
                                      nn.CosineDecay(0.05, epochs=7, min_lr=0.001)], ids=repr)
def test_config_round_trip(schedule):
    config = schedule.get_config()
    again = schedules.from_config(config)
    assert type(again) is type(schedule) and again.get_config() == config
    assert [again(e) for e in range(12)] == [schedule(e) for e in range(12)]


def test_names_and_lookup_by_name():
    assert schedules.names() == ["step", "exponential", "cosine"]
    assert schedules.get("cosine", lr=0.1, epochs=3)(3) == 0.0


@pytest.mark.parametrize("make,match", [
    (lambda: nn.StepDecay(0.1, step_size=0), "step_size must be >= 1"),
    (lambda: nn.CosineDecay(0.1, epochs=0), "epochs must be >= 1"),
    (lambda: schedules.get("linear", lr=0.1), "unknown schedule 'linear'"),
    (lambda: schedules.get("cosine", lr=0.1), "bad settings for schedule 'cosine'"),
])
def test_bad_settings_are_config_errors(make, match):
    with pytest.raises(ConfigError, match=match):
        make()
