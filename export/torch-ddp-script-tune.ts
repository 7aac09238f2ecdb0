// train.py's fine-tuning part (Python, verbatim): `freeze:`/`unfreeze:` and `lr_mult:` with train/fine-tune.ts's and
// train/update.ts's meaning. stride.json's `fineTune` names each layer by its module path.

export const TRAIN_PY_TUNE = String.raw`

# ---- fine-tuning: frozen layers and per-layer learning-rate factors, as Stride's trainer ----


def _under(name, prefixes):
    return next((p for p in prefixes if name == p or name.startswith(p + ".")), None)


def param_groups(module, tune):
    """lr_mult's parameter groups: group 0 unscaled (the schedule's rate), then one per factor ("mult" × the rate)."""
    mults = dict(tune["lrMult"]) if tune else {}
    groups = {}
    for name, p in module.named_parameters():
        owner = _under(name, mults)
        groups.setdefault(mults[owner] if owner else 1.0, []).append(p)
    order = [1.0] + sorted(m for m in groups if m != 1.0)
    return [{"params": groups.get(m, []), "mult": m} for m in order]


def set_lr(opt, lr):
    """Every group learns at the scheduled rate × its factor."""
    for group in opt.param_groups:
        group["lr"] = lr * group.get("mult", 1.0)


class Frozen:
    """freeze: no gradient reaches the optimizer (so no step, no decay, no state), and frozen batch norms run in
    inference mode (moving statistics, not updated), for epochs 1 … unfreeze (every epoch without unfreeze:).

    Gradients are still computed and exchanged by DDP, then dropped before the step: the set of parameters DDP
    reduces never changes, so unfreezing needs no new wrapper.
    """

    def __init__(self, module, tune):
        prefixes = tune["frozen"] if tune else []
        self.unfreeze = tune.get("unfreeze") if tune else None
        self.params = [p for n, p in module.named_parameters() if _under(n, prefixes)]
        self.norms = [m for n, m in module.named_modules() if _under(n, prefixes) and isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
        self.every = len(self.params) == len(list(module.parameters()))

    def now(self, epoch):
        return len(self.params) > 0 and (self.unfreeze is None or epoch <= self.unfreeze)

    def start_epoch(self, epoch):
        """After model.train(): the frozen batch norms back in inference mode."""
        if not self.now(epoch):
            return
        if self.every:
            raise SystemExit(f"Every weight of the model is frozen in epoch {epoch}: nothing would train. Freeze fewer layers (freeze: […]).")
        for m in self.norms:
            m.eval()

    def drop_grads(self, epoch):
        if self.now(epoch):
            for p in self.params:
                p.grad = None

    def align_adam(self, opt, step):
        """Adam and AdamW count steps per parameter in PyTorch, but for the whole run in Keras and in Stride's Node
        trainer (its bias correction uses the run's step). A parameter unfrozen at step "step" (1-based) gets its state
        here, with the run's count, so its first updates are the Node trainer's, not larger ones of a fresh count."""
        if not self.params or not isinstance(opt, (torch.optim.Adam, torch.optim.AdamW)):
            return
        for p in self.params:
            if p.grad is not None and p not in opt.state:
                opt.state[p] = {
                    "step": torch.tensor(float(step - 1)),
                    "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                    "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format),
                }
`;
