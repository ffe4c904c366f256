"""One SGD train step of a 784-512-512-10 ReLU MLP with softmax cross-entropy, batch B."""

LR = 0.01


def torch(p):
    import torch
    import torch.nn.functional as F

    b = int(p["B"])
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 512), torch.nn.ReLU(),
        torch.nn.Linear(512, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x, y = torch.randn(b, 784), torch.randint(0, 10, (b,))

    def run():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return run


def numpy(p):
    """The same step with the gradients written out by hand."""
    import numpy as np

    b = int(p["B"])
    rng = np.random.default_rng(0)
    sizes = [784, 512, 512, 10]
    ws = [(rng.standard_normal((i, o), dtype=np.float32) / np.float32(np.sqrt(i))) for i, o in zip(sizes, sizes[1:])]
    bs = [np.zeros(o, dtype=np.float32) for o in sizes[1:]]
    x = rng.standard_normal((b, 784), dtype=np.float32)
    y = rng.integers(0, 10, b)
    rows = np.arange(b)

    def run():
        h1 = x @ ws[0] + bs[0]
        a1 = np.maximum(h1, 0)
        h2 = a1 @ ws[1] + bs[1]
        a2 = np.maximum(h2, 0)
        z = a2 @ ws[2] + bs[2]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        prob = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(prob[rows, y]).mean()
        dz = prob
        dz[rows, y] -= 1
        dz /= b
        grads = []
        grads.append((a2.T @ dz, dz.sum(0)))
        dh2 = (dz @ ws[2].T) * (h2 > 0)
        grads.append((a1.T @ dh2, dh2.sum(0)))
        dh1 = (dh2 @ ws[1].T) * (h1 > 0)
        grads.append((x.T @ dh1, dh1.sum(0)))
        for (dw, db), w, bias in zip(reversed(grads), ws, bs):
            w -= LR * dw
            bias -= LR * db
        return float(loss)

    return run
