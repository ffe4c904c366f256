"""conv2d (stride 1, 'same' padding) forward and backward (input and weight gradients), NCHW."""


def torch(p):
    import torch
    import torch.nn.functional as F

    b, c, o, h, k = (int(p[n]) for n in ("B", "C", "O", "H", "K"))
    x = torch.randn(b, c, h, h, requires_grad=True)
    w = torch.randn(o, c, k, k, requires_grad=True)
    g = torch.randn(b, o, h, h)

    def run():
        x.grad = None
        w.grad = None
        F.conv2d(x, w, padding=k // 2).backward(g)

    return run
