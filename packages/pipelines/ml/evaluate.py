"""Evaluates the trained XGBoost model on the test split and writes the evaluation report (SageMaker Processing).

Runs in SageMaker's XGBoost container (which has the xgboost library):
    python3 evaluate.py --model-dir /opt/ml/processing/model --test-dir /opt/ml/processing/test \
        --output-dir /opt/ml/processing/evaluation

Writes evaluation.json in the model quality statistics format the model registry shows:
    {"regression_metrics": {"mse": {"value": ..., "standard_deviation": ...}, "rmse": ..., "mae": ..., "r2": ...}}
The pipeline's condition reads regression_metrics.mse.value with JsonGet.
"""
import argparse
import csv
import glob
import json
import math
import os
import sys
import tarfile

MODEL_FILE = "xgboost-model"


def regression_report(y_true, y_pred):
    """MSE (value and standard deviation of the squared errors), RMSE, MAE and R²."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} labels but {len(y_pred)} predictions")
    if not y_true:
        raise ValueError("no test rows")
    n = len(y_true)
    squared = [(t - p) ** 2 for t, p in zip(y_true, y_pred)]
    mse = sum(squared) / n
    std = math.sqrt(sum((s - mse) ** 2 for s in squared) / n)
    mean = sum(y_true) / n
    total = sum((t - mean) ** 2 for t in y_true)
    r2 = 1 - sum(squared) / total if total > 0 else 0.0
    return {
        "regression_metrics": {
            "mse": {"value": mse, "standard_deviation": std},
            "rmse": {"value": math.sqrt(mse)},
            "mae": {"value": sum(abs(t - p) for t, p in zip(y_true, y_pred)) / n},
            "r2": {"value": r2},
        }
    }


def read_test(test_dir):
    """(labels, feature rows) of the test CSV files: label first, no header."""
    labels, rows = [], []
    for path in sorted(glob.glob(os.path.join(test_dir, "*.csv"))):
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if row:
                    labels.append(float(row[0]))
                    rows.append([float(v) for v in row[1:]])
    return labels, rows


def extract_model(model_dir):
    """The booster file of the training job's model.tar.gz."""
    archive = os.path.join(model_dir, "model.tar.gz")
    with tarfile.open(archive) as tar:
        member = next((m for m in tar.getmembers() if os.path.basename(m.name) == MODEL_FILE), None)
        if member is None:
            raise ValueError(f"{archive} holds no {MODEL_FILE}")
        tar.extract(member, model_dir, filter="data") if hasattr(tarfile, "data_filter") else tar.extract(member, model_dir)
    return os.path.join(model_dir, member.name)


def predict(model_path, rows):
    import xgboost  # only in the XGBoost container

    booster = xgboost.Booster()
    booster.load_model(model_path)
    return [float(p) for p in booster.predict(xgboost.DMatrix(rows))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default="/opt/ml/processing/model")
    parser.add_argument("--test-dir", default="/opt/ml/processing/test")
    parser.add_argument("--output-dir", default="/opt/ml/processing/evaluation")
    args = parser.parse_args(argv)
    labels, rows = read_test(args.test_dir)
    report = regression_report(labels, predict(extract_model(args.model_dir), rows))
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, "evaluation.json"), "w") as f:
        json.dump(report, f)
    print(f"evaluate: mse={report['regression_metrics']['mse']['value']:.4f} on {len(labels)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
