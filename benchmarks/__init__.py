"""Performance benchmarks: heel-bot against a bare python-telegram-bot bot (issue 4).

Run everything and update docs/benchmarks.md: `python -m benchmarks` (about 5 minutes on two
cores) or `python -m benchmarks --quick` (about 1 minute). Never collected by pytest.
This package imports nothing heavy itself: each benchmark runs in a process of its own.
"""
