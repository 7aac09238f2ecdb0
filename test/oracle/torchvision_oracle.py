"""The torchvision oracle for whole networks: counts, per-layer counts and MACs, and outputs with the same weights.

Reads one JSON object on stdin:
  {"torchvision": name, "kwargs": {...}, or "module": a Python expression building a torchvision block (or a
   small torch.nn network, with `Concat` below),
   "code": PyTorch export of the Stride model, "className": its class,
   "input": [C, H, W], "flattened": {export module name: [H, W, C]},
   "softmax": whether the Stride model ends in a softmax that torchvision's logits lack}
and prints:
  {"totals": {"trainable", "nonTrainable"},
   "units": [{"module", "type", "trainable", "nonTrainable", "macs"}],   torchvision's parameter owners in order of use
   "exportUnits": the same for the export,
   "load": null or the first tensor that could not be loaded,
   "maxDiff": max |output difference|, "logitsDiff": max |difference| of the outputs of the last layer of one class
   on both sides (the classifier: logits before a softmax),
   "logitsSpread": the standard deviation of torchvision's logits}

Order of use: a TorchFunctionMode watches every torch call of one forward pass and records the first call that
touches each parameter or buffer. A "unit" is a module that directly owns parameters (a convolution, a norm, or a
block holding its own layer-scale vector), placed where its first tensor is first used. Loading pairs the two
models' tensors in that order, one by one, and their shapes must agree; the only layout rules are written out in
`to_export_layout`. Both models run in float64, so rounding cannot hide a difference and cannot create one.
"""

import functools
import json
import math
import sys

import torch
import torch.nn as nn
import torchvision
from torch.overrides import TorchFunctionMode

BATCH = 2
NORM_STATS = ("running_mean", "running_var")


class FirstUse(TorchFunctionMode):
    """Records, in order, the first torch call argument that is one of the watched tensors."""

    def __init__(self, watched):
        super().__init__()
        self.watched = {id(t) for t in watched}
        self.seen = set()
        self.order = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        for a in list(args) + list(kwargs.values()):
            for t in a if isinstance(a, (list, tuple)) else (a,):
                if isinstance(t, torch.Tensor) and id(t) in self.watched and id(t) not in self.seen:
                    self.seen.add(id(t))
                    self.order.append(t)
        return func(*args, **kwargs)


def owned_tensors(model):
    """Every parameter and batch-norm statistic with its owner module's path, local name and module."""
    out = []
    for path, module in model.named_modules():
        for name, p in module.named_parameters(recurse=False):
            out.append((p, path, name, module))
        for name, b in module.named_buffers(recurse=False):
            if name in NORM_STATS:
                out.append((b, path, name, module))
    return out


