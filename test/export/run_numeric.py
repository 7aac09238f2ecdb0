"""Loads a Stride PyTorch export, copies the tfjs model's weights into it in order, and compares the outputs.

The weights come in graph order (each layer's as tfjs lists them: trainable, then statistics), the order in which
the export registers its modules, nested block modules included.

Reads JSON on stdin: {"file", "class", "x": [...], "shape": [...], "y": [...], "weights": [{"shape", "values"}, ...]},
x and y channels-last as tfjs computes them. Prints the largest absolute difference (or an error text) as JSON.
Weights go into the modules in registration order, converted from Keras's layouts to PyTorch's.
"""
import json
import sys

import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)


def torch_layout(module, name, w):
    """Keras stores kernels spatial-first with channels last; PyTorch output channels first."""
    if isinstance(module, nn.ConvTranspose2d) and name == "weight":
        return w.permute(3, 2, 0, 1)
    if isinstance(module, nn.Conv2d) and name == "weight":
        depthwise = module.groups > 1 and module.groups == module.in_channels and module.weight.shape[1] == 1
        if depthwise and w.shape[2] == module.in_channels:
            # Keras depthwise kernels are (k_h, k_w, C, multiplier); output channel c·multiplier + j in both.
            cin, mult = w.shape[2], w.shape[3]
            return w.permute(2, 3, 0, 1).reshape(cin * mult, 1, w.shape[0], w.shape[1])
        return w.permute(3, 2, 0, 1)
    if isinstance(module, nn.Linear) and name == "weight":
        return w.t()
    return w.reshape(getattr(module, name).shape)


def main():
    case = json.load(sys.stdin)
    namespace = {}
    with open(case["file"]) as f:
        exec(compile(f.read(), case["file"], "exec"), namespace)
    model = namespace[case["class"]]().double()
    model.eval()
    weights = [torch.tensor(v["values"]).reshape(v["shape"]) for v in case["weights"]]
    order = []
    for module in model.modules():
        names = [n for n, _ in module.named_parameters(recurse=False)]
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            names += ["running_mean", "running_var"]
        order += [(module, n) for n in names]
    if len(order) != len(weights):
        print(json.dumps("weights: PyTorch has %d tensors, tfjs %d" % (len(order), len(weights))))
        return
    with torch.no_grad():
        for (module, name), w in zip(order, weights):
            getattr(module, name).copy_(torch_layout(module, name, w))
    x = torch.tensor(case["x"]).reshape(case["shape"])
    if x.dim() == 4:
        x = x.permute(0, 3, 1, 2)
    with torch.no_grad():
        y = model(x)
    if y.dim() == 4:
        y = y.permute(0, 2, 3, 1)
    want = torch.tensor(case["y"]).reshape(case["yshape"])
    if list(y.shape) != list(want.shape):
        print(json.dumps("shape %s vs %s" % (list(y.shape), list(want.shape))))
        return
    print(json.dumps(float((y - want).abs().max())))


if __name__ == "__main__":
    main()
