// train.py of the PyTorch DDP project, middle part: learning-rate schedules, early stopping and the best epoch, with
// the rules of Stride's train/schedule.ts, and the validation pass's scores gathered for the per-class results.

/** Python source, kept verbatim (String.raw: backslashes stay as written). */
export const TRAIN_PY_SCHEDULE = String.raw`# ---- learning-rate schedules and early stopping: the rules of Stride's train/schedule.ts ----


def monitor_mode(monitor):
    """Losses, mse and mae improve downwards, every other metric upwards."""
    base = monitor[4:] if monitor.startswith("val_") else monitor
    return "min" if base in ("loss", "mse", "mae") else "max"


def monitored(monitor, record):
    """The value an epoch record gives for "loss", "val_loss", a metric or a "val_" metric (None when not measured)."""
    if monitor == "loss":
        return record["loss"]
    if monitor == "val_loss":
        return record.get("valLoss")
    if monitor.startswith("val_"):
        return (record.get("valMetrics") or {}).get(monitor[4:])
    return record["metrics"].get(monitor)


def measured(value):
    return value is not None and not math.isnan(value)


def anneal_cos(start, end, pct):
    return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)


class Schedule:
    """The learning rate of every optimisation step, as Stride's trainer sets it.

    step and reduce_on_plateau are PyTorch's StepLR and ReduceLROnPlateau, stepped at each epoch's end. cosine (linear
    warm-up, then CosineAnnealingLR) and one_cycle (OneCycleLR) are per step, in their closed forms: the rate depends
    on the step alone, so a run stopped in the middle of an epoch resumes with exactly the rates it would have had.
    """

    def __init__(self, setting, opt, per_epoch, epochs):
        self.setting, self.opt, self.per_epoch, self.total = setting, opt, per_epoch, per_epoch * epochs
        self.base = opt.param_groups[0]["lr"]
        self.torch = None
        s, S = setting, torch.optim.lr_scheduler
        if s["kind"] == "step":
            self.torch = S.StepLR(opt, step_size=s["every"], gamma=s["gamma"])
        elif s["kind"] == "reduce_on_plateau":
            self.torch = S.ReduceLROnPlateau(
                opt, mode=monitor_mode(s["monitor"]), factor=s["factor"], patience=s["patience"], threshold=s["threshold"],
                threshold_mode="rel", cooldown=0, min_lr=[s["minLr"] * g.get("mult", 1.0) for g in opt.param_groups], eps=1e-8,
            )

    def closed_form(self, step):
        s, total = self.setting, self.total
        if s["kind"] == "cosine":
            warm = min(s["warmup"] * self.per_epoch, total)
            if step < warm:
                return self.base * (step + 1) / warm
            return anneal_cos(self.base, s["minLr"], (step - warm) / max(1, total - warm))
        peak = s.get("maxLr") or self.base
        initial, end1, end2 = peak / s["divFactor"], s["pctStart"] * total - 1, total - 1
        if step <= end1:
            return anneal_cos(initial, peak, step / end1 if end1 > 0 else 1)
        return anneal_cos(peak, initial / s["finalDivFactor"], (step - end1) / (end2 - end1) if end2 > end1 else 1)

    def at(self, step):
        """Sets and returns the rate of optimisation step "step", counted from 0 over the whole run."""
        if self.setting["kind"] in ("cosine", "one_cycle"):
            set_lr(self.opt, self.closed_form(step))
        return self.opt.param_groups[0]["lr"]

    def end_epoch(self, record):
        if self.setting["kind"] == "step":
            self.torch.step()
        elif self.setting["kind"] == "reduce_on_plateau":
            value = monitored(self.setting["monitor"], record)
            if measured(value):
                self.torch.step(value)

    def state_dict(self):
        return self.torch.state_dict() if self.torch else {}

    def load_state_dict(self, state):
        if self.torch and state:
            self.torch.load_state_dict(state)


class Monitor:
    """Keras's EarlyStopping as Stride has it: an improvement beyond min_delta resets the wait; patience epochs
    without one stop the run. It also names the best epoch, whose weights are kept (best.safetensors)."""

    def __init__(self, setting):
        self.setting = setting
        self.best = math.inf if monitor_mode(setting["monitor"]) == "min" else -math.inf
        self.wait, self.best_epoch = 0, 0

    def end_epoch(self, epoch, value):
        """(improved, stop) for this epoch."""
        if not measured(value):
            return False, False
        d = abs(self.setting["minDelta"])
        improved = value + d < self.best if monitor_mode(self.setting["monitor"]) == "min" else value - d > self.best
        self.wait += 1
        if improved:
            self.best, self.best_epoch, self.wait = value, epoch, 0
        return improved, not improved and self.wait >= self.setting["patience"]

    def state_dict(self):
        return {"best": self.best, "wait": self.wait, "best_epoch": self.best_epoch}

    def load_state_dict(self, state):
        self.best, self.wait, self.best_epoch = state["best"], state["wait"], state["best_epoch"]

    def reason(self, epoch):
        since = epoch - self.best_epoch
        return (
            f"Stopped early after epoch {epoch}: {self.setting['monitor']} has not improved for {since} epoch{'' if since == 1 else 's'} "
            f"(best {self.best:.4g} at epoch {self.best_epoch})."
        )


def watch_setting(settings, held_out):
    """Early stopping's monitor; without early stopping, val_loss (or loss) watched for the best epoch, never stopping."""
    return settings.get("earlyStopping") or {"monitor": "val_loss" if held_out else "loss", "patience": math.inf, "minDelta": 0}


def agree(ctx, improved, stop):
    """Rank 0's verdict and learning rate for every process, so that all of them stop, save and go on alike."""
    if ctx["world"] == 1:
        return improved, stop
    t = torch.tensor([float(improved), float(stop), ctx["opt"].param_groups[0]["lr"]], dtype=torch.float64, device=ctx["device"])
    dist.broadcast(t, 0)
    set_lr(ctx["opt"], t[2].item())
    return t[0].item() > 0, t[1].item() > 0


def end_epoch(ctx, epoch, record):
    """The schedule's and the monitor's step at an epoch's end; the best epoch's weights are saved as it improves."""
    ctx["schedule"].end_epoch(record)
    improved, stop = ctx["watch"].end_epoch(epoch, monitored(ctx["watch"].setting["monitor"], record))
    improved, stop = agree(ctx, improved, stop)
    if improved and ctx["rank"] == 0:
        write_safetensors(os.path.join(ctx["out"], "best.safetensors"), ctx["module"].state_dict(), weights_meta(ctx, epoch))
    return stop


# ---- the last validation pass's scores, for the per-class results (results.json, predictions.csv) ----


def gathered_scores(ctx, rows, count):
    """Every process's rows of the validation pass back in the split's order (process r held rows r, r + N, ...)."""
    mine = torch.cat(rows).numpy() if rows else np.zeros((0, 0), dtype=np.float32)
    if ctx["world"] == 1:
        return mine
    parts = [None] * ctx["world"]
    dist.all_gather_object(parts, mine)
    units = max(p.shape[1] for p in parts)
    out = np.zeros((count, units), dtype=np.float32)
    for r, part in enumerate(parts):
        if len(part):
            out[r :: ctx["world"]] = part
    return out


def save_validation(ctx, epoch):
    """validation.safetensors: the split's sample indices, their labels and the last pass's scores (rank 0)."""
    _, val_idx = ctx["split"]
    if ctx.get("val_rows") is None or len(val_idx) == 0:
        return None
    scores = gathered_scores(ctx, ctx["val_rows"], len(val_idx))
    if ctx["rank"] != 0:
        return None
    path = os.path.join(ctx["out"], "validation.safetensors")
    idx = torch.from_numpy(val_idx.astype(np.int64))
    tensors = {"indices": idx, "labels": ctx["y"][idx], "scores": torch.from_numpy(scores)}
    write_safetensors(path, tensors, {"format": "pt", "epoch": str(epoch), "form": ctx["form"]})
    return os.path.abspath(path)


`;
