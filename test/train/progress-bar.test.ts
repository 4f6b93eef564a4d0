import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProgressBar,
  formatBar,
  formatInterval,
  formatMeter,
  formatRate,
  type ProgressStream,
} from '../../src/train/progress-bar.js';

class FakeTerminal implements ProgressStream {
  readonly chunks: string[] = [];
  constructor(readonly isTTY: boolean, public columns = 100) {}
  write(text: string): boolean {
    this.chunks.push(text);
    return true;
  }
  get output(): string {
    return this.chunks.join('');
  }
}

class FakeClock {
  ms = 1000;
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

test('formatInterval: mm:ss below an hour, h:mm:ss above, whole seconds truncated', () => {
  assert.equal(formatInterval(0), '00:00');
  assert.equal(formatInterval(8.99), '00:08');
  assert.equal(formatInterval(59.999), '00:59');
  assert.equal(formatInterval(60), '01:00');
  assert.equal(formatInterval(61.5), '01:01');
  assert.equal(formatInterval(3599), '59:59');
  assert.equal(formatInterval(3600), '1:00:00');
  assert.equal(formatInterval(36000 + 61), '10:01:01');
  assert.equal(formatInterval(-3), '00:00');
});

test('formatRate: two decimals in a 5-wide field, seconds per iteration below 1 it/s, ? when unknown', () => {
  assert.equal(formatRate(54.5), '54.50it/s');
  assert.equal(formatRate(5.25), ' 5.25it/s');
  assert.equal(formatRate(1234.567), '1234.57it/s');
  assert.equal(formatRate(0.4), ' 2.50s/it');
  assert.equal(formatRate(0.01), '100.00s/it');
  assert.equal(formatRate(null), '?it/s');
  assert.equal(formatRate(0), '?it/s');
  assert.equal(formatRate(Infinity), '?it/s');
});

test('formatBar: exactly `width` characters, filled in eighths of a block', () => {
  assert.equal(formatBar(0, 10), ' '.repeat(10));
  assert.equal(formatBar(1, 10), '█'.repeat(10));
  assert.equal(formatBar(0.5, 10), '█'.repeat(5) + ' '.repeat(5));
  assert.equal(formatBar(0.55, 10), '█'.repeat(5) + '▌' + ' '.repeat(4));
  assert.equal(formatBar(0.0125, 10), '▏' + ' '.repeat(9));
  assert.equal(formatBar(0.999, 10), '█'.repeat(9) + '▉');
  assert.equal(formatBar(1.7, 4), '████');
  assert.equal(formatBar(-1, 4), '    ');
  for (let width = 1; width <= 40; width++) {
    for (let n = 0; n <= 50; n++) assert.equal([...formatBar(n / 50, width)].length, width);
  }
});

test("formatMeter reproduces the seeds' finished line, with the bar filling the width", () => {
  const seedLine =
    'Loss=0.0810 Batch_id=468 Accuracy=93.30: 100%|' + '█'.repeat(96) + '| 469/469 [00:08<00:00, 54.50it/s]';
  const line = formatMeter({
    n: 469,
    total: 469,
    elapsedSeconds: 8.6,
    rate: 54.5,
    description: 'Loss=0.0810 Batch_id=468 Accuracy=93.30',
    ncols: 176,
  });
  assert.equal(line, seedLine);
  for (const ncols of [60, 80, 120, 200]) {
    assert.equal(formatMeter({ n: 469, total: 469, elapsedSeconds: 8.6, rate: 54.5, ncols }).length, ncols);
  }
});

test('formatMeter before the first step, midway, and on a terminal too narrow for the text', () => {
  assert.equal(
    formatMeter({ n: 0, total: 469, elapsedSeconds: 0, rate: null, ncols: 40 }),
    '  0%|' + ' '.repeat(11) + '| 0/469 [00:00<?, ?it/s]',
  );
  assert.equal(
    formatMeter({ n: 200, total: 400, elapsedSeconds: 75, rate: 2, description: 'x', ncols: 50 }),
    'x:  50%|████    | 200/400 [01:15<01:40,  2.00it/s]',
  );
  // Without a rate it falls back to the average since the start: 100 it in 50 s -> 2 it/s.
  assert.match(formatMeter({ n: 100, total: 400, elapsedSeconds: 50, rate: null, ncols: 60 }), /\[00:50<02:30,  2\.00it\/s\]$/);
  const narrow = formatMeter({ n: 1, total: 3, elapsedSeconds: 1, rate: 1, description: 'Loss=1.0000', ncols: 20 });
  assert.equal(narrow.length, 20);
  assert.ok(narrow.startsWith('Loss=1.0000:  33%|'));
});

test('draws on a TTY with \\r at most once per interval, then ends the line on close', () => {
  const term = new FakeTerminal(true, 60);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 10, stream: term, now: clock.now, smoothing: 0, description: 'Loss=0.5000' });
  assert.equal(term.chunks.length, 1); // the 0% line, as tqdm draws at creation
  assert.ok(term.chunks[0].startsWith('\rLoss=0.5000:   0%|'));

