"""One SGD train step of a small CNN on B x 1 x 28 x 28:
conv3x3(1->16) relu maxpool2 conv3x3(16->32) relu maxpool2 linear(1568->10), cross-entropy."""

LR = 0.01


def torch(p):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    b = int(p["B"])
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    x, y = torch.randn(b, 1, 28, 28), torch.randint(0, 10, (b,))

    def run():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return run
