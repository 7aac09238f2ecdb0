"""Loads a Stride PyTorch export and its safetensors weights (strictly), runs it, and checks it against tfjs.

Reads JSON on stdin: {"file", "class", "weights" (a .safetensors path), "x", "shape", "outputs": [{"values", "shape",
"squash"}], "log", "shapes"}: x and the outputs channels-last as tfjs computes them, shapes the PyTorch shape (batch excluded) Stride infers for each forward variable.
An output with "squash" (softmax or sigmoid) comes from a logits export: see compare(). Prints JSON {"diff": largest absolute difference, "checked": variables whose shapes were compared, "keys": tensors
loaded, "metadata": the file's metadata}, or an error text. The safetensors file is read with json and struct only,
as Debian ships no safetensors package: that also checks the format byte for byte.
"""
import json
import struct
import sys

import torch

torch.set_default_dtype(torch.float64)
DTYPES = {"F32": (torch.float32, 4), "I64": (torch.int64, 8)}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    if size % 8 != 0:
        raise ValueError("header of %d bytes is not 8-byte aligned" % size)
    header = json.loads(data[8 : 8 + size].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = data[8 + size :]
    tensors, end = {}, 0
    for name, info in header.items():
        dtype, width = DTYPES[info["dtype"]]
        begin, stop = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if stop - begin != count * width or begin != end:
            raise ValueError("%s: offsets %s do not follow the previous tensor" % (name, info["data_offsets"]))
        end = stop
        buf = bytearray(body[begin:stop])
        tensors[name] = torch.frombuffer(buf, dtype=dtype).reshape(info["shape"]) if count else torch.zeros(info["shape"], dtype=dtype)
    if end != len(body):
        raise ValueError("%d bytes after the last tensor" % (len(body) - end))
    return tensors, metadata


def forward_locals(model, x):
    """Runs the model and returns the local variables of every module's forward, keyed by the module's path and the
    variable's name (`basic_1.0.conv2d_1`; the model's own without a prefix): each layer's output is one."""
    paths = {id(m): p for p, m in model.named_modules()}
    seen = {}

    def profile(frame, event, arg):
        if event != "return" or frame.f_code.co_name != "forward":
            return
        path = paths.get(id(frame.f_locals.get("self")))
        if path is None:
            return
        for name, value in frame.f_locals.items():
            if isinstance(value, torch.Tensor):
                seen[path + "." + name if path else name] = value

    sys.setprofile(profile)
    try:
        with torch.no_grad():
            y = model(x)
    finally:
        sys.setprofile(None)
    return y, seen


def channels_last(t):
    return t.permute(0, *range(2, t.dim()), 1) if t.dim() in (4, 5) else t


def main():
    case = json.load(sys.stdin)
    namespace = {}
    with open(case["file"]) as f:
        exec(compile(f.read(), case["file"], "exec"), namespace)
    model = namespace[case["class"]]()
    tensors, metadata = read_safetensors(case["weights"])
    model.load_state_dict(tensors, strict=True)
    model = model.double().eval()
    x = torch.tensor(case["x"]).reshape(case["shape"])
    if x.dim() in (4, 5):
        x = x.permute(0, x.dim() - 1, *range(1, x.dim() - 1))
    y, variables = forward_locals(model, x)
    checked = 0
    for name, want in case["shapes"].items():
        got = variables.get(name)
        if isinstance(got, torch.Tensor):
            if list(got.shape[1:]) != want:
                print(json.dumps("%s: PyTorch shape %s, Stride %s" % (name, list(got.shape[1:]), want)))
                return
            checked += 1
    outputs = y if isinstance(y, tuple) else (y,)
    result = {"checked": checked, "keys": len(tensors), "metadata": metadata, "diff": 0.0}
    for got, spec in zip(outputs, case["outputs"]):
        got = channels_last(got)
        want = torch.tensor(spec["values"]).reshape(spec["shape"])
        if list(got.shape) != list(want.shape):
            print(json.dumps("output shape %s vs %s" % (list(got.shape), list(want.shape))))
            return
        result["diff"] = max(result["diff"], compare(got, want, spec.get("squash"), case.get("log"), result))
    print(json.dumps(result))


def compare(got, want, squash, log, result):
    """The largest difference of one output. A logits export's output differs from the probabilities until the dropped
    squash is applied here (the raw difference is kept); with `log`, log-probabilities are compared, which keeps the
    logits' own precision where a softmax over many classes would shrink every difference."""
    if not squash:
        return float((got - want).abs().max())
    result["raw_diff"] = max(result.get("raw_diff", 0.0), float((got - want).abs().max()))
    if not log:
        return float(((torch.softmax(got, dim=-1) if squash == "softmax" else torch.sigmoid(got)) - want).abs().max())
    logp = torch.log_softmax(got, dim=-1) if squash == "softmax" else torch.nn.functional.logsigmoid(got)
    # float32 probabilities below ~1e-30 carry no digits worth comparing.
    keep = want > 1e-30
    return float((logp[keep] - want[keep].log()).abs().max())


if __name__ == "__main__":
    main()
