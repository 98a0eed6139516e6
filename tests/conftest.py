"""Shared pytest hooks (kept minimal)."""


def pytest_terminal_summary(terminalreporter):
    """Print how many cases each fuzz test tried (see tests/fuzzcount.py), even without ``-s``."""
    import fuzzcount

    for name, n in sorted(fuzzcount.counts().items()):
        terminalreporter.write_line(f"fuzz cases tried: {name}: {n}")
