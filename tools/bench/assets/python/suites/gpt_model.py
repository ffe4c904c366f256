"""The small GPT-2-style decoder of the gpt-train and gpt-generate suites, in torch: token +
position Embedding, N pre-LayerNorm blocks (torch's nn.TransformerEncoderLayer with
norm_first, batch_first, a causal mask, GELU(tanh), MLP 4x wide), a final LayerNorm and an
untied LM head without bias. Tessera's twin is tools/bench/src/suites/gpt.ts; both check the
parameter count the harness sends (nparams), so the models are the same size."""


def config(p):
    return {k: int(p[k]) for k in ("layers", "heads", "width", "ctx", "vocab")}


def build(p):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    c = config(p)
    e = c["width"]

    def gelu_tanh(x):
        return F.gelu(x, approximate="tanh")

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(c["vocab"], e)
            self.wpe = nn.Embedding(c["ctx"], e)
            self.h = nn.ModuleList(
                nn.TransformerEncoderLayer(
                    e, c["heads"], 4 * e, dropout=0.0, activation=gelu_tanh, batch_first=True, norm_first=True
                )
                for _ in range(c["layers"])
            )
            self.ln_f = nn.LayerNorm(e)
            self.lm_head = nn.Linear(e, c["vocab"], bias=False)
            self.masks = {}

        def mask(self, t):
            # Additive causal mask (torch 1.13's encoder layer has no is_causal): -inf above the diagonal.
            if t not in self.masks:
                self.masks[t] = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
            return self.masks[t]

        def forward(self, idx, last_only=False):
            t = idx.shape[1]
            x = self.wte(idx) + self.wpe(torch.arange(t))
            m = self.mask(t)
            for block in self.h:
                x = block(x, src_mask=m)
            if last_only:
                x = x[:, -1:]
            return self.lm_head(self.ln_f(x))

    model = GPT()
    n = sum(q.numel() for q in model.parameters())
    want = int(p.get("nparams", n))
    if n != want:
        raise RuntimeError(f"gpt: the torch model has {n} parameters, expected {want}")
    return model, c
