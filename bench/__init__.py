"""Benchmarks run by hand: a data generator and `bench/run`, which prints figures and ratios."""
