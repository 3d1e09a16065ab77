"""Benchmarks for k8s-internals (``python -m benchmarks`` / ``make bench``).

Each module listed in :data:`benchmarks.__main__.MODULES` has a ``main() -> None`` that runs
its workloads and prints figures, as ratios against a baseline measured in the same run (the
design's performance stance: medians and ratios, not absolute timings, on a noisy machine).
"""
