"""Churn training: a SageMaker PyTorch script-mode entry point.

Trains a small MLP for binary classification on the CSVs preprocess.py writes (label first, then
FEATURES), on a GPU when there is one. Built for managed spot training: a checkpoint is written to
/opt/ml/checkpoints after every epoch (SageMaker syncs that folder with the job's checkpoint S3
URI), and a restarted job resumes from the latest readable one.

Writes
  SM_MODEL_DIR/model.pt             TorchScript (traced), so SageMaker Neo can compile it for Inferentia
  SM_MODEL_DIR/code/inference.py    the serving script, so model.tar.gz is self-contained
  SM_OUTPUT_DATA_DIR/evaluation.json  {"metrics": {"auc", "logloss", "accuracy"}} on the validation set
  SM_OUTPUT_DATA_DIR/predictions.csv  validation-set probabilities, header `prediction`
SageMaker packs SM_OUTPUT_DATA_DIR into output.tar.gz; Gantry's evaluate and baseline steps read it.

Needs only torch, numpy and pandas (AUC is computed from ranks, without scikit-learn).
"""

import argparse
import glob
import json
import os
import shutil
import sys

import numpy as np
import pandas as pd
import torch
from torch import nn

LABEL = "label"
FEATURES = ["tenure_months", "monthly_spend", "support_tickets_30d", "logins_30d", "plan_tier"]
CHECKPOINT_PATTERN = "checkpoint-*.pt"
KEEP_CHECKPOINTS = 2


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train the churn MLP")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--hidden-units", type=int, default=64)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    parser.add_argument("--validation", default=os.environ.get("SM_CHANNEL_VALIDATION", "/opt/ml/input/data/validation"))
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    parser.add_argument("--output-data-dir", default=os.environ.get("SM_OUTPUT_DATA_DIR", "/opt/ml/output/data"))
    parser.add_argument("--checkpoint-dir", default=os.environ.get("GANTRY_CHECKPOINT_DIR", "/opt/ml/checkpoints"))
    # SageMaker may pass hyperparameters this script does not use; report them rather than fail.
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"ignoring unknown arguments: {' '.join(unknown)}")
    if args.epochs < 1 or args.batch_size < 1 or args.learning_rate <= 0:
        parser.error("--epochs and --batch-size must be positive, --learning-rate above 0")
    return args


def load_channel(directory):
    paths = sorted(glob.glob(os.path.join(directory, "**", "*.csv"), recursive=True))
    if not paths:
        sys.exit(f"no CSV files in {directory}")
    frame = pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
    expected = [LABEL] + FEATURES
    if list(frame.columns) != expected:
        sys.exit(f"{directory}: columns {list(frame.columns)}, expected {expected} (run preprocess.py)")
    features = frame[FEATURES].to_numpy(dtype=np.float32)
    labels = frame[LABEL].to_numpy(dtype=np.float32)
    if not np.isfinite(features).all():
        sys.exit(f"{directory}: features hold missing or infinite values (run preprocess.py)")
    return features, labels


