"""PyTorch oracle for Stride layer kinds: reads cases as JSON on stdin, prints shapes and Keras-convention counts.

With `--torchvision NAME…` it prints the parameter counts of those torchvision models instead.

Each case is {"kind", "args", "input"} with Stride's argument names and channels-last shapes (batch excluded).
The layer is built from torch.nn, run on zeros (batch of one), and its output shape reported channels-last.
Where PyTorch and Keras count differently, the conversion is written out below, next to the layer that needs it.
"""

import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def spatial_rank(kind):
    for r in ("1d", "2d", "3d"):
        if kind.endswith(r) or ("%s_" % r) in kind:
            return int(r[0])
    return 0


def tup(v, n):
    return tuple(v) if isinstance(v, list) else (v,) * n


class Unconvertible(Exception):
    """The case has no PyTorch equivalent: a mistake in the case table, reported as such, never as a rejection."""


class Lambda(nn.Module):
    """A function of the inputs; the modules it uses are registered so their parameters are counted."""

    def __init__(self, fn, *owned):
        super().__init__()
        self.fn = fn
        self.owned = nn.ModuleList(owned)

    def forward(self, *xs):
        return self.fn(*xs)


def side_pad(pad, n):
    """Stride's per-side padding ((before, after) pairs, axis by axis) as F.pad's order (last axis first)."""
    pairs = [pad[2 * i : 2 * i + 2] for i in range(n)]
    return tuple(v for pair in reversed(pairs) for v in pair)


def numeric_padding(pad, n):
    """PyTorch's own padding argument for `P` or one per axis; None for per-side padding (done with F.pad)."""
    if isinstance(pad, int):
        return pad
    return tuple(pad) if len(pad) == n else None


def conv_padding(args, n, k, d):
    """Keras padding names as PyTorch modules: `valid` is 0, `same` is torch's own 'same' (stride 1 only),
    `causal` is (k - 1)·dilation zeros on the left, exactly Keras's definition. Numbers are PyTorch's own padding;
    per-side numbers pad explicitly first."""
    pad = args.get("padding", "valid")
    if not isinstance(pad, str):
        own = numeric_padding(pad, n)
        if own is None:
            sides = side_pad(pad, n)
            return Lambda(lambda x: F.pad(x, sides)), 0
        return None, own
    if pad == "causal":
        return nn.ConstantPad1d(((k[0] - 1) * d[0], 0), 0.0), 0
    if pad == "same" and any(x != 1 for x in tup(args.get("stride", 1), n)):
        raise Unconvertible("PyTorch's padding='same' needs stride 1")
    return None, (0 if pad == "valid" else "same")


CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}


def build_conv(kind, a, shape):
    n = spatial_rank(kind)
    cin = shape[-1]
    k, s = tup(a["kernel"], n), tup(a.get("stride", 1), n)
    d = tup(a.get("dilation", 1), n)
    pre, padding = conv_padding(a, n, k, d)
    bias = a.get("bias", True)
    conv = CONV[n]
    if kind.startswith("conv"):
        layers = [conv(cin, a["filters"], k, s, padding, d, groups=a.get("groups", 1), bias=bias)]
    elif kind.startswith("depthwise"):
        layers = [conv(cin, cin * a.get("depth_multiplier", 1), k, s, padding, d, groups=cin, bias=bias)]
    else:
        # Keras SeparableConv: depthwise without bias, then a 1x1 pointwise convolution that holds the only bias.
        mid = cin * a.get("depth_multiplier", 1)
        layers = [conv(cin, mid, k, s, padding, d, groups=cin, bias=False), conv(mid, a["filters"], 1, bias=bias)]
    return nn.Sequential(*([pre] if pre else []), *layers), "cf"


POOL = {
    "max": {1: nn.MaxPool1d, 2: nn.MaxPool2d, 3: nn.MaxPool3d},
    "avg": {1: nn.AvgPool1d, 2: nn.AvgPool2d, 3: nn.AvgPool3d},
}


