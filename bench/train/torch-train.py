# One throughput measurement in a fresh process: PyTorch CPU training one benchmark net (same nets as models.ts).
import json
import resource
import sys
import time

job = json.loads(sys.argv[1])

import torch  # noqa: E402  (imported after argv parsing: its import time counts as start-up)
import torch.nn as nn  # noqa: E402

torch.set_num_threads(job["threads"])
torch.manual_seed(1)


def tiny_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 10),
    )


def vgg_small():
    def conv(i, o):
        return [nn.Conv2d(i, o, 3, padding=1), nn.ReLU()]
    return nn.Sequential(
        *conv(3, 32), *conv(32, 32), nn.MaxPool2d(2),
        *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def conv_bn(i, o, k, s):
    return nn.Sequential(nn.Conv2d(i, o, k, stride=s, padding=k // 2, bias=False), nn.BatchNorm2d(o))


class Basic(nn.Module):
    def __init__(self, i, o, s):
        super().__init__()
        self.a = conv_bn(i, o, 3, s)
        self.b = conv_bn(o, o, 3, 1)
        self.short = nn.Identity() if s == 1 and i == o else conv_bn(i, o, 1, s)

    def forward(self, x):
        return torch.relu(self.b(torch.relu(self.a(x))) + self.short(x))


def resnet8():
    return nn.Sequential(
        conv_bn(3, 16, 3, 1), nn.ReLU(),
        Basic(16, 16, 1), Basic(16, 32, 2), Basic(32, 64, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    )


def bn_act(c, relu6):
    return [nn.BatchNorm2d(c)] + ([nn.ReLU6()] if relu6 else [])


class Inverted(nn.Module):
    def __init__(self, i, o, s, t):
        super().__init__()
        layers = [] if t == 1 else [nn.Conv2d(i, i * t, 1, bias=False), *bn_act(i * t, True)]
        c = i * t
        layers += [nn.Conv2d(c, c, 3, stride=s, padding=1, groups=c, bias=False), *bn_act(c, True)]
        layers += [nn.Conv2d(c, o, 1, bias=False), *bn_act(o, False)]
        self.body = nn.Sequential(*layers)
        self.residual = s == 1 and i == o

    def forward(self, x):
        y = self.body(x)
        return y + x if self.residual else y


def mobilenet_tiny():
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, bias=False), *bn_act(16, True),
        Inverted(16, 8, 1, 1), Inverted(8, 16, 2, 6), Inverted(16, 16, 1, 6),
        Inverted(16, 24, 2, 6), Inverted(24, 24, 1, 6), Inverted(24, 32, 2, 6),
        nn.Conv2d(32, 128, 1, bias=False), *bn_act(128, True),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10),
    )


MODELS = {
    "tiny-cnn": (tiny_cnn, (1, 28, 28)),
    "vgg-small": (vgg_small, (3, 32, 32)),
    "resnet8": (resnet8, (3, 32, 32)),
    "mobilenet-tiny": (mobilenet_tiny, (3, 32, 32)),
}


def emit(event):
    print(json.dumps(event), flush=True)


def main():
    build, shape = MODELS[job["model"]]
    model = build()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy, as the tfjs nets' softmax + categorical crossentropy
    batch = job["batch"]
    batches = [(torch.rand(batch, *shape), torch.randint(0, 10, (batch,))) for _ in range(4)]
    emit({"event": "ready", "description": f"pytorch {torch.__version__} cpu, {torch.get_num_threads()} thread(s)"})
    step = 0

    def train_step():
        nonlocal step
        x, y = batches[step % len(batches)]
        step += 1
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    for _ in range(job["warmupSteps"]):
        train_step()
    wall0, cpu0, steps = time.perf_counter(), time.process_time(), 0
    while steps < job["minSteps"] or time.perf_counter() - wall0 < job["minSeconds"]:
        train_step()
        steps += 1
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    emit({
        "event": "result",
        "description": f"pytorch {torch.__version__} cpu, {torch.get_num_threads()} thread(s)",
        "steps": steps,
        "samplesPerSecond": steps * batch / wall,
        "samplesPerCpuSecond": steps * batch / cpu,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    })


main()
