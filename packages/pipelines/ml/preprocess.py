"""Prepares the abalone-style regression data set for the XGBoost container (SageMaker Processing).

Runs in SageMaker's scikit-learn container, with the standard library only:
    python3 preprocess.py --input-dir /opt/ml/processing/input --output-dir /opt/ml/processing

Input: every *.csv file of --input-dir, rows of
    sex (M, F or I), length, diameter, height, whole_weight, shucked_weight, viscera_weight, shell_weight, rings
with no header (a header row is recognised and skipped).
Output: train/, validation/ and test/ under --output-dir, each one CSV file without header whose first
column is the label (rings), as SageMaker's XGBoost expects for text/csv training data, followed by the
features in the order of FEATURES. The split is deterministic (seeded), 70/15/15.

Trees need no feature scaling, so a row is encoded without statistics of the training set: batch data
for the Transform step is encoded with encode_features() alone.
"""
import argparse
import csv
import glob
import os
import random
import sys

SEXES = ("M", "F", "I")
NUMERIC = ("length", "diameter", "height", "whole_weight", "shucked_weight", "viscera_weight", "shell_weight")
FEATURES = tuple(f"sex_{s}" for s in SEXES) + NUMERIC
SPLITS = (("train", 0.70), ("validation", 0.15), ("test", 0.15))


class DataError(ValueError):
    """A row that cannot be used, with its file and line."""


def encode_features(sex, numbers):
    """The model's feature vector: one-hot sex, then the numeric measurements."""
    if sex not in SEXES:
        raise DataError(f"sex must be one of {', '.join(SEXES)}, got {sex!r}")
    if len(numbers) != len(NUMERIC):
        raise DataError(f"expected {len(NUMERIC)} measurements, got {len(numbers)}")
    return [1.0 if sex == s else 0.0 for s in SEXES] + [float(n) for n in numbers]


def parse_row(row, where):
    """(label, features) of one input row."""
    if len(row) != 1 + len(NUMERIC) + 1:
        raise DataError(f"{where}: expected {2 + len(NUMERIC)} columns, got {len(row)}")
    try:
        features = encode_features(row[0].strip(), [float(v) for v in row[1:-1]])
        label = float(row[-1])
    except ValueError as error:
        raise DataError(f"{where}: {error}") from None
    return label, features


def read_rows(input_dir):
    files = sorted(glob.glob(os.path.join(input_dir, "*.csv")))
    if not files:
        raise DataError(f"no *.csv file in {input_dir}")
    rows = []
    for path in files:
        with open(path, newline="") as f:
            for number, row in enumerate(csv.reader(f), start=1):
                if not row or (number == 1 and row[0].strip().lower() == "sex"):
                    continue
                rows.append(parse_row(row, f"{os.path.basename(path)}:{number}"))
    return rows


def split(rows, seed=42):
    """Deterministic shuffle, then 70/15/15; every split gets at least one row when there are three."""
    if len(rows) < len(SPLITS):
        raise DataError(f"need at least {len(SPLITS)} rows, got {len(rows)}")
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    n_train = max(1, int(len(shuffled) * SPLITS[0][1]))
    n_validation = max(1, int(len(shuffled) * SPLITS[1][1]))
    n_train = min(n_train, len(shuffled) - n_validation - 1)
    return {
        "train": shuffled[:n_train],
        "validation": shuffled[n_train : n_train + n_validation],
        "test": shuffled[n_train + n_validation :],
    }


def format_number(value):
    return repr(float(value)) if value != int(value) else str(int(value))


def write_split(rows, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        for label, features in rows:
            writer.writerow([format_number(label)] + [format_number(v) for v in features])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default="/opt/ml/processing/input")
    parser.add_argument("--output-dir", default="/opt/ml/processing")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    try:
        parts = split(read_rows(args.input_dir), args.seed)
    except DataError as error:
        print(f"preprocess: {error}", file=sys.stderr)
        return 1
    for name, rows in parts.items():
        write_split(rows, os.path.join(args.output_dir, name, f"{name}.csv"))
        print(f"preprocess: {name}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
