# PyTorch's side of `npm run bench -- --compare-pytorch --e2e` (copied from ../shared/reference/pytorch/train_sepnet.py so a
# clone can run it; bench/compare-pytorch.ts points TORCHVISION_ROOT at the bundled IDX files).
# The champion, side by side: sepnet-8k (7,810 params) with mnist-lab's champion recipe, in PyTorch 1.13 CPU.
# SGD(m=0.9) + OneCycleLR(max_lr 0.1, pct 0.3, cos, div 25, final_div 1e4) per batch, batch 64, RandomRotation(+-7, nearest,
# fill 0) on the fly (torchvision PIL path, num_workers=0), EMA of weights and buffers (decay 0.999, AveragedModel use_buffers),
# the EMA evaluated on the test set after every epoch. Usage: python3 train_sepnet.py THREADS SEED [EPOCHS]
import os, sys, time, torch, torch.nn as nn, torch.nn.functional as F
from torchvision import datasets, transforms as T
THREADS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
EPOCHS = int(sys.argv[3]) if len(sys.argv) > 3 else 15
torch.set_num_threads(THREADS); torch.manual_seed(SEED)

class SeparableBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
    def forward(self, x): return F.relu(self.bn(self.pointwise(self.depthwise(x))))

class SepGapNet(nn.Module):
    def __init__(self, stem=(10, 16), widths=(36, 36, 36, 36)):
        super().__init__()
        self.conv1 = nn.Conv2d(1, stem[0], 3, bias=False); self.bn1 = nn.BatchNorm2d(stem[0])
        self.conv2 = nn.Conv2d(stem[0], stem[1], 3, bias=False); self.bn2 = nn.BatchNorm2d(stem[1])
        ins = (stem[1],) + tuple(widths[:-1])
        self.blocks = nn.Sequential(*[SeparableBlock(i, o) for i, o in zip(ins, widths)])
        self.classifier = nn.Conv2d(widths[-1], 10, 1, bias=False)
    def forward(self, x):
        x = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))
        x = F.max_pool2d(x, 2)
        x = F.adaptive_avg_pool2d(self.blocks(x), 1)
        return F.log_softmax(self.classifier(x).flatten(1), dim=1)

ROOT = os.environ.get('TORCHVISION_ROOT', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mnist_root'))
norm = T.Normalize((0.1307,), (0.3081,))
train_ds = datasets.MNIST(ROOT, train=True, download=False, transform=T.Compose([
    T.RandomRotation((-7.0, 7.0), interpolation=T.InterpolationMode.NEAREST, fill=(0,)), T.ToTensor(), norm]))
test_ds = datasets.MNIST(ROOT, train=False, download=False, transform=T.Compose([T.ToTensor(), norm]))
train_dl = torch.utils.data.DataLoader(train_ds, batch_size=64, shuffle=True, num_workers=0)
test_dl = torch.utils.data.DataLoader(test_ds, batch_size=1000, shuffle=False, num_workers=0)
model = SepGapNet()
n = sum(p.numel() for p in model.parameters()); assert n == 7810, n
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, epochs=EPOCHS, steps_per_epoch=len(train_dl),
                                            pct_start=0.3, anneal_strategy='cos', div_factor=25, final_div_factor=1e4)
ema = torch.optim.swa_utils.AveragedModel(model, avg_fn=lambda a, m, k: 0.999 * a + 0.001 * m, use_buffers=True)
print(f'torch {torch.__version__}, threads {torch.get_num_threads()}, params {n}, seed {SEED}', flush=True)
print('epoch,train_wall_s,train_data_s,train_acc,test_wall_s,test_loss,test_acc', flush=True)
T0 = time.perf_counter()
for ep in range(1, EPOCHS + 1):
    model.train(); t_ep = time.perf_counter(); t_data = 0.0; correct = seen = 0; t_d0 = time.perf_counter()
    for x, y in train_dl:
        t_c0 = time.perf_counter(); t_data += t_c0 - t_d0
        opt.zero_grad(set_to_none=True)
        out = model(x); loss = F.nll_loss(out, y); loss.backward(); opt.step(); sched.step()
        ema.update_parameters(model)
        correct += (out.argmax(1) == y).sum().item(); seen += x.shape[0]; t_d0 = time.perf_counter()
    train_wall = time.perf_counter() - t_ep
    ema.eval(); t_te = time.perf_counter(); tl = 0.0; tc = 0
    with torch.no_grad():
        for x, y in test_dl:
            o = ema(x); tl += F.nll_loss(o, y, reduction='sum').item(); tc += (o.argmax(1) == y).sum().item()
    print(f'{ep},{train_wall:.2f},{t_data:.2f},{100*correct/seen:.2f},{time.perf_counter()-t_te:.2f},{tl/10000:.4f},{tc/100:.2f}', flush=True)
print(f'total_s {time.perf_counter()-T0:.1f}', flush=True)
