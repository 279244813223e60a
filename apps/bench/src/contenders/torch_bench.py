"""PyTorch contender for apps/bench: the same cases as src/cases.ts on the CPU, torch's intra-op
threads set to the core count (Kiln's default). Prints one report line, like the JS contenders.
Usage: python3 torch_bench.py [case ids...]"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PREFIX = "KILN_BENCH_RESULT "
BATCH, LR, CLASSES = 64, 0.01, 10
ALL = ["matmul-256", "matmul-512", "matmul-1024", "bmm-16x256", "conv2d-fwd", "conv2d-fwd-bwd", "add-1M", "relu-1M",
       "exp-1M", "sum-1M", "sum-last-1M", "max-last-1M", "softmax-1M", "mlp-step", "cnn-step"]


def time_it(fn, warmup=2, warmup_s=2.0, max_runs=200, min_runs=3, budget=1.5):
    # the same warm-up rule as measure.ts: at least `warmup` runs, more until warmup_s (at most 3000)
    w0 = time.perf_counter()
    i = 0
    while i < warmup or (i < 3000 and time.perf_counter() - w0 < warmup_s):
        fn()
        i += 1
    samples = []
    start = time.perf_counter()
    while len(samples) < max_runs and (len(samples) < min_runs or time.perf_counter() - start < budget):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    m = len(samples) // 2
    ms = samples[m] if len(samples) % 2 else (samples[m - 1] + samples[m]) / 2
    return {"ms": ms, "runs": len(samples)}


def train_step(model, x):
    y = torch.randint(0, CLASSES, (BATCH,))
    opt = torch.optim.SGD(model.parameters(), lr=LR)

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def setup(case):
    x1m, y1m = torch.randn(1024, 1024), torch.randn(1024, 1024)
    if case.startswith("matmul-"):
        n = int(case.split("-")[1])
        a, b = torch.randn(n, n), torch.randn(n, n)
        return lambda: a @ b
    if case == "bmm-16x256":
        a, b = torch.randn(16, 256, 256), torch.randn(16, 256, 256)
        return lambda: a @ b
    if case == "conv2d-fwd":
        x, w, b = torch.randn(64, 32, 26, 26), torch.randn(64, 32, 3, 3), torch.randn(64)
        return lambda: F.conv2d(x, w, b)
    if case == "conv2d-fwd-bwd":
        x = torch.randn(64, 32, 26, 26, requires_grad=True)
        w = torch.randn(64, 32, 3, 3, requires_grad=True)
        b = torch.randn(64, requires_grad=True)
        return lambda: torch.autograd.grad(F.conv2d(x, w, b).sum(), [x, w, b])
    simple = {
        "add-1M": lambda: x1m + y1m, "relu-1M": lambda: F.relu(x1m), "exp-1M": lambda: x1m.exp(),
        "sum-1M": lambda: x1m.sum(), "sum-last-1M": lambda: x1m.sum(-1), "max-last-1M": lambda: x1m.amax(-1),
        "softmax-1M": lambda: F.softmax(x1m, -1),
    }
    if case in simple:
        return simple[case]
    if case == "mlp-step":
        return train_step(nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)), torch.randn(BATCH, 784))
    if case == "cnn-step":
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10))
        return train_step(model, torch.randn(BATCH, 1, 28, 28))
    raise ValueError(case)


def main():
    torch.set_num_threads(os.cpu_count() or 1)
    cases = sys.argv[1:] or ALL
    report = {"contender": "pytorch", "info": {"version": torch.__version__, "threads": torch.get_num_threads()}, "results": {}}
    for case in cases:
        try:
            report["results"][case] = time_it(setup(case))
        except Exception as e:  # report, never abort the whole run
            report["results"][case] = {"na": "error: " + str(e).splitlines()[0]}
    sys.stdout.write(PREFIX + json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
