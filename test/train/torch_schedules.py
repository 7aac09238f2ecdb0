"""PyTorch's learning-rate schedulers as the oracle of Stride's: the learning rate of every optimisation step.

stdin: [{"kind", "lr", "stepsPerEpoch", "epochs", "args": {...}, "values": [monitored value per epoch]}]
stdout: [[lr of step 0, lr of step 1, ...] per case]
Warm-up and cosine are checked phase by phase (LinearLR, then a fresh CosineAnnealingLR) so that no chaining helper's
own rules enter the comparison.
"""
import json
import sys

import torch
from torch.optim import lr_scheduler as S


def optimizer(lr):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def run(opt, sched, steps, every=1, values=None):
    """The lr of each of `steps` steps, stepping the scheduler every `every` steps (per epoch: every = steps per epoch)."""
    lrs = []
    for i in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if (i + 1) % every == 0:
            if values is not None:
                sched.step(values[(i + 1) // every - 1])
            elif i + 1 < steps:
                sched.step()
    return lrs


def case(c):
    lr, spe, epochs, a = c["lr"], c["stepsPerEpoch"], c["epochs"], c["args"]
    total = spe * epochs
    opt = optimizer(lr)
    kind = c["kind"]
    if kind == "step":
        return run(opt, S.StepLR(opt, step_size=a["every"], gamma=a["gamma"]), total, every=spe)
    if kind == "one_cycle":
        sched = S.OneCycleLR(opt, max_lr=a["maxLr"], total_steps=total, pct_start=a["pctStart"], div_factor=a["divFactor"],
                             final_div_factor=a["finalDivFactor"], anneal_strategy="cos", cycle_momentum=False)
        return run(opt, sched, total)
    if kind == "cosine":
        warm = min(a["warmup"] * spe, total)
        lrs = []
        if warm > 0:
            lrs = run(opt, S.LinearLR(opt, start_factor=1 / warm, end_factor=1.0, total_iters=warm - 1), warm)
        opt = optimizer(lr)
        return lrs + run(opt, S.CosineAnnealingLR(opt, T_max=max(1, total - warm), eta_min=a["minLr"]), total - warm)
    if kind == "reduce_on_plateau":
        mode = "min" if a["monitor"].replace("val_", "") in ("loss", "mse", "mae") else "max"
        sched = S.ReduceLROnPlateau(opt, mode=mode, factor=a["factor"], patience=a["patience"], threshold=a["threshold"],
                                    threshold_mode="rel", cooldown=0, min_lr=a["minLr"])
        return run(opt, sched, total, every=spe, values=c["values"])
    raise SystemExit(f"unknown schedule {kind}")


print(json.dumps([case(c) for c in json.load(sys.stdin)]))
