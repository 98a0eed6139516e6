"""neuronet.memory: after keep_freed_memory, a step's arrays reuse freed memory instead of new pages."""

import subprocess
import sys
import textwrap

import pytest

from neuronet import memory

# Eight 3 MB arrays alive at once, as a batch's activations and gradients are, then freed; ten times.
# Counted: the page faults of rounds 2-10 (the first round may fault in the memory once).
ROUNDS = textwrap.dedent("""
    import resource, sys
    import numpy as np
    from neuronet import memory
    if sys.argv[1] == "keep":
        assert memory.keep_freed_memory()
    def round_():
        arrays = [np.ones(3 << 18, dtype=np.float32) for _ in range(8)]      # 3 MB each, written
        del arrays
    round_()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(9):
        round_()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
""")


def faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", ROUNDS, mode], capture_output=True, text=True, check=True)
    return int(out.stdout)


@pytest.mark.skipif(memory._glibc() is None, reason="keep_freed_memory acts on glibc's malloc only")
def test_freed_memory_is_reused_instead_of_faulted_in_again():
    plain, kept = faults("plain"), faults("keep")
    # 9 rounds × 8 arrays × 768 pages: without it glibc hands the freed heap top back and every round
    # faults its pages in again (measured ~55,000); with it they are reused (measured 0).
    assert plain > 9 * 768, plain
    assert kept < 200, kept


def test_answers_the_same_every_time_and_training_and_predicting_ask_for_it(monkeypatch):
    first = memory.keep_freed_memory()
    assert memory.keep_freed_memory() is first
    asked = []
    monkeypatch.setattr(memory, "keep_freed_memory", lambda: asked.append(1) or True)
    import numpy as np

    from neuronet import Dense, Network
    net = Network([Dense(2, 2, "softmax")], seed=0)
    net.fit(np.zeros((4, 2), np.float32), np.array([0, 1, 0, 1]), epochs=1)
    assert asked
    asked.clear()
    net.predict(np.zeros((3, 2), np.float32))
    assert asked


def test_other_c_libraries_are_left_alone(monkeypatch):
    monkeypatch.setattr(memory, "_kept", None)
    monkeypatch.setattr(memory.sys, "platform", "darwin")      # macOS, Windows: no glibc to ask
    assert memory._glibc() is None and memory.keep_freed_memory() is False