class ChurnMLP(nn.Module):
    """An MLP whose input normalisation is part of the model, so the endpoint takes raw features."""

    def __init__(self, mean, std, hidden_units, dropout):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        # A constant feature has std 0; dividing by 1 leaves it at 0 after centring.
        self.register_buffer("std", torch.as_tensor(np.where(std > 0, std, 1.0), dtype=torch.float32))
        self.net = nn.Sequential(
            nn.Linear(len(mean), hidden_units),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_units, max(hidden_units // 2, 1)),
            nn.ReLU(),
            nn.Linear(max(hidden_units // 2, 1), 1),
        )

    def logits(self, x):
        return self.net((x - self.mean) / self.std).squeeze(-1)

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


def average_ranks(values):
    """1-based ranks, ties sharing the average of their ranks."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    starts_group = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    group = np.cumsum(starts_group) - 1
    starts = np.flatnonzero(starts_group)
    ends = np.append(starts[1:], len(values))
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[order] = ((starts + 1 + ends) / 2.0)[group]
    return ranks


def roc_auc(labels, scores):
    """Area under the ROC curve as the Mann-Whitney U statistic: the chance that a random
    positive scores above a random negative, ties counting one half."""
    labels = np.asarray(labels) > 0.5
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("AUC is undefined: the validation set holds a single class")
    ranks = average_ranks(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))


def log_loss(labels, probabilities, eps=1e-7):
    p = np.clip(np.asarray(probabilities, dtype=np.float64), eps, 1.0 - eps)
    y = np.asarray(labels, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def accuracy(labels, probabilities, threshold=0.5):
    return float(np.mean((np.asarray(probabilities) >= threshold) == (np.asarray(labels) > 0.5)))


def evaluate(labels, probabilities):
    return {"auc": roc_auc(labels, probabilities), "logloss": log_loss(labels, probabilities), "accuracy": accuracy(labels, probabilities)}


def predict(model, features, device, batch_size=8192):
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(features), batch_size):
            out.append(model(torch.from_numpy(features[start : start + batch_size]).to(device)).cpu().numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def save_checkpoint(directory, state):
    """Writes atomically (a spot interruption can land mid-write) and keeps the last few."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"checkpoint-{state['epoch']:04d}.pt")
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)
    for old in sorted(glob.glob(os.path.join(directory, CHECKPOINT_PATTERN)))[:-KEEP_CHECKPOINTS]:
        os.remove(old)


def load_latest_checkpoint(directory, device):
    for path in sorted(glob.glob(os.path.join(directory, CHECKPOINT_PATTERN)), reverse=True):
        try:
            # weights_only=False: the checkpoint holds the optimizer state and plain Python values.
            return torch.load(path, map_location=device, weights_only=False)
        except Exception as error:  # a partial upload or a truncated file: try the one before
            print(f"skipping unreadable checkpoint {path}: {error}")
    return None


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    print(f"training on {device}")

    train_x, train_y = load_channel(args.train)
    valid_x, valid_y = load_channel(args.validation)
    model = ChurnMLP(train_x.mean(axis=0), train_x.std(axis=0), args.hidden_units, args.dropout).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    positives = float(train_y.sum())
    # Churners are the minority class; weighting them keeps the model from predicting "stays" for all.
    pos_weight = torch.tensor((len(train_y) - positives) / max(positives, 1.0), device=device)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight)

    start_epoch, best = 0, {"logloss": float("inf"), "epoch": -1, "state": None, "metrics": None}
    checkpoint = load_latest_checkpoint(args.checkpoint_dir, device)
    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        start_epoch, best = checkpoint["epoch"] + 1, checkpoint["best"]
        print(f"resumed from the checkpoint of epoch {checkpoint['epoch']}")

    features = torch.from_numpy(train_x).to(device)
    labels = torch.from_numpy(train_y).to(device)
    for epoch in range(start_epoch, args.epochs):
        model.train()
        # The shuffle depends on the seed and the epoch only, so a resumed run repeats it exactly.
        order = torch.randperm(len(features), generator=torch.Generator().manual_seed(args.seed + epoch)).to(device)
        total = 0.0
        for start in range(0, len(order), args.batch_size):
            batch = order[start : start + args.batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model.logits(features[batch]), labels[batch])
            loss.backward()
            optimizer.step()
            total += float(loss) * len(batch)
        metrics = evaluate(valid_y, predict(model, valid_x, device))
        # One line per epoch in a form SageMaker metric definitions can match.
        print(f"epoch={epoch} train_loss={total / len(order):.6f} val_auc={metrics['auc']:.6f} val_logloss={metrics['logloss']:.6f} val_accuracy={metrics['accuracy']:.6f}")
        if metrics["logloss"] < best["logloss"]:
            state = {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()}
            best = {"logloss": metrics["logloss"], "epoch": epoch, "state": state, "metrics": metrics}
        save_checkpoint(args.checkpoint_dir, {"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "best": best})

    if best["state"] is not None:
        model.load_state_dict(best["state"])
        print(f"keeping the model of epoch {best['epoch']} (lowest validation logloss)")
    export(model, args, valid_x, valid_y)


def export(model, args, valid_x, valid_y):
    model = model.cpu().eval()
    probabilities = predict(model, valid_x, torch.device("cpu"))
    metrics = evaluate(valid_y, probabilities)

    os.makedirs(args.model_dir, exist_ok=True)
    # Traced, not scripted: Neuron (SageMaker Neo for inf2) compiles traced graphs.
    traced = torch.jit.trace(model, torch.zeros(1, len(FEATURES), dtype=torch.float32))
    traced.save(os.path.join(args.model_dir, "model.pt"))
    inference = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inference.py")
    if os.path.exists(inference):
        os.makedirs(os.path.join(args.model_dir, "code"), exist_ok=True)
        shutil.copy(inference, os.path.join(args.model_dir, "code", "inference.py"))

    os.makedirs(args.output_data_dir, exist_ok=True)
    with open(os.path.join(args.output_data_dir, "evaluation.json"), "w", encoding="utf-8") as out:
        # allow_nan=False: JSON has no NaN, and the evaluate step rejects a report it cannot parse.
        json.dump({"metrics": metrics}, out, allow_nan=False)
    with open(os.path.join(args.output_data_dir, "predictions.csv"), "w", encoding="utf-8") as out:
        out.write("prediction\n")
        out.writelines(f"{p:.6f}\n" for p in probabilities)
    print(f"validation metrics: {json.dumps(metrics)}")


if __name__ == "__main__":
    main()
