"""Adam with one parameter group per weight (lr x factor) on the batch the Stride test used: the reference weights."""

import json
import sys

import torch
import torch.nn.functional as F

case = json.load(sys.stdin)
x = torch.tensor(case["x"], dtype=torch.float32).reshape(8, 16)
y = torch.tensor(case["y"], dtype=torch.long)
shapes = [(16, 6), (6,), (6, 3), (3,)]
w = [torch.tensor(v, dtype=torch.float32).reshape(s).requires_grad_() for v, s in zip(case["initial"], shapes)]
groups = [{"params": [p], "lr": case["lr"] * m} for p, m in zip(w, case["mult"])]
opt = torch.optim.Adam(groups, lr=case["lr"], eps=1e-7)
for _ in range(case["steps"]):
    opt.zero_grad()
    logits = torch.tanh(x @ w[0] + w[1]) @ w[2] + w[3]
    F.cross_entropy(logits, y).backward()
    opt.step()
print(json.dumps([p.detach().reshape(-1).tolist() for p in w]))
