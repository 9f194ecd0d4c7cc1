"""Evaluation, one file per model; `weathering eval MODEL --data DIR --json` runs them."""
