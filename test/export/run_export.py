"""Loads a Stride PyTorch export, counts its parameters and buffers, and runs a forward pass on zeros.

Prints JSON: {"trainable": int, "running_stats": int, "outputs": [[C, H, W] or [F], ...]}.
"""
import json
import sys

import torch

namespace = {}
with open(sys.argv[1]) as f:
    exec(compile(f.read(), sys.argv[1], "exec"), namespace)
model = namespace[sys.argv[2]]()
model.eval()
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
running = sum(b.numel() for name, b in model.named_buffers() if name.endswith("running_mean") or name.endswith("running_var"))
inputs = [torch.zeros(2, *shape) for shape in namespace["INPUT_SHAPES"]]
with torch.no_grad():
    out = model(*inputs)
outs = out if isinstance(out, tuple) else (out,)
print(json.dumps({"trainable": trainable, "running_stats": running, "outputs": [list(o.shape[1:]) for o in outs]}))
