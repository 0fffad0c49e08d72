"""Churn serving: the SageMaker PyTorch inference handlers (model_fn, input_fn, predict_fn, output_fn).

Requests, as Gantry's application client sends them:
  text/csv          one instance per line, no header, values in FEATURES order
                    (booleans travel as 1/0; plan_tier as its code or its name)
  application/json  {"instances": [{"tenure_months": 12, ...}, ...]}; a bare list of such
                    objects, or of arrays in FEATURES order, is accepted too
Responses: the churn probability of each instance, in request order:
  application/json  {"predictions": [0.12, ...]}   (the default)
  text/csv          one probability per line
"""

import glob
import json
import os

import torch

try:  # The Neuron SDK, on Inferentia2 images only: registers the ops a Neuron graph needs, and traces.
    import torch_neuronx
except ImportError:
    torch_neuronx = None

FEATURES = ["tenure_months", "monthly_spend", "support_tickets_30d", "logins_30d", "plan_tier"]
PLAN_TIERS = {"basic": 0, "standard": 1, "pro": 2, "enterprise": 3}
JSON = "application/json"
CSV = "text/csv"


class LoadedModel:
    """The TorchScript module, its device, and the largest batch it accepts (None: any)."""

    def __init__(self, module, device, max_batch):
        self.module = module
        self.device = device
        self.max_batch = max_batch


def model_fn(model_dir):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    path = os.path.join(model_dir, "model.pt")
    if not os.path.exists(path):
        # A compiled artifact may carry another file name; it is the only .pt file then.
        found = sorted(glob.glob(os.path.join(model_dir, "*.pt")))
        if len(found) != 1:
            raise FileNotFoundError(f"expected model.pt (or a single .pt file) in {model_dir}, found {found}")
        path = found[0]
    module = torch.jit.load(path, map_location=device)
    module.eval()
    if torch_neuronx is not None and not _is_neuron_graph(module):
        module = _trace_for_neuron(module, model_dir)
    return LoadedModel(module, device, _max_batch(module, device))


def _is_neuron_graph(module):
    # A graph torch_neuronx (or Neo) compiled runs as one Neuron operator.
    return "neuron" in str(module.graph).lower()


def _trace_for_neuron(module, model_dir):
    # serving.compiler "neuronx": the trained TorchScript module arrives uncompiled, and is traced
    # for the NeuronCores of this instance once, at load, at batch 1 (the shape the model serves);
    # the traced graph is kept next to the model so a restarted worker loads it instead.
    cached = os.path.join(model_dir, "model.neuron.pt")
    if os.path.exists(cached):
        return torch.jit.load(cached)
    traced = torch_neuronx.trace(module, torch.zeros(1, len(FEATURES), dtype=torch.float32))
    try:
        torch.jit.save(traced, cached)
    except OSError:
        pass  # a read-only model directory: trace again on the next load
    return traced


def _max_batch(module, device):
    # A graph compiled by Neuron has a fixed input shape (traced at batch 1); probe for it once at load.
    try:
        with torch.no_grad():
            module(torch.zeros(2, len(FEATURES), dtype=torch.float32, device=device))
        return None
    except RuntimeError:
        return 1


def input_fn(request_body, request_content_type):
    body = request_body.decode("utf-8") if isinstance(request_body, (bytes, bytearray)) else str(request_body)
    content_type = (request_content_type or "").split(";")[0].strip().lower()
    if content_type == CSV:
        rows = [_csv_row(line, number) for number, line in enumerate(body.splitlines(), start=1) if line.strip()]
    elif content_type == JSON:
        rows = _json_rows(json.loads(body))
    else:
        raise ValueError(f"unsupported content type {request_content_type!r}: send {CSV} or {JSON}")
    if not rows:
        raise ValueError("the request holds no instance")
    return torch.tensor(rows, dtype=torch.float32)


def _csv_row(line, number):
    cells = line.split(",")
    if len(cells) != len(FEATURES):
        raise ValueError(f"line {number}: {len(cells)} values, expected {len(FEATURES)} ({', '.join(FEATURES)})")
    return [_encode(name, cell, f"line {number}") for name, cell in zip(FEATURES, cells)]


def _json_rows(payload):
    instances = payload.get("instances") if isinstance(payload, dict) else payload
    if not isinstance(instances, list):
        raise ValueError('expected {"instances": [...]} or a list of instances')
    rows = []
    for index, instance in enumerate(instances):
        where = f"instances[{index}]"
        if isinstance(instance, dict):
            missing = [name for name in FEATURES if instance.get(name) is None]
            if missing:
                raise ValueError(f"{where}: missing feature(s) {', '.join(missing)}")
            rows.append([_encode(name, instance[name], where) for name in FEATURES])
        elif isinstance(instance, list) and len(instance) == len(FEATURES):
            rows.append([_encode(name, value, where) for name, value in zip(FEATURES, instance)])
        else:
            raise ValueError(f"{where}: expected an object of features or a list of {len(FEATURES)} values")
    return rows


def _encode(name, value, where):
    """A feature value as the float the model was trained on (plan_tier by name or by code)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, str):
        text = value.strip()
        if name == "plan_tier" and text.lower() in PLAN_TIERS:
            return float(PLAN_TIERS[text.lower()])
        value = text
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {name}={value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{where}: {name}={value!r} is not a finite number")
    return number


def predict_fn(input_data, model):
    step = model.max_batch or len(input_data)
    outputs = []
    with torch.no_grad():
        for start in range(0, len(input_data), step):
            batch = input_data[start : start + step].to(model.device)
            outputs.append(model.module(batch).reshape(-1).cpu())
    return torch.cat(outputs).tolist()


def output_fn(prediction, accept):
    accept = (accept or JSON).split(";")[0].strip().lower()
    if accept == CSV:
        return "\n".join(f"{p:.6f}" for p in prediction)
    return json.dumps({"predictions": prediction})
