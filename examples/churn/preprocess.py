"""Churn preprocessing: a SageMaker Processing script.

Reads every CSV under /opt/ml/processing/input/data, cleans it, encodes plan_tier, and splits
it 80/20 (stratified by label, fixed seed) into

    /opt/ml/processing/output/train/train.csv
    /opt/ml/processing/output/validation/validation.csv

Both have a header row: `label` first (the SageMaker convention for CSV training data), then the
features in the order the model and the endpoint use them (FEATURES below).
"""

import argparse
import glob
import os
import sys

import numpy as np
import pandas as pd

INPUT_DIR = "/opt/ml/processing/input/data"
OUTPUT_DIR = "/opt/ml/processing/output"

# The raw label column and the label column we write.
RAW_LABEL = "churned"
LABEL = "label"
# The model's feature order; train.py and inference.py declare the same list.
FEATURES = ["tenure_months", "monthly_spend", "support_tickets_30d", "logins_30d", "plan_tier"]
NUMERIC = ["tenure_months", "monthly_spend", "support_tickets_30d", "logins_30d"]
# Ordinal: the tiers are ordered by price, so one column keeps the feature list stable for the
# endpoint and the drift baseline (one-hot would add a column per tier).
PLAN_TIERS = {"basic": 0, "standard": 1, "pro": 2, "enterprise": 3}
LABEL_VALUES = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0, "y": 1, "n": 0}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", default=INPUT_DIR)
    parser.add_argument("--output-dir", default=OUTPUT_DIR)
    parser.add_argument("--validation-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if not 0.0 < args.validation_fraction < 1.0:
        parser.error("--validation-fraction must be between 0 and 1")
    return args


def read_input(input_dir):
    paths = sorted(glob.glob(os.path.join(input_dir, "**", "*.csv"), recursive=True))
    paths += sorted(glob.glob(os.path.join(input_dir, "**", "*.csv.gz"), recursive=True))
    if not paths:
        sys.exit(f"no CSV files under {input_dir}")
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in paths]
    print(f"read {sum(len(f) for f in frames)} rows from {len(paths)} file(s)")
    return pd.concat(frames, ignore_index=True)


def clean(raw):
    df = raw.rename(columns=lambda name: name.strip().lower())
    missing = [column for column in [RAW_LABEL] + FEATURES if column not in df.columns]
    if missing:
        sys.exit(f"input lacks column(s) {', '.join(missing)}; it has {', '.join(df.columns)}")

    if "customer_id" in df.columns:
        # Exports are appended to; the last row of a customer is the current one.
        df = df.drop_duplicates(subset="customer_id", keep="last")

    out = pd.DataFrame(index=df.index)
    out[LABEL] = df[RAW_LABEL].str.strip().str.lower().map(LABEL_VALUES)
    for column in NUMERIC:
        values = pd.to_numeric(df[column].str.strip(), errors="coerce")
        # Counts, spend and tenure cannot be negative: such values are errors, so treat them as missing.
        out[column] = values.where(values >= 0)
    out["plan_tier"] = df["plan_tier"].str.strip().str.lower().map(PLAN_TIERS)

    unlabelled = out[LABEL].isna()
    if unlabelled.any():
        print(f"dropping {int(unlabelled.sum())} row(s) without a usable label")
    out = out[~unlabelled].copy()
    out[LABEL] = out[LABEL].astype(int)
    if out.empty:
        sys.exit("no labelled rows left after cleaning")
    return out


def stratified_split(df, validation_fraction, seed):
    rng = np.random.default_rng(seed)
    validation_index = []
    for _, group in df.groupby(LABEL, sort=True):
        shuffled = group.index.to_numpy()[rng.permutation(len(group))]
        validation_index.extend(shuffled[: int(round(len(group) * validation_fraction))])
    validation = df.loc[sorted(validation_index)]
    train = df.drop(index=validation.index)
    return train, validation


def impute(train, validation):
    # Fill values are learnt on the training split only, so nothing leaks from validation.
    fills = {column: train[column].median() for column in NUMERIC}
    fills["plan_tier"] = train["plan_tier"].mode().iloc[0] if train["plan_tier"].notna().any() else 0
    return train.fillna(fills), validation.fillna(fills)


def write(df, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    df[[LABEL] + FEATURES].to_csv(path, index=False, float_format="%.6g")
    print(f"wrote {len(df)} rows to {path} (positive rate {df[LABEL].mean():.3f})")


def main(argv=None):
    args = parse_args(argv)
    data = clean(read_input(args.input_dir))
    if data[LABEL].nunique() < 2:
        sys.exit("the data holds a single class; the model needs both churned and retained customers")
    train, validation = stratified_split(data, args.validation_fraction, args.seed)
    train, validation = impute(train, validation)
    write(train, os.path.join(args.output_dir, "train", "train.csv"))
    write(validation, os.path.join(args.output_dir, "validation", "validation.csv"))


if __name__ == "__main__":
    main()
