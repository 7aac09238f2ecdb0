// train.py of the PyTorch DDP project, second half: processes, the training loop, checkpoints, the metrics log, weights.

/** Python source, kept verbatim (String.raw: backslashes stay as written). */
export const TRAIN_PY_MAIN = String.raw`# ---- processes: NCCL on GPUs, else gloo; rank 0 alone logs and saves ----


def setup():
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world == 1:
        return 0, 1, device, "single process"
    backend = "nccl" if cuda else "gloo"
    dist.init_process_group(backend)
    return dist.get_rank(), world, device, backend


def on_signal(signum, _frame):
    # Every process stops at the same step: the flag travels with the per-step all-reduce.
    STOP["requested"] = True


class Log:
    """Stride's metrics log (JSON lines: start, epoch, end); rank 0 writes it, whole lines only."""

    def __init__(self, path, rank):
        self.path = path if rank == 0 else None
        if self.path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def write(self, record):
        if not self.path:
            return
        stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"time": stamp, **record}) + "\n")


def build(config, device, torch_init):
    cls = getattr(importlib.import_module("model"), config["className"])
    model = cls()
    if not torch_init:
        state, _ = read_safetensors(os.path.join(HERE, config["initialWeights"]))
        model.load_state_dict(state, strict=True)
    return model.to(device)


def run_epoch(ctx, epoch, order):
    """One epoch: global batches of the seeded order; this process takes every world-th sample of each."""
    s, model, opt = ctx["settings"], ctx["ddp"], ctx["opt"]
    model.train()
    ctx["frozen"].start_epoch(epoch)
    metrics = Metrics(s["metrics"], ctx["classes"], ctx["form"], ctx["device"])
    batch, rank, world = s["batch"], ctx["rank"], ctx["world"]
    loss_sum, started, lr = 0.0, time.time(), ctx["schedule"].at(ctx["step"])
    for b in range(math.ceil(len(order) / batch)):
        chunk = order[b * batch : (b + 1) * batch]
        mine = chunk[rank::world]
        # A process without a sample in a short last batch still joins the gradient all-reduce, with weight 0.
        weight = len(mine) > 0
        idx = torch.from_numpy(mine if weight else chunk[:1])
        x, y = batch_inputs(ctx, idx, epoch).to(ctx["device"]), ctx["y"][idx].to(ctx["device"])
        pred = model(x)
        losses = sample_losses(s["loss"], ctx["form"], pred, y, ctx["classes"])
        total = losses.sum() * (1.0 if weight else 0.0)
        if STOP["file"] and os.path.exists(STOP["file"]):
            STOP["requested"] = True
        flags = torch.stack([total.detach().double(), torch.tensor(float(STOP["requested"]), dtype=torch.float64, device=x.device)])
        if world > 1:
            dist.all_reduce(flags)
        if flags[1].item() > 0:
            return "stopped", loss_sum, metrics, time.time() - started, lr
        if not math.isfinite(flags[0].item()):
            return "diverged", flags[0].item(), metrics, time.time() - started, lr
        lr = ctx["schedule"].at(ctx["step"])
        ctx["step"] += 1
        opt.zero_grad(set_to_none=True)
        # DDP averages gradients over processes: world / len(chunk) makes the result the global batch's mean.
        (total * world / len(chunk)).backward()
        ctx["frozen"].drop_grads(epoch)
        ctx["frozen"].align_adam(opt, ctx["step"])
        opt.step()
        loss_sum += flags[0].item()
        if weight:
            metrics.add(pred, y)
    return "completed", loss_sum, metrics, time.time() - started, lr


@torch.no_grad()
def evaluate(ctx, indices):
    s, module = ctx["settings"], ctx["module"]
    module.eval()
    metrics = Metrics(s["metrics"], ctx["classes"], ctx["form"], ctx["device"])
    mine = indices[ctx["rank"] :: ctx["world"]]
    total = torch.zeros(1, dtype=torch.float64, device=ctx["device"])
    size = max(s["batch"], 64)
    ctx["val_rows"] = []
    for at in range(0, len(mine), size):
        idx = torch.from_numpy(mine[at : at + size])
        x, y = batch_inputs(ctx, idx).to(ctx["device"]), ctx["y"][idx].to(ctx["device"])
        pred = module(x)
        total += sample_losses(s["loss"], ctx["form"], pred, y, ctx["classes"]).sum().double()
        metrics.add(pred, y)
        ctx["val_rows"].append(pred.detach().float().reshape(len(y), -1).cpu())
    if ctx["world"] > 1:
        dist.all_reduce(total)
    metrics.reduce(ctx["world"])
    return total.item() / len(indices), metrics.result()


def save_checkpoint(ctx, epoch, history):
    if ctx["rank"] != 0:
        return
    state = {"model": ctx["module"].state_dict(), "optimizer": ctx["opt"].state_dict(), "epoch": epoch, "history": history, "torch_rng": torch.get_rng_state()}
    state.update(schedule=ctx["schedule"].state_dict(), watch=ctx["watch"].state_dict())
    atomic_write(os.path.join(ctx["out"], "checkpoint.pt"), lambda f: torch.save(state, f))


def weights_meta(ctx, epochs):
    data = ctx["config"]["data"]
    meta = {"format": "pt", "model": ctx["config"]["model"], "classes": json.dumps(data["classes"]), "dataset": data["name"], "epochs": str(epochs)}
    if ctx["config"].get("normalization"):
        # What predict applies to its inputs, as with Stride's own weights.
        meta["normalization"] = json.dumps(ctx["config"]["normalization"])
    return meta


def save_weights(ctx, epochs):
    if ctx["rank"] != 0:
        return None
    path = os.path.join(ctx["out"], "weights.safetensors")
    write_safetensors(path, ctx["module"].state_dict(), weights_meta(ctx, epochs))
    return os.path.abspath(path)


def resume(ctx):
    path = os.path.join(ctx["out"], "checkpoint.pt")
    if not os.path.exists(path):
        # Nothing saved yet: start afresh, so torchrun's elastic restarts can pass --resume from the first start on.
        if ctx["rank"] == 0:
            print(f"train.py: no {path} yet; starting from epoch 1", flush=True)
        return 0, []
    state = torch.load(path, map_location=ctx["device"])
    ctx["module"].load_state_dict(state["model"])
    ctx["opt"].load_state_dict(state["optimizer"])
    torch.set_rng_state(state["torch_rng"].cpu())
    ctx["schedule"].load_state_dict(state.get("schedule"))
    if "watch" in state:
        ctx["watch"].load_state_dict(state["watch"])
    return state["epoch"], state["history"]


def epoch_record(ctx, epoch, loss, metrics, val, seconds, lr, trained, elapsed):
    s = ctx["settings"]
    speed = trained / max(elapsed, 1e-6)
    left = (s["epochs"] - epoch) * ctx["per_epoch"]
    record = {"epoch": epoch, "epochs": s["epochs"], "loss": loss, "metrics": metrics, "lr": lr}
    if val is not None:
        record.update(valLoss=val[0], valMetrics=val[1])
    memory = torch.cuda.memory_allocated() if ctx["device"].type == "cuda" else 0
    record.update(seconds=seconds, samplesPerSecond=speed, etaSeconds=left / speed if speed > 0 else 0, memory={"numTensors": 0, "numBytes": memory})
    return record


def train(ctx, log, start, history):
    s, status, reason = ctx["settings"], "completed", None
    train_idx, val_idx = ctx["split"]
    trained, begun = 0, time.time()
    for epoch in range(start + 1, s["epochs"] + 1):
        order = train_idx[permutation(len(train_idx), rng(s["seed"] + epoch))]
        status, loss_sum, metrics, seconds, lr = run_epoch(ctx, epoch, order)
        if status == "diverged":
            reason = f"The loss became {loss_sum} at epoch {epoch}: training diverged and was stopped before the bad update was applied."
            break
        if status == "stopped":
            reason = "Stopped on request."
            break
        metrics.reduce(ctx["world"])
        val = evaluate(ctx, val_idx) if len(val_idx) > 0 else None
        trained += len(order)
        record = epoch_record(ctx, epoch, loss_sum / len(order), metrics.result(), val, seconds, lr, trained, time.time() - begun)
        history.append(record)
        stop = end_epoch(ctx, epoch, record)
        save_checkpoint(ctx, epoch, history)
        log.write({"event": "epoch", **record})
        if ctx["rank"] == 0 and not ctx["quiet"]:
            shown = ", ".join(f"{k} {v:.4f}" for k, v in record["metrics"].items())
            print(f"epoch {epoch}/{s['epochs']}: loss {record['loss']:.4f}{', ' + shown if shown else ''}" + (f" · val loss {val[0]:.4f}" if val else "") + f" · lr {lr:.3g}", flush=True)
        if stop and epoch < s["epochs"]:
            reason = ctx["watch"].reason(epoch)
            break
    return status, reason, history


def best_of(ctx, status):
    """The best epoch by the watched value and its weights file (none when nothing was measured)."""
    w, path = ctx["watch"], os.path.join(ctx["out"], "best.safetensors")
    if w.best_epoch == 0 or ctx["rank"] != 0 or not os.path.exists(path):
        return {}
    return {"best": {"epoch": w.best_epoch, "monitor": w.setting["monitor"], "value": w.best}, "bestFile": os.path.abspath(path)}


def main():
    args = parse_args()
    with open(os.path.join(HERE, "stride.json"), encoding="utf-8") as f:
        config = json.load(f)
    sys.path.insert(0, HERE)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    STOP["file"] = args.stop_file
    rank, world, device, backend = setup()
    s = dict(config["settings"])
    s.update({k: v for k, v in (("epochs", args.epochs), ("batch", args.batch)) if v is not None})
    torch.manual_seed(s["seed"])
    x, y = load_data(config, args.limit)
    module = build(config, device, args.torch_init)
    ddp = torch.nn.parallel.DistributedDataParallel(module) if world > 1 else module
    ctx = {"config": config, "settings": s, "rank": rank, "world": world, "device": device, "x": x, "y": y, "module": module, "ddp": ddp}
    tune = config.get("fineTune")
    ctx.update(opt=make_optimizer(s["optimizer"], param_groups(module, tune)), frozen=Frozen(module, tune), classes=len(config["data"]["classes"]), form=config["outputForm"])
    set_lr(ctx["opt"], ctx["opt"].param_groups[0]["lr"])
    ctx.update(out=args.out, quiet=args.quiet, split=split(len(y), s["validation"], s["seed"]))
    ctx["per_epoch"] = len(ctx["split"][0])
    steps = math.ceil(ctx["per_epoch"] / s["batch"])
    ctx.update(schedule=Schedule(s.get("schedule") or {"kind": "constant"}, ctx["opt"], steps, s["epochs"]), watch=Monitor(watch_setting(s, len(ctx["split"][1]) > 0)))
    log = Log(args.metrics or os.path.join(args.out, "metrics.jsonl"), rank)
    if not args.resume and rank == 0:
        # A fresh run's best epoch is its own: an earlier run's best weights in OUT are not kept.
        for stale in ("best.safetensors", "validation.safetensors"):
            if os.path.exists(os.path.join(args.out, stale)):
                os.remove(os.path.join(args.out, stale))
    start, history = resume(ctx) if args.resume else (0, [])
    ctx["step"] = start * steps
    where = f"{world} × {backend} ({device.type})" if world > 1 else f"1 process ({device.type})"
    describe = f"PyTorch {torch.__version__}, {where}"
    log.write({"event": "start", "model": config["model"], "backend": describe, "data": config["data"]["name"], "samples": len(y), "settings": s, "engine": "torch", "processes": world, "resumedFrom": start})
    if rank == 0 and not args.quiet:
        print(f"{describe}; global batch {s['batch']} = {world} × ~{math.ceil(s['batch'] / world)} per process; epochs {start + 1}–{s['epochs']}", flush=True)
    status, reason, history = train(ctx, log, start, history)
    weights, scores = None, None
    if status != "diverged":
        if status == "stopped":
            save_checkpoint(ctx, len(history), history)
        weights = save_weights(ctx, len(history))
    if status == "completed":
        # Completed runs only, as Stride's trainer: a stopped run may not have validated its last weights.
        scores = save_validation(ctx, len(history))
    end = {"event": "end", "status": status, "reason": reason, "seed": s["seed"], "weightsFile": weights, **best_of(ctx, status), "validationFile": scores}
    if not args.end_by_host:
        log.write(end)
    elif rank == 0:
        # The caller (stride train --engine torch) converts the weights first, then logs the end with Stride's folder.
        atomic_write(os.path.join(args.out, "result.json"), lambda f: f.write(json.dumps(end).encode("utf-8")))
    if world > 1:
        # Every process gets here (stop and divergence travel with the per-step all-reduce), so this barrier ends
        # all communication before any process leaves; see leave() for why none of them then tears gloo down.
        dist.barrier()
    return 1 if status == "diverged" else 0


def leave(code):
    """Exits with code. After a multi-process run, without the interpreter's teardown of the process group: with
    PyTorch 1.13 and gloo that teardown, racing a peer that had already exited, aborted a finished process
    ("terminate called without an active exception") or, with destroy_process_group(), hung it. Every file was
    written and closed before the closing barrier."""
    if dist.is_available() and dist.is_initialized():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    leave(main())
`;

/** launch.py: torchrun with the one parser fix old PyTorch needs on new Python (see its docstring). */
export const LAUNCH_PY = String.raw`"""torchrun, runnable as "python launch.py --nproc_per_node=N train.py …" with the same arguments.

PyTorch up to 1.13 on Python 3.11 or newer fails at start ("'NoneType' object has no attribute 'get'"): its
redirect option parser looks for the zero flag by iterating the enum, which no longer yields it. This file mends
that one parser when it is broken, then hands over to torch.distributed.run unchanged.
"""

import sys

from torch.distributed.elastic.multiprocessing import api
from torch.distributed.run import main

_parse = api.Std.from_str


def _from_str(vm):
    parsed = _parse(vm)
    if isinstance(parsed, dict):
        return {k: api.Std.NONE if v is None else v for k, v in parsed.items()}
    return api.Std.NONE if parsed is None else parsed


if _parse("0") is None:
    api.Std.from_str = staticmethod(_from_str)

if __name__ == "__main__":
    sys.exit(main())
`;