def build_pool(kind, a, shape):
    n = spatial_rank(kind)
    k = tup(a.get("pool", 2), n)
    s = tup(a["stride"], n) if "stride" in a else k  # Keras and PyTorch: stride defaults to the window
    ceil = a.get("ceil_mode", False)
    op = kind[: kind.index("pool")]
    if op == "lp":
        p = a.get("p", 2)
        if n == 3:
            # PyTorch 1.13 has no LPPool3d; LPPool1d/2d are computed exactly so: (avg_pool(xᵖ)·|window|)^(1/p).
            area = math.prod(k)
            return Lambda(lambda x: (F.avg_pool3d(x.pow(p), k, s, ceil_mode=ceil) * area).pow(1.0 / p)), "cf"
        return (nn.LPPool1d if n == 1 else nn.LPPool2d)(p, k if n > 1 else k[0], s if n > 1 else s[0], ceil_mode=ceil), "cf"
    pad = a.get("padding", "valid")
    if pad == "same":
        raise Unconvertible("PyTorch pooling has no 'same' padding")
    if pad == "valid":
        return POOL[op][n](k, s, ceil_mode=ceil), "cf"
    own = numeric_padding(pad, n)
    extra = {"count_include_pad": a["count_include_pad"]} if "count_include_pad" in a else {}
    if own is not None:
        return POOL[op][n](k, s, padding=own, ceil_mode=ceil, **extra), "cf"
    sides = side_pad(pad, n)
    return nn.Sequential(Lambda(lambda x: F.pad(x, sides)), POOL[op][n](k, s, ceil_mode=ceil)), "cf"


TRANSPOSE = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}


def build_transpose(kind, a, shape):
    """Numeric padding only: PyTorch's ConvTranspose crops `padding` from each side of its full output."""
    n = spatial_rank(kind)
    k, s = tup(a["kernel"], n), tup(a.get("stride", 1), n)
    pad = a.get("padding", 0)
    if isinstance(pad, str):
        raise Unconvertible("Keras's padding words have no ConvTranspose form")
    own = numeric_padding(pad, n)
    if own is None:
        raise Unconvertible("ConvTranspose crops the same amount from both sides of an axis")
    return TRANSPOSE[n](shape[-1], a["filters"], k, s, own, bias=a.get("bias", True)), "cf"


def build_global(kind, a, shape):
    n = spatial_rank(kind)
    pool = {1: nn.AdaptiveAvgPool1d, 2: nn.AdaptiveAvgPool2d, 3: nn.AdaptiveAvgPool3d}
    if "max" in kind:
        pool = {1: nn.AdaptiveMaxPool1d, 2: nn.AdaptiveMaxPool2d, 3: nn.AdaptiveMaxPool3d}
    if a.get("keepdims", False):
        return pool[n](1), "cf"
    return nn.Sequential(pool[n](1), nn.Flatten()), "cf"


def build_norm(kind, a, shape):
    c = shape[-1]
    affine = a.get("center", True)
    if affine != a.get("scale", True):
        raise Unconvertible("PyTorch learns γ and β together or not at all")
    if kind == "batchnorm":
        bn = {1: nn.BatchNorm1d, 2: nn.BatchNorm1d, 3: nn.BatchNorm2d, 4: nn.BatchNorm3d}[len(shape)]
        return bn(c, affine=affine), "cf"
    if kind == "groupnorm":
        return nn.GroupNorm(a.get("groups", 32), c, affine=affine), "cf"
    if kind == "layernorm":
        return nn.LayerNorm(c, elementwise_affine=affine), "cl"
    raise KeyError(kind)


