"""A tiny registry of how many cases each fuzz test tried, printed in pytest's terminal summary.

    import fuzzcount
    fuzzcount.record("model files", 1)     # once per case; counts add up
"""

_counts: dict[str, int] = {}


def record(name: str, n: int = 1) -> None:
    _counts[name] = _counts.get(name, 0) + n


def counts() -> dict[str, int]:
    return dict(_counts)
