// train.py's augmentation (Python, verbatim): train/augment.ts ported draw for draw and value for value (float64
// arithmetic stored as float32, as JavaScript's Float32Array does), so a sample gets the very pixels it gets in Stride.

export const TRAIN_PY_AUGMENT = String.raw`

# ---- augment: train/augment.ts's seeded per-sample draws and augmentations, bit for bit ----


def sample_random(seed, epoch, sample):
    """The generator of one sample's draws: a function of the seed, the epoch and the sample's index only."""
    h = _imul((seed & M32) ^ 0x9E3779B9, 0x85EBCA6B)
    h = _imul(h ^ (h >> 13) ^ (epoch & M32), 0xC2B2AE35)
    h = _imul(h ^ (h >> 16) ^ (sample & M32), 0x27D4EB2F)
    return rng(h ^ (h >> 15))


def _between(draw, lo, hi):
    return lo + math.floor(draw() * (hi - lo + 1))


def _shift(img, dy, dx):
    h, w, _ = img.shape
    out = np.zeros_like(img)
    ys, yd = slice(max(0, -dy), min(h, h - dy)), slice(max(0, dy), min(h, h + dy))
    xs, xd = slice(max(0, -dx), min(w, w - dx)), slice(max(0, dx), min(w, w + dx))
    if ys.start < ys.stop and xs.start < xs.stop:
        out[yd, xd] = img[ys, xs]
    return out


def _jsround(v):
    return np.floor(v + 0.5)


def _rotate(img, degrees):
    h, w, c = img.shape
    t = degrees * math.pi / 180
    cos, sin = math.cos(t), math.sin(t)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    y, x = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64), indexing="ij")
    sx = cx + (x - cx) * cos - (y - cy) * sin
    sy = cy + (x - cx) * sin + (y - cy) * cos
    ry = np.where(np.abs(sy - _jsround(sy)) < 1e-9, _jsround(sy), sy)
    rx = np.where(np.abs(sx - _jsround(sx)) < 1e-9, _jsround(sx), sx)
    y0, x0 = np.floor(ry), np.floor(rx)
    fy, fx = ry - y0, rx - x0
    out = np.zeros((h, w, c), dtype=np.float32)
    src = img.astype(np.float64)
    for dy, dx, weight in ((0, 0, (1 - fy) * (1 - fx)), (0, 1, (1 - fy) * fx), (1, 0, fy * (1 - fx)), (1, 1, fy * fx)):
        yy, xx = (y0 + dy).astype(np.int64), (x0 + dx).astype(np.int64)
        ok = (weight != 0) & (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
        value = src[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)] * weight[..., None]
        # Each corner is added to the float32 output in turn, as Stride's loop does.
        out = np.where(ok[..., None], (out.astype(np.float64) + value).astype(np.float32), out)
    return out


def _contrast(img, factor):
    flat = img.astype(np.float64).reshape(-1)
    mean = float(np.cumsum(flat)[-1]) / flat.size if flat.size else 0.0  # summed in order, as Stride does
    return np.clip((img.astype(np.float64) - mean) * factor + mean, 0, 1).astype(np.float32)


def _cutout(img, top, left, size):
    h, w, _ = img.shape
    out = img.copy()
    out[max(0, top) : max(0, min(h, top + size)), max(0, left) : max(0, min(w, left + size))] = 0
    return out


def augment_image(img, steps, draw):
    """img: (H, W, C) float32, channels-last as Stride augments it; the steps in order, each with its draws."""
    h, w, _ = img.shape
    for step in steps:
        kind, a = step["kind"], step["amount"]
        if kind == "flip":
            img = img[:, ::-1].copy() if draw() < a else img
        elif kind == "crop":
            top, left = _between(draw, 0, 2 * a), _between(draw, 0, 2 * a)
            img = _shift(img, a - top, a - left)
        elif kind == "rotate":
            img = _rotate(img, (2 * draw() - 1) * a)
        elif kind == "translate":
            dy, dx = _between(draw, -a, a), _between(draw, -a, a)
            img = _shift(img, dy, dx)
        elif kind == "brightness":
            img = np.clip(img.astype(np.float64) * (1 + (2 * draw() - 1) * a), 0, 1).astype(np.float32)
        elif kind == "contrast":
            img = _contrast(img, 1 + (2 * draw() - 1) * a)
        elif kind == "cutout":
            half = a // 2
            top, left = _between(draw, 0, h - 1) - half, _between(draw, 0, w - 1) - half
            img = _cutout(img, top, left, a)
        else:
            raise SystemExit(f"train.py: unknown augmentation '{kind}'")
    return img


def augment_batch(x, idx, steps, seed, epoch):
    """x: (N, C, H, W) of the samples idx (their indices in the data set), augmented as Stride's trainer does."""
    if not steps:
        return x
    images = x.permute(0, 2, 3, 1).numpy()
    out = [augment_image(images[b].copy(), steps, sample_random(seed, epoch, int(i))) for b, i in enumerate(idx)]
    return torch.from_numpy(np.ascontiguousarray(np.stack(out).transpose(0, 3, 1, 2)))
`;