def build_recurrent(kind, a, shape):
    units, bidir = a["units"], a.get("bidirectional", False)
    if kind == "gru" and a.get("reset_after", True) is False:
        raise Unconvertible("PyTorch's GRU is the reset_after: true form")
    cls = {"simple_rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
    extra = {"nonlinearity": a.get("activation", "tanh")} if kind == "simple_rnn" else {}
    rnn = cls(shape[-1], units, batch_first=True, bias=a.get("bias", True), bidirectional=bidir, **extra)
    mode = a.get("merge_mode", "concat")

    def forward(x):
        y = rnn(x)[0]
        if bidir and mode != "concat":
            # PyTorch concatenates both directions; Keras merge_mode sum/mul/ave combines the halves.
            f, b = y[..., :units], y[..., units:]
            y = {"sum": f + b, "mul": f * b, "ave": (f + b) / 2}[mode]
        return y if a.get("return_sequences", False) else y[:, -1]

    return Lambda(forward, rnn), "cl"


def recurrent_counts(kind, module):
    """Keras keeps one bias vector per gate for simple RNN and LSTM; PyTorch keeps two (bias_ih and bias_hh),
    so bias_hh is left out. GRU with reset_after: true has both in Keras too."""
    drop = kind in ("simple_rnn", "lstm")
    return sum(p.numel() for name, p in module.named_parameters() if not (drop and "bias_hh" in name))


def build_attention(kind, a, shape):
    d = shape[-1]
    if kind == "positional_embedding":
        emb = nn.Embedding(a["length"], d)
        return Lambda(lambda x: x + emb(torch.arange(x.shape[1])), emb), "cl"
    heads = a["heads"]
    if heads * a["key_dim"] != d or a.get("value_dim", a["key_dim"]) != a["key_dim"]:
        raise Unconvertible("nn.MultiheadAttention needs heads·key_dim = dim and value_dim = key_dim")
    mha = nn.MultiheadAttention(d, heads, bias=a.get("bias", True), batch_first=True)
    # Training mode keeps PyTorch 1.13 off its fused inference path, which fails without biases; dropout is 0.
    return Lambda(lambda x: mha.train()(x, x, x)[0], mha), "cl"


def prelu(a, shape):
    """Keras prelu with every spatial axis shared is PyTorch's one slope per channel; other sharings have no nn form."""
    if a.get("shared_axes", []) != list(range(1, len(shape))):
        raise Unconvertible("nn.PReLU(C) is prelu(shared_axes: all spatial axes)")
    return nn.PReLU(shape[-1]), "cf"


def build_simple(kind, a, shape):
    table = {
        "lrn": lambda: (nn.LocalResponseNorm(a.get("size", 5), a.get("alpha", 1e-4), a.get("beta", 0.75), a.get("k", 1.0)), "cf"),
        "spatial_dropout2d": lambda: (nn.Dropout2d(a["rate"]), "cf"),
        "spatial_dropout3d": lambda: (nn.Dropout3d(a["rate"]), "cf"),
        "elu": lambda: (nn.ELU(a.get("alpha", 1.0)), "cl"),
        # Channels-last tensors with the batch first number their axes exactly as Keras does.
        "softmax": lambda: (nn.Softmax(a.get("axis", -1)), "cl"),
        "hard_swish": lambda: (nn.Hardswish(), "cl"),
        "hard_sigmoid": lambda: (nn.Hardsigmoid(), "cl"),
        "scale": lambda: layer_scale(a, shape),
        "drop_path": lambda: (stochastic_depth(a), "cl"),
        "hard_tanh": lambda: (nn.Hardtanh(), "cl"),
        "prelu": lambda: prelu(a, shape),
        "dense": lambda: (nn.Linear(shape[-1], a["units"], bias=a.get("bias", True)), "cl"),
        "embedding": lambda: embedding(a),
        "subtract": lambda: (Lambda(torch.sub), "cl"),
        "concat": lambda: (Lambda(lambda *xs: torch.cat(xs, a.get("axis", -1))), "cl"),
        "slice": lambda: (Lambda(lambda x: take(x, a)), "cl"),
        "split": lambda: (Lambda(lambda x: last_part(x, a)), "cl"),
        "channel_shuffle": lambda: (nn.ChannelShuffle(a["groups"]), "cf"),
    }
    return table[kind]()


def keras_dim(x, axis):
    """A Keras axis (batch is 0, negative counts from the end) as a dimension of a channels-last tensor."""
    return axis if axis >= 0 else x.dim() + axis


def take(x, a):
    """Stride's slice(start, stop, axis): Python's bounds, but out-of-range bounds are refused (narrow), not clamped."""
    d = keras_dim(x, a.get("axis", -1))
    n = x.shape[d]
    start = a["start"] + n if a["start"] < 0 else a["start"]
    stop = a.get("stop", n)
    stop = stop + n if stop < 0 else stop
    return x.narrow(d, start, stop - start)


def last_part(x, a):
    """The last output of Stride's split(parts, axis): equal parts must divide the axis; sizes go to torch.split."""
    d = keras_dim(x, a.get("axis", -1))
    parts = a["parts"]
    if isinstance(parts, int):
        if x.shape[d] % parts:
            raise ValueError("split into %d parts of an axis of %d" % (parts, x.shape[d]))
        parts = [x.shape[d] // parts] * parts
    return torch.split(x, parts, d)[-1]


def layer_scale(a, shape):
    """ConvNeXt's layer scale: one learned factor per channel (the last axis, channels-last here)."""
    gamma = nn.Parameter(torch.full((shape[-1],), float(a.get("init", 1.0))))
    holder = nn.Module()
    holder.gamma = gamma
    return Lambda(lambda x: x * holder.gamma, holder), "cl"


def stochastic_depth(a):
    import torchvision.ops

    return torchvision.ops.StochasticDepth(a["rate"], "row")


def embedding(a):
    e = nn.Embedding(a["vocab"], a["dim"])
    return Lambda(lambda x: e(x.long()), e), "cl"


def build(kind, a, shape):
    if kind.startswith(("conv", "depthwise", "separable")) and "transpose" not in kind:
        return build_conv(kind, a, shape)
    if "transpose" in kind:
        return build_transpose(kind, a, shape)
    if kind.startswith("global"):
        return build_global(kind, a, shape)
    if "pool" in kind:
        return build_pool(kind, a, shape)
    if kind in ("batchnorm", "groupnorm", "layernorm"):
        return build_norm(kind, a, shape)
    if kind in ("simple_rnn", "lstm", "gru"):
        return build_recurrent(kind, a, shape)
    return build_simple(kind, a, shape)


def to_torch(x_shape, layout):
    x = torch.zeros([1] + x_shape)
    return x.movedim(-1, 1) if layout == "cf" else x


def run(case):
    kind, a = case["kind"], case["args"]
    shapes = case["input"] if isinstance(case["input"][0], list) else [case["input"]]
    if kind in ("multihead_attention", "positional_embedding"):
        module, layout = build_attention(kind, a, shapes[0])
    else:
        module, layout = build(kind, a, shapes[0])
    module.eval()
    with torch.no_grad():
        y = module(*[to_torch(s, layout) for s in shapes])
    if layout == "cf" and y.dim() > 2:
        y = y.movedim(1, -1)
    shape = list(y.shape[1:])
    if any(d <= 0 for d in shape):
        return {"error": "torch output shape %s" % shape}
    if kind in ("simple_rnn", "lstm", "gru"):
        trainable = recurrent_counts(kind, module)
    else:
        trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    # Keras counts batch-norm moving mean and variance as non-trainable weights; PyTorch keeps them as buffers.
    stats = sum(b.numel() for n, b in module.named_buffers() if n.endswith(("running_mean", "running_var")))
    return {"shape": shape, "trainable": trainable, "nonTrainable": stats}


# torchvision constructors for the reference networks; GoogLeNet without its auxiliary training heads.
TORCHVISION = {
    "alexnet": {},
    "resnet50": {},
    "densenet121": {},
    "googlenet": {"aux_logits": False, "init_weights": False},
    "vgg16": {},
    "resnet18": {},
    "mobilenet_v2": {},
}


def torchvision_counts(names):
    """Parameter counts of torchvision models in Keras's convention: batch-norm statistics are non-trainable weights."""
    import torchvision.models as models

    out = {}
    for name in names:
        model = getattr(models, name)(weights=None, **TORCHVISION[name])
        stats = sum(b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var")))
        out[name] = {
            "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "nonTrainable": stats,
            "macs": count_macs(model),
        }
    return out


def count_macs(model):
    """Multiply-accumulates of one 224×224 image through the convolutions and linear layers, counted by hooks:
    each output value of a convolution costs (in_channels / groups)·|kernel|, each of a linear layer in_features."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            total[0] += output.numel() * (module.in_channels // module.groups) * math.prod(module.kernel_size)
        else:
            total[0] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    for h in handles:
        h.remove()
    return total[0]


def main():
    torch.manual_seed(0)
    if sys.argv[1:2] == ["--torchvision"]:
        json.dump(torchvision_counts(sys.argv[2:]), sys.stdout)
        return
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append(run(case))
        except Unconvertible as e:
            results.append({"unconvertible": str(e)})
        except Exception as e:  # an invalid configuration: PyTorch refuses it
            results.append({"error": "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
