// train.py of the PyTorch DDP project, first half: arguments, Stride's seeded order, safetensors, data, loss, metrics, optimizers.

/** Python source, kept verbatim (String.raw: backslashes stay as written). */
export const TRAIN_PY_HEAD = String.raw`"""Trains the model of model.py with the train section Stride exported into stride.json.

One process:     python train.py
N processes:     torchrun --nproc_per_node=N train.py
Several nodes:   torchrun --nnodes=M --nproc_per_node=N --rdzv_backend=c10d --rdzv_endpoint=HOST:PORT --rdzv_id=RUN train.py

The batch size is global: each step consumes "batch" samples split across all processes, so any number of processes
takes the same steps on the same samples as Stride's own trainer (see README.md).
"""

import argparse
import importlib
import json
import math
import os
import signal
import struct
import sys
import time
import warnings
from datetime import datetime, timezone

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-7
M32 = 0xFFFFFFFF
STOP = {"requested": False, "file": None}
# DDP compares gradient and parameter strides, which differ harmlessly on size-1 axes (a conv with one input channel).
warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")


def parse_args():
    p = argparse.ArgumentParser(description="Train the exported Stride model with PyTorch (DDP under torchrun).")
    p.add_argument("--epochs", type=int, help="epochs (default: the train section's)")
    p.add_argument("--batch", type=int, help="global batch size, all processes together (default: the train section's)")
    p.add_argument("--limit", type=int, help="use only the first N training samples")
    p.add_argument("--out", default="runs", help="folder for checkpoint.pt and weights.safetensors (default ./runs)")
    p.add_argument("--metrics", help="JSON-lines progress log (default OUT/metrics.jsonl)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt when there is one")
    p.add_argument("--torch-init", action="store_true", help="start from PyTorch's own initialisation, not Stride's")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stdout (the metrics log is still written)")
    p.add_argument("--end-by-host", action="store_true", help="write the end record to OUT/result.json; the caller logs it")
    p.add_argument("--stop-file", help="stop as Ctrl-C does once this file exists (a host stops a run without signalling torchrun)")
    return p.parse_args()


# ---- Stride's seeded generator (mulberry32), permutation and validation split, bit for bit ----


def _imul(a, b):
    return (a * b) & M32


def rng(seed):
    state = [seed & M32]

    def draw():
        state[0] = (state[0] + 0x6D2B79F5) & M32
        t = state[0]
        t = _imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + _imul(t ^ (t >> 7), t | 61)) & M32)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return draw


def permutation(n, draw):
    p = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(draw() * (i + 1))
        p[i], p[j] = p[j], p[i]
    return np.array(p, dtype=np.int64)


def split(count, fraction, seed):
    order = permutation(count, rng(seed))
    held = max(1, math.floor(count * fraction + 0.5)) if fraction > 0 else 0
    return order[: count - held], order[count - held :]


# ---- safetensors, read and written by hand (no extra package) ----

DTYPES = {"F32": np.float32, "I64": np.int64}
NAMES = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    out = {}
    for key, spec in header.items():
        start, end = spec["data_offsets"]
        arr = np.frombuffer(raw, dtype=DTYPES[spec["dtype"]], count=(end - start) // np.dtype(DTYPES[spec["dtype"]]).itemsize, offset=8 + n + start)
        out[key] = torch.from_numpy(arr.reshape(spec["shape"]).copy())
    return out, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for key, t in tensors.items():
        arr = t.detach().cpu().contiguous().numpy()
        data = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[key] = {"dtype": NAMES[arr.dtype], "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    atomic_write(path, lambda f: [f.write(struct.pack("<Q", len(text))), f.write(text), *map(f.write, blobs)])


def atomic_write(path, write):
    """Writes beside and renames over, so a crash never leaves half a file where a good one was."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.partial-{os.getpid()}"
    with open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ---- data: the images Stride's own loader produced, packed beside this script, or an image folder read per batch ----


class FolderImages:
    """The images of an image folder, read when a batch asks for them: x[indices] is (N, C, H, W) in [0, 1].

    Files are listed in stride.json in Stride's loader order (classes and files sorted), so sample i is Stride's
    sample i. Each is decoded with Pillow (grey "L" or "RGB"), resized bilinearly with half-pixel centres when its size
    differs (Stride's rule), and rounded to whole pixel values before scaling, as Stride does.
    """

    def __init__(self, root, files, shape):
        from PIL import Image  # only a streamed folder needs Pillow

        self.image, self.root, self.files = Image, root, files
        self.h, self.w, self.c = shape

    def __len__(self):
        return len(self.files)

    def one(self, i):
        with self.image.open(os.path.join(self.root, self.files[i][0])) as im:
            px = np.asarray(im.convert("L" if self.c == 1 else "RGB"), dtype=np.uint8).reshape(im.height, im.width, self.c)
        t = torch.from_numpy(px.copy()).permute(2, 0, 1).float()
        if t.shape[1:] != (self.h, self.w):
            t = F.interpolate(t[None], size=(self.h, self.w), mode="bilinear", align_corners=False)[0].round().clamp(0, 255)
        return t / 255.0

    def __getitem__(self, idx):
        return torch.stack([self.one(int(i)) for i in idx])


def batch_inputs(ctx, idx, epoch=None):
    """The samples idx as the model receives them: augmented (training batches of epoch "epoch"), then normalised."""
    x = ctx["x"][idx]
    if epoch is not None:
        x = augment_batch(x, idx.tolist(), ctx["settings"].get("augment") or [], ctx["settings"]["seed"], epoch)
    return normalized(x, ctx["config"].get("normalization"))


def normalized(x, norm):
    """(x - mean) / std per channel (normalize:, statistics from stride.json), worked in float64 as Stride does."""
    if not norm:
        return x
    shape = (1, len(norm["mean"]), 1, 1)
    mean = torch.tensor(norm["mean"], dtype=torch.float64).view(shape)
    inv = 1.0 / torch.tensor(norm["std"], dtype=torch.float64).view(shape)
    return ((x.double() - mean) * inv).float()


def load_data(config, limit):
    d = config["data"]
    h, w, c = d["shape"]
    if d["kind"] == "folder":
        files = d["files"][:limit] if limit is not None else d["files"]
        return FolderImages(d["root"], files, (h, w, c)), torch.tensor([label for _, label in files], dtype=torch.int64)
    dtype = np.uint8 if d["dtype"] == "u8" else np.float32
    images = np.fromfile(os.path.join(HERE, d["images"]), dtype=dtype).reshape(d["count"], h, w, c)
    labels = np.fromfile(os.path.join(HERE, d["labels"]), dtype=np.int32)
    if limit is not None and limit < d["count"]:
        images, labels = images[:limit], labels[:limit]
    # Channels-first floats, as the exported module expects; uint8 pixels scaled to [0, 1] as Stride does.
    x = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2))).float()
    if dtype == np.uint8:
        x = x / 255.0
    return x, torch.from_numpy(labels.astype(np.int64))


# ---- loss and metrics with Stride's formulas ----


def sample_losses(loss, form, pred, y, classes):
    """Each sample's loss; their mean is Stride's batch loss."""
    units = pred.shape[-1]
    target = y.float().view(-1, 1) if units == 1 else F.one_hot(y, classes).float()
    if loss in ("crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy") and units > 1:
        if form == "softmax":
            return -(target * torch.log(pred + EPS)).sum(-1)
        return F.cross_entropy(pred, y, reduction="none")
    if loss in ("crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy"):
        if form == "raw":
            return F.binary_cross_entropy_with_logits(pred, target, reduction="none").mean(-1)
        return -(target * torch.log(pred + EPS) + (1 - target) * torch.log(1 - pred + EPS)).mean(-1)
    if loss == "mse":
        return ((pred - target) ** 2).mean(-1)
    if loss == "mae":
        return (pred - target).abs().mean(-1)
    raise SystemExit(f"train.py: unknown loss '{loss}'")


class Metrics:
    """Sums over an epoch (all processes together after reduce()); result() gives Stride's metric values."""

    def __init__(self, names, classes, form, device):
        self.names, self.classes, self.form = names, classes, form
        self.n = max(classes, 2)
        self.sums = torch.zeros(5, dtype=torch.float64, device=device)  # seen, correct, top5, squared, absolute
        self.confusion = torch.zeros(self.n * self.n, dtype=torch.float64, device=device)

    def add(self, pred, y):
        pred = pred.detach()
        units = pred.shape[-1]
        target = y.float().view(-1, 1) if units == 1 else F.one_hot(y, self.classes).float()
        if units == 1:
            cls = (pred > (0.0 if self.form == "raw" else 0.5)).view(-1).long()
            top = cls == y
        else:
            cls = pred.argmax(-1)
            top = (pred.topk(min(5, units), -1).indices == y.view(-1, 1)).any(-1)
        sq = ((pred - target) ** 2).sum() / units
        ab = (pred - target).abs().sum() / units
        self.sums += torch.stack([torch.tensor(float(len(y)), device=pred.device), (cls == y).sum().double(), top.sum().double(), sq.double(), ab.double()])
        self.confusion += torch.bincount(y * self.n + cls, minlength=self.n * self.n).double()

    def reduce(self, world):
        if world > 1:
            dist.all_reduce(self.sums)
            dist.all_reduce(self.confusion)

    def result(self):
        seen, correct, top5, sq, ab = self.sums.tolist()
        seen = max(seen, 1)
        values = {"accuracy": correct / seen, "top5": top5 / seen, "mse": sq / seen, "mae": ab / seen}
        out = {}
        for name in self.names:
            if name in values:
                out[name] = values[name]
            elif name in ("precision", "recall"):
                out[name] = self.macro(name)
        return out

    def macro(self, which):
        m = self.confusion.view(self.n, self.n)
        classes = [1] if self.classes <= 2 else range(self.n)
        scores = []
        for c in classes:
            total = (m[:, c] if which == "precision" else m[c, :]).sum().item()
            if total > 0:
                scores.append(m[c, c].item() / total)
        return sum(scores) / len(scores) if scores else 0.0


# ---- optimizer with Stride's defaults and weight-decay rule ----


def make_optimizer(setting, params):
    name, a = setting["name"], setting["args"]
    lr = a.get("lr", 0.01 if name == "sgd" else 0.001)
    wd = a.get("weight_decay", 0.0)
    eps = a.get("epsilon", EPS)
    betas = (a.get("beta1", 0.9), a.get("beta2", 0.999))
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=a.get("momentum", 0.0), nesterov=bool(a.get("nesterov", False)), weight_decay=wd)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=eps, weight_decay=wd)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=betas, eps=eps, weight_decay=wd)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=a.get("rho", 0.9), eps=eps, momentum=a.get("momentum", 0.0), weight_decay=wd)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, initial_accumulator_value=0.1, eps=eps, weight_decay=wd)
    raise SystemExit(f"train.py: unknown optimizer '{name}'")


`;