  for (let i = 0; i < 4; i++) {
    clock.advance(20);
    bar.update();
  }
  assert.equal(term.chunks.length, 1, 'four updates within 80 ms must not redraw');
  clock.advance(20);
  bar.setDescription('Loss=0.2500');
  bar.update(); // 100 ms after the last draw
  assert.equal(term.chunks.length, 2);
  assert.equal(
    term.chunks[1],
    '\rLoss=0.2500:  50%|' + '█'.repeat(5) + '▌' + ' '.repeat(5) + '| 5/10 [00:00<00:00, 50.00it/s]',
  );
  assert.equal(bar.n, 5);

  clock.advance(900);
  bar.update(5);
  bar.close();
  bar.update(); // ignored after close
  bar.close();
  const last = term.chunks.at(-2)!;
  assert.equal(last, '\rLoss=0.2500: 100%|' + '█'.repeat(10) + '| 10/10 [00:01<00:00, 10.00it/s]');
  assert.equal(term.chunks.at(-1), '\n');
  assert.equal(term.output.split('\n').length, 2);
  for (const chunk of term.chunks) assert.ok(chunk.replace('\r', '').length <= 60);
});

test('draws nothing when the stream is not a TTY', () => {
  const log = new FakeTerminal(false);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 3, stream: log, now: clock.now });
  for (let i = 0; i < 3; i++) {
    clock.advance(500);
    bar.update();
  }
  bar.close();
  assert.deepEqual(log.chunks, []);
  assert.match(bar.render(), /100%\|.*\| 3\/3 \[00:01<00:00/); // the text is still available
});

test('smoothed rate follows recent speed, like tqdm', () => {
  const term = new FakeTerminal(true, 80);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 100, stream: term, now: clock.now }); // smoothing 0.3
  clock.advance(1000); // a slow first step (warm-up)
  bar.update();
  for (let i = 0; i < 20; i++) {
    clock.advance(100);
    bar.update(); // then 10 it/s
  }
  const rate = Number(/, +([\d.]+)it\/s\]/.exec(term.chunks.at(-1)!)![1]);
  assert.ok(rate > 9.9 && rate <= 10, `rate ${rate}`); // the plain average would be 21 it / 3 s = 7 it/s
});

test('follows the terminal width and blanks what a longer previous line left behind', () => {
  const term = new FakeTerminal(true, 80);
  const clock = new FakeClock();
  const bar = new ProgressBar({ total: 4, stream: term, now: clock.now, description: 'a long description here' });
  assert.equal(term.chunks[0].length, 1 + 80);
  term.columns = 70;
  bar.setDescription('short');
  clock.advance(200);
  bar.update();
  const redraw = term.chunks[1];
  assert.equal(redraw.length, 1 + 70);
  assert.ok(redraw.startsWith('\rshort:  25%|'));
});

test('rejects a total that is not a non-negative integer', () => {
  assert.throws(() => new ProgressBar({ total: -1, stream: new FakeTerminal(false) }), RangeError);
  assert.throws(() => new ProgressBar({ total: 2.5, stream: new FakeTerminal(false) }), RangeError);
  const empty = new ProgressBar({ total: 0, stream: new FakeTerminal(true, 40), now: () => 0 });
  empty.close();
});
