#!/usr/bin/env python3
"""Load a checkpoint downloaded from the Train page into PyTorch, and check it reads MNIST as the tab said.

    /usr/bin/python3 scripts/python/check-browser-checkpoint.py DOWNLOAD.safetensors

Run from the repository root. DOWNLOAD.safetensors is the Train page's "Download .safetensors"; its
"Download .json" (the checkpoint metadata, same base name) may lie beside it. The script:
  1. parses the file by hand (8-byte little-endian header length, the JSON header, the raw data), so it
     needs no `safetensors` package, and reads the zoo model's name from the header's __metadata__;
  2. builds that model in PyTorch (the module definitions of test/fixtures/pytorch/, whose key names
     are mnist-lab's) and loads the weights with load_state_dict(strict=True): every key, every shape;
  3. evaluates it on the MNIST test images (the first N the run evaluated, per the .json; else all
     10,000) and, with the .json, checks the count of correct answers against the tab's last epoch.
Exit status 0 when all of this holds.
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "test", "fixtures", "pytorch"))
import make_fixtures as mf  # noqa: E402  (load_safetensors, load_mnist, normalize, Mnist8kM3)
import make_sepnet_fixtures as ms  # noqa: E402  (SepGapNet)

# The zoo models this script can build in PyTorch (src/models/zoo.ts names them).
MODELS = {
    "sepnet-8k": lambda: ms.SepGapNet((10, 16), (36, 36, 36, 36)),
    "mnist8k-m3": lambda: mf.Mnist8kM3(),
}


def header_metadata(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n).decode("utf-8")).get("__metadata__", {})


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    path = sys.argv[1]
    meta_path = path[: -len(".safetensors")] + ".json" if path.endswith(".safetensors") else None
    meta = json.load(open(meta_path)) if meta_path and os.path.exists(meta_path) else None
    name = header_metadata(path).get("model")
    if name not in MODELS:
        print(f"{path}: its metadata names model {name!r}; this script builds {', '.join(MODELS)}", file=sys.stderr)
        return 2
    model = MODELS[name]()
    state = mf.load_safetensors(path)
    result = model.load_state_dict(state, strict=True)
    print(f"{os.path.basename(path)}: {name}, {len(state)} tensors, load_state_dict(strict=True): {result}")
    model.eval()

    x, y = mf.load_mnist("test")
    limit = meta["spec"]["data"]["limitTest"] if meta else None
    if limit:
        x, y = x[:limit], y[:limit]
    x = mf.normalize(x).reshape(-1, 1, 28, 28)
    y = y.long()
    with torch.no_grad():
        out = torch.cat([model(x[i:i + 1000]) for i in range(0, len(y), 1000)])
    correct = int((out.argmax(1) == y).sum())
    loss = F.nll_loss(out, y).item()
    print(f"PyTorch {torch.__version__}: Test set: Average loss: {loss:.4f}, Accuracy: {correct}/{len(y)} ({100 * correct / len(y):.2f}%)")
    if meta is None:
        print("no .json beside it: nothing to compare with")
        return 0
    tab = meta["metrics"]
    print(f"the tab (epoch {meta['epoch']}):  Test set: Average loss: {tab['testLoss']:.4f}, Accuracy: {tab['testCorrect']}/{tab['testTotal']} ({tab['testAccuracy']:.2f}%)")
    if correct != tab["testCorrect"] or len(y) != tab["testTotal"] or abs(loss - tab["testLoss"]) > 1e-4:
        print("MISMATCH", file=sys.stderr)
        return 1
    print("same count; loss within 1e-4")
    return 0


if __name__ == "__main__":
    sys.exit(main())
