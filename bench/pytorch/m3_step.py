# PyTorch's side of `npm run bench -- --compare-pytorch`: the mnist8k-m3 training step at batch 128
# (zero_grad, forward, nll_loss, backward, SGD momentum step, in train mode with its dropout) and
# inference at batch 1000 (eval + no_grad), on one fixed batch, the same shape of work as
# bench/step.ts measures on mnist-lab. Prints one JSON line.
# Usage: /usr/bin/python3 bench/pytorch/m3_step.py THREADS [TRAIN_STEPS] [INFER_BATCHES]
# The model follows ../shared/reference/pytorch/m3.py (7,944 parameters).
import json, math, sys, time, statistics, torch, torch.nn as nn, torch.nn.functional as F

THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
INFER = int(sys.argv[3]) if len(sys.argv) > 3 else 20
torch.set_num_threads(THREADS)
torch.manual_seed(0)


class M3(nn.Module):
    def __init__(self, p=0.05):
        super().__init__()
        def blk(i, o):
            return [nn.Conv2d(i, o, 3, bias=False), nn.BatchNorm2d(o), nn.ReLU(), nn.Dropout(p)]
        self.net = nn.Sequential(*blk(1, 10), *blk(10, 15), nn.Conv2d(15, 10, 1, bias=False), nn.MaxPool2d(2),
                                 *blk(10, 16), *blk(16, 16), *blk(16, 16), nn.AvgPool2d(6), nn.Conv2d(16, 10, 1, bias=False))

    def forward(self, x):
        return F.log_softmax(self.net(x).flatten(1), dim=1)


def pattern(n):
    # The same fixed input as bench/step.ts: sin(i * 0.37) * 1.5.
    return (torch.arange(n * 784, dtype=torch.float64).mul(0.37).sin().mul(1.5)).float().reshape(n, 1, 28, 28)


model = M3()
params = sum(p.numel() for p in model.parameters())
assert params == 7944, params
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
x, y = pattern(128), torch.arange(128) % 10
model.train()
times = []
for s in range(STEPS + 20):
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = F.nll_loss(model(x), y)
    loss.item()
    loss.backward()
    opt.step()
    if s >= 20:
        times.append(time.perf_counter() - t0)
xi = pattern(1000)
model.eval()
infer = []
with torch.no_grad():
    for s in range(INFER + 3):
        t0 = time.perf_counter()
        model(xi).argmax(1)
        if s >= 3:
            infer.append(time.perf_counter() - t0)
step, inf = statistics.median(times), statistics.median(infer)
print(json.dumps({'system': 'pytorch', 'version': torch.__version__, 'threads': torch.get_num_threads(), 'params': params,
                  'trainStepMs': step * 1e3, 'trainImgPerS': 128 / step, 'inferBatchMs': inf * 1e3, 'inferImgPerS': 1000 / inf}))
