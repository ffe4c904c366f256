"""C = A @ B, float32, square N."""


def torch(p):
    import torch

    n = int(p["N"])
    a, b = torch.randn(n, n), torch.randn(n, n)
    return lambda: torch.matmul(a, b)


def numpy(p):
    import numpy as np

    n = int(p["N"])
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return lambda: a @ b
