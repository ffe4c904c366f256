"""softmax(Q K^T / sqrt(d)) V forward, float32, Q K V of [BH, T, D]."""
import math


def torch(p):
    import torch

    bh, t, d = int(p["BH"]), int(p["T"]), int(p["D"])
    q, k, v = (torch.randn(bh, t, d) for _ in range(3))
    scale = 1 / math.sqrt(d)

    def run():
        with torch.no_grad():
            return torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * scale, dim=-1) @ v

    return run


def numpy(p):
    import numpy as np

    bh, t, d = int(p["BH"]), int(p["T"]), int(p["D"])
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((bh, t, d), dtype=np.float32) for _ in range(3))
    scale = np.float32(1 / math.sqrt(d))

    def run():
        s = (q @ k.transpose(0, 2, 1)) * scale
        s -= s.max(axis=-1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(axis=-1, keepdims=True)
        return s @ v

    return run
