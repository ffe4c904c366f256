"""One AdamW step of the small GPT on next-token cross-entropy, batch x ctx tokens."""
from suites import gpt_model


def torch(p):
    import torch
    import torch.nn.functional as F

    model, c = gpt_model.build(p)
    b, t, v = int(p["batch"]), c["ctx"], c["vocab"]
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    x, y = torch.randint(0, v, (b, t)), torch.randint(0, v, (b, t))

    def run():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x).reshape(b * t, v), y.reshape(b * t))
        loss.backward()
        opt.step()
        return loss.item()

    return run
