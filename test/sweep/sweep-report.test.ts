/** The sweep report's trials table: a stopped trial shows the value ASHA stopped it on, and when. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSweepReport } from '../../src/sweep/sweep-report.js';
import { readSweepSpecFile } from '../../src/sweep/sweep-spec.js';
import type { Study, StudyTrial } from '../../src/sweep/study.js';
import { repoRoot } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mnist-lab-sweep-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the trials table gives a complete trial its objective and a stopped one its last judged value', async () => {
  const spec = readSweepSpecFile(join(repoRoot, 'sweeps', 'frontier-2k.json'));
  const trial = (id: number, name: string, lr: number, rest: Partial<StudyTrial>): StudyTrial => ({
    id, params: { 'model.name': name, 'recipe.scheduler.maxLr': lr }, state: 'complete', value: null, intermediate: {},
    dir: `trials/000${id}`, seconds: 100, ...rest,
  });
  const study: Study = {
    format: 'mnist-lab-sweep-study-v1', spec, confirmation: null, createdAt: '2026-12-02T00:00:00Z', updatedAt: '2026-12-02T00:00:00Z',
    trials: [
      trial(0, 'sepnet-2k', 0.1, { value: 99.048, intermediate: { 9: 98.438, 15: 98.983 } }),
      trial(1, 'sepnet-2k', 0.2, { state: 'pruned', intermediate: { 8: 95.495, 9: 98.278 } }),
      trial(2, 'gapnet-2k', 0.1, { state: 'failed', error: 'boom' }),
    ],
  };
  const readme = readFileSync(await writeSweepReport(study, join(dir, 'sweep'), join(dir, 'report')), 'utf8');
  assert.match(readme, /\| 0 \| sepnet-2k \| 0\.1 \| complete \| 99\.048 \| 15 \|/);
  assert.match(readme, /\| 1 \| sepnet-2k \| 0\.2 \| pruned \| \(98\.278 at epoch 9\) \| 9 \|/);
  assert.match(readme, /\| 2 \| gapnet-2k \| 0\.1 \| failed \| – \| 0 \|/);
});
