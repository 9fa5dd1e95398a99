"""`make bench`: figures measured side by side in one run; results are copied into docs/benchmarks.md."""
