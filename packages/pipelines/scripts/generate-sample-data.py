"""Generates the sample data set the package ships (ml/data/): an abalone-style regression set.

Synthetic (seeded, reproducible), so it ships under this package's license: the columns and value
ranges of the UCI abalone data set, whose rows we do not copy. Run: python3 scripts/generate-sample-data.py
"""
import csv
import os
import random
import sys

ROOT = os.path.join(os.path.dirname(__file__), "..", "ml")
sys.path.insert(0, ROOT)
from preprocess import encode_features  # noqa: E402


def abalone(rng):
    sex = rng.choice(("M", "F", "I"))
    length = round(rng.uniform(0.2, 0.75) * (0.8 if sex == "I" else 1.0), 3)
    diameter = round(length * rng.uniform(0.75, 0.82), 3)
    height = round(length * rng.uniform(0.30, 0.36), 3)
    whole = round(length**3 * rng.uniform(3.5, 4.5), 4)
    shucked = round(whole * rng.uniform(0.40, 0.46), 4)
    viscera = round(whole * rng.uniform(0.20, 0.24), 4)
    shell = round(whole * rng.uniform(0.27, 0.32), 4)
    rings = max(1, round(3 + 22 * shell + 6 * length + (1.5 if sex != "I" else 0) + rng.gauss(0, 1.6)))
    return [sex, length, diameter, height, whole, shucked, viscera, shell, rings]


def main():
    rng = random.Random(2020)
    rows = [abalone(rng) for _ in range(600)]
    with open(os.path.join(ROOT, "data", "abalone.csv"), "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    # The batch input of the Transform step: features only, encoded as the model was trained.
    batch = [abalone(rng) for _ in range(50)]
    with open(os.path.join(ROOT, "data", "batch", "abalone-batch.csv"), "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([[f"{v:g}" for v in encode_features(r[0], r[1:-1])] for r in batch])


if __name__ == "__main__":
    main()
