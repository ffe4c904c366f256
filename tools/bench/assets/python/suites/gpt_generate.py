"""Greedy generation from the small GPT: `new` tokens after a `prompt`-token prompt, batch 1.
No KV cache (Tessera's core has none): every token recomputes the whole context, and the
LM head runs on the last position only. The tokens stay in torch until the end."""
from suites import gpt_model


def torch(p):
    import torch

    model, c = gpt_model.build(p)
    model.eval()
    prompt = torch.randint(0, c["vocab"], (1, int(p["prompt"])))
    new = int(p["new"])

    def run():
        with torch.no_grad():
            ids = prompt
            for _ in range(new):
                nxt = model(ids, last_only=True)[:, -1].argmax(-1, keepdim=True)
                ids = torch.cat([ids, nxt], 1)
        return ids.tolist()

    return run
