"""The numpy MiniLM encoder, on a tiny random BERT it writes itself (no download)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from kefu.nlu.minilm import MiniLM, WordPiece, read_safetensors

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "wor", "##ld", ",", "!", "我", "的"]
VOCAB += ["order", "##s", "where", "is", "my"]


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    blobs, offset = [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny-minilm")
    rng = np.random.default_rng(0)
    dim, ff, layers = 8, 16, 2

    def r(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    tensors = {
        "embeddings.word_embeddings.weight": r(len(VOCAB), dim),
        "embeddings.position_embeddings.weight": r(300, dim),
        "embeddings.token_type_embeddings.weight": r(2, dim),
        "embeddings.LayerNorm.weight": np.ones(dim, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(dim, np.float32),
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for n in ("query", "key", "value"):
            tensors[f"{p}attention.self.{n}.weight"] = r(dim, dim)
            tensors[f"{p}attention.self.{n}.bias"] = r(dim)
        tensors[f"{p}attention.output.dense.weight"] = r(dim, dim)
        tensors[f"{p}attention.output.dense.bias"] = r(dim)
        tensors[f"{p}intermediate.dense.weight"] = r(ff, dim)
        tensors[f"{p}intermediate.dense.bias"] = r(ff)
        tensors[f"{p}output.dense.weight"] = r(dim, ff)
        tensors[f"{p}output.dense.bias"] = r(dim)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            tensors[f"{p}{ln}.weight"] = np.ones(dim, np.float32)
            tensors[f"{p}{ln}.bias"] = np.zeros(dim, np.float32)
    write_safetensors(folder / "model.safetensors", tensors)
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    config = {"num_attention_heads": 2, "num_hidden_layers": layers}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


def test_safetensors_are_read_back(tmp_path: Path) -> None:
    tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.ones(4, np.float32)}
    write_safetensors(tmp_path / "x.safetensors", tensors)
    read = read_safetensors(tmp_path / "x.safetensors")
    assert set(read) == {"a", "b"}
    np.testing.assert_array_equal(read["a"], tensors["a"])


def test_wordpiece_splits_like_bert() -> None:
    tokenizer = WordPiece(VOCAB)
    ids = tokenizer.encode("Hello, WORLD! where is my orders 我的 xyz")
    words = [VOCAB[i] for i in ids]
    assert words == [
        "[CLS]",
        "hello",
        ",",
        "world",
        "!",
        "where",
        "is",
        "my",
        "order",
        "##s",
        "我",
        "的",
        "[UNK]",
        "[SEP]",
    ]


def test_wordpiece_strips_accents_and_truncates() -> None:
    tokenizer = WordPiece(VOCAB)
    assert tokenizer.encode("HÉLLO") == tokenizer.encode("hello")
    ids = tokenizer.encode("hello " * 500, max_tokens=10)
    assert len(ids) == 10
    assert ids[0] == tokenizer.cls and ids[-1] == tokenizer.sep


def test_embeddings_are_unit_vectors_and_padding_changes_nothing(tiny_model: Path) -> None:
    model = MiniLM(tiny_model)
    texts = ["hello", "where is my order , world !", "", "我的"]
    batch = model.encode(texts, batch_size=4)
    assert batch.shape == (4, 8)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    for i, text in enumerate(texts):
        np.testing.assert_allclose(model.encode([text])[0], batch[i], atol=1e-5)


def test_different_texts_get_different_embeddings(tiny_model: Path) -> None:
    model = MiniLM(tiny_model)
    a, b, c = model.encode(["hello world", "hello world", "我的 order"])
    assert float(a @ b) == pytest.approx(1.0, abs=1e-6)
    assert float(a @ c) < 0.999