def macs_of(module, output):
    """Multiply-accumulates per sample: a convolution output costs (in_channels / groups)·|kernel|, a linear one
    in_features (as test/oracle/torch_oracle.py counts whole networks)."""
    per_sample = output.numel() // BATCH
    if isinstance(module, nn.Conv2d):
        return per_sample * (module.in_channels // module.groups) * math.prod(module.kernel_size)
    return per_sample * module.in_features


def trace(model, x):
    """One eval forward pass: the output, the tensors in order of first use, MACs and outputs per module."""
    owned = owned_tensors(model)
    macs, outputs = {}, {}

    def hook(module, inputs, output):
        # Leaf layers only, copied: a block may add its shortcut into a layer's output in place (`result += x`).
        if is_leaf(module) and isinstance(output, torch.Tensor):
            outputs[id(module)] = output.clone()
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            macs[id(module)] = macs_of(module, output)

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    rec = FirstUse([t for t, *_ in owned])
    with rec, torch.no_grad():
        y = model(x)
    for h in handles:
        h.remove()
    by_id = {id(t): (t, path, name, module) for t, path, name, module in owned}
    used = [by_id[id(t)] for t in rec.order]
    return y, used, macs, outputs


def is_leaf(module):
    return not any(True for _ in module.children())


def last_common_layer(tv_used, ex_used):
    """The last pair of tensors, loaded into each other, whose owners are leaf layers of one class (the classifier of
    a network): their outputs are the logits. A layer scale may be a module on one side and a bare tensor on the other."""
    for (_, _, _, tv_mod), (_, _, _, ex_mod) in reversed(list(zip(tv_used, ex_used))):
        if is_leaf(tv_mod) and is_leaf(ex_mod) and type(tv_mod) is type(ex_mod):
            return tv_mod, ex_mod
    raise ValueError("no layer of the same class on both sides")


def units(used, macs):
    """Parameter owners in order of first use, with Keras-convention counts (statistics are non-trainable)."""
    out, index = [], {}
    for t, path, name, module in used:
        # A leaf module is one layer; a tensor held directly by a container (a layer scale) is a layer of its own.
        key = id(module) if is_leaf(module) else (id(module), name)
        if key not in index:
            index[key] = len(out)
            label = path if key == id(module) else ("%s.%s" % (path, name)).lstrip(".")
            out.append({"module": label, "type": type(module).__name__, "trainable": 0, "nonTrainable": 0,
                        "macs": macs.get(id(module))})
        out[index[key]]["nonTrainable" if name in NORM_STATS else "trainable"] += t.numel()
    return out


def exercise(model):
    """Constant tensors (norm weights and biases, running statistics, zero biases, layer scales) become random, so
    every one of them changes the output; a variance stays positive."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for t, _, name, _ in owned_tensors(model):
            if t.numel() > 1 and t.std() > 0:
                continue
            noise = torch.rand(t.shape, generator=g, dtype=t.dtype)
            t.copy_(0.5 + noise if name == "running_var" else t + (noise - 0.5) * 0.2)


def to_export_layout(src, module, flattened):
    """The documented layout rules. A dense layer after `flatten()` of an H×W×C map reads the features
    channels-last (Keras), torchvision's Linear reads them channels-first: its columns are permuted. A per-channel
    vector may be stored as (C,) on one side and (C, 1, 1) on the other."""
    if module in flattened and src.dim() == 2:
        h, w, c = flattened[module]
        return src.reshape(src.shape[0], c, h, w).permute(0, 2, 3, 1).reshape(src.shape[0], -1)
    return src


def same_layout(value, dst):
    """Equal shapes, or two layouts of one per-channel vector: (C,) and (C, 1, 1) hold the same numbers."""
    if value.shape == dst.shape:
        return True
    vector = [s for s in value.shape if s != 1] == [s for s in dst.shape if s != 1]
    return vector and sum(s != 1 for s in value.shape) == 1


def load_in_order(tv_used, ex_used, flattened):
    """Copies torchvision's tensors into the export one by one; the first disagreement, or None."""
    if len(tv_used) != len(ex_used):
        return "torchvision uses %d tensors, the export %d" % (len(tv_used), len(ex_used))
    with torch.no_grad():
        for i, ((src, sp, sn, _), (dst, dp, dn, _)) in enumerate(zip(tv_used, ex_used)):
            value = to_export_layout(src, dp, flattened)
            if not same_layout(value, dst):
                return "tensor %d: torchvision %s.%s %s, export %s.%s %s" % (
                    i, sp, sn, list(src.shape), dp, dn, list(dst.shape))
            dst.copy_(value.reshape(dst.shape))
    return None


class Concat(nn.Module):
    """Branches applied to the same input, concatenated on the channels in the order given (for small test nets)."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], 1)


def build_torchvision(req):
    """The torchvision network by name, or a building block from a Python expression, in float64 eval mode."""
    if "module" in req:
        scope = {"torch": torch, "nn": nn, "torchvision": torchvision, "partial": functools.partial, "Concat": Concat}
        return eval(req["module"], scope).double().eval()
    return getattr(torchvision.models, req["torchvision"])(weights=None, **req.get("kwargs", {})).double().eval()


def compare(tv_trace, ex, x, req, result):
    """Traces the export, loads torchvision's tensors into it in order and compares the outputs with torchvision's."""
    tv_y, tv_used, _, tv_out = tv_trace
    _, ex_used, ex_macs, _ = trace(ex, x)
    result["exportUnits"] = units(ex_used, ex_macs)
    result["load"] = load_in_order(tv_used, ex_used, req.get("flattened", {}))
    if result["load"] is not None:
        return
    ex_y, _, _, ex_out = trace(ex, x)
    # The Stride networks end in a softmax, torchvision's in logits: compare both.
    want = torch.softmax(tv_y, dim=-1) if req.get("softmax", False) else tv_y
    result["maxDiff"] = (ex_y - want).abs().max().item()
    last_tv, last_ex = last_common_layer(tv_used, ex_used)
    result["logitsDiff"] = (ex_out[id(last_ex)] - tv_out[id(last_tv)]).abs().max().item()
    # A spread far above the tolerance shows the comparison is not between two constants.
    result["logitsSpread"] = tv_out[id(last_tv)].std().item()


def main():
    req = json.load(sys.stdin)
    torch.manual_seed(0)
    tv = build_torchvision(req)
    exercise(tv)
    x = torch.randn(BATCH, *req["input"], dtype=torch.float64)
    tv_trace = trace(tv, x)
    _, tv_used, tv_macs, _ = tv_trace
    result = {
        "totals": {
            "trainable": sum(p.numel() for p in tv.parameters() if p.requires_grad),
            "nonTrainable": sum(b.numel() for n, b in tv.named_buffers() if n.endswith(NORM_STATS)),
        },
        "units": units(tv_used, tv_macs),
        "exportUnits": [],
        "load": None,
        "maxDiff": None,
        "logitsDiff": None,
        "logitsSpread": None,
    }
    try:
        namespace = {}
        exec(compile(req["code"], "<export>", "exec"), namespace)
        ex = namespace[req["className"]]().double().eval()
        compare(tv_trace, ex, x, req, result)
    except Exception as e:  # the export does not run: reported as the reason nothing was loaded
        result["load"] = "the export does not run: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
