/**
 * One run: its numbers, curves, the test-set analysis of its best checkpoint (per-class accuracy,
 * confusion matrix, the misclassified digits), its spec, the command that reproduces it and its
 * files. A running run's page follows GET /api/runs/:id/events.
 */
import type { RunAnalysis, RunDetail, RunRow } from '../../src/server/api-types.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import type { RunSpec } from '../../src/train/run-spec.js';
import { errorMessage, getJson, runPath, subscribe, type StreamState } from '../api.js';
import { colorFor, confusionSpec, curvesLegend, curvesSpec, drawChart } from '../charts.js';
import { h, icon, ICONS, replaceChildren, type Child } from '../dom.js';
import { bytes, DASH, duration, localTime, num, pctSign, relativeTime, thousands } from '../format.js';
import { setLive, setTitle } from '../shell.js';
import { commandBox, copyButton, emptyState, errorBox, loadingBox, statusPill } from '../ui.js';

const DOWNLOAD_TEXT: Record<string, string> = {
  'best.safetensors': 'Best checkpoint',
  'last.safetensors': 'Last checkpoint',
  'history.csv': 'History (CSV)',
  'spec.json': 'Spec',
};

export function renderRunPage(root: HTMLElement, id: string): () => void {
  setTitle('Run');
  const abort = new AbortController();
  const disposers: (() => void)[] = [() => abort.abort()];
  let detail: RunDetail | null = null;
  let closeStream: (() => void) | null = null;
  let curvesDispose: (() => void) | null = null;
  let curvesDrawn = '';
  let analysisStarted = false;
  disposers.push(() => {
    closeStream?.();
    curvesDispose?.();
  });

  const head = h('div', { class: 'page-head run-head' });
  const banners = h('div', { class: 'banners' });
  const factsEl = h('div', { class: 'facts' });
  const curvesEl = h('div', { class: 'chart chart-curves' });
  const legendEl = h('div', { class: 'legend-slot' });
  const actionsEl = h('div', { class: 'run-actions' });
  const analysisEl = h('div', { class: 'analysis' });
  const modelEl = h('div');
  const specEl = h('div');
  const body = h('div', { class: 'run-body' },
    h('div', { class: 'run-top' },
      h('section', { class: 'card card-facts' }, h('h2', { class: 'card-title' }, 'Summary'), factsEl),
      h('div', { class: 'run-top-right' },
        h('section', { class: 'card card-curves' }, h('h2', { class: 'card-title' }, 'Loss and accuracy', legendEl), curvesEl),
        actionsEl)),
    h('section', { class: 'section' },
      h('div', { class: 'section-head' }, h('h2', { class: 'section-title' }, 'Test-set analysis'), h('span', { class: 'section-hint', id: 'analysis-hint' })),
      analysisEl),
    h('div', { class: 'run-bottom' }, modelEl, specEl));
  const crumb = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Runs'), icon(ICONS.chevron), h('span', { class: 'crumb-current' }, id));
  replaceChildren(root, h('div', { class: 'page' }, crumb, head, banners, h('div', { class: 'run-main' }, loadingBox('Loading the run…'))));

  getJson<RunDetail>(runPath(id), abort.signal).then(
    (d) => {
      detail = d;
      const main = root.querySelector('.run-main');
      if (main) replaceChildren(main as HTMLElement, body);
      crumb.querySelector('.crumb-current')!.textContent = d.row.name;
      setTitle(d.row.name);
      renderAll();
      if (d.row.status === 'running') follow();
    },
    (err: unknown) => {
      if (abort.signal.aborted) return;
      setTitle('Run not found');
      const main = root.querySelector('.run-main');
      if (main) replaceChildren(main as HTMLElement, errorBox('Could not load this run', errorMessage(err), h('p', null, h('a', { href: '#/' }, 'Back to the runs'))));
    },
  );

  function follow(): void {
    closeStream = subscribe(runPath(id, '/events'), {
      history: (data) => {
        if (!detail || !Array.isArray(data)) return;
        detail = { ...detail, history: data as EpochMetrics[] };
        renderFacts();
        void drawCurves();
      },
      status: (data) => {
        const row = data as RunRow;
        if (!detail || !row || typeof row !== 'object' || row.id !== id) return;
        const finishedNow = detail.row.status === 'running' && row.status !== 'running';
        detail = { ...detail, row };
        renderHead();
        renderBanners();
        renderFacts();
        if (finishedNow) {
          // The checkpoints are final now: fetch the downloads again, then analyse.
          getJson<RunDetail>(runPath(id), abort.signal).then((d) => {
            detail = d;
            renderActions();
            analysisStarted = false;
            renderAnalysis();
          }, () => undefined);
        }
      },
    }, (s: StreamState) => setLive(s));
  }

  function renderAll(): void {
    renderHead();
    renderBanners();
    renderFacts();
    void drawCurves();
    renderActions();
    renderAnalysis();
    renderModelAndSpec();
  }

  function renderHead(): void {
    if (!detail) return;
    const r = detail.row;
    const meta: Child[] = [
      r.model !== null ? h('span', { class: 'meta-item' }, h('strong', null, r.model)) : null,
      r.parameters !== null ? h('span', { class: 'meta-item' }, `${thousands(r.parameters)} parameters`) : null,
      r.seed !== null ? h('span', { class: 'meta-item' }, `seed ${r.seed}`) : null,
      r.experiment !== null ? h('span', { class: 'meta-item' }, 'experiment ', h('a', { href: '#/experiments' }, r.experiment)) : null,
      h('span', { class: 'meta-item muted', title: localTime(r.updatedAt) }, `updated ${relativeTime(r.updatedAt)}`),
    ];
    replaceChildren(head,
      h('div', null,
        h('div', { class: 'title-line' }, h('h1', { class: 'run-title' }, r.name), statusPill(r)),
        h('p', { class: 'page-sub meta' }, meta)));
  }

  function renderBanners(): void {
    if (!detail) return;
    const r = detail.row;
    const items: Child[] = [];
    if (r.problem !== null) items.push(errorBox('Part of this run could not be read', r.problem));
    if (r.status === 'interrupted') {
      items.push(h('div', { class: 'message message-warn' }, icon(ICONS.alert),
        h('div', { class: 'grow' },
          h('strong', null, `Interrupted after epoch ${r.epochsDone}${r.epochs !== null ? ` of ${r.epochs}` : ''}.`),
          r.resumeCommand !== null
            ? [h('p', { class: 'message-text' }, 'It resumes exactly where it stopped, with the same bits as an uninterrupted run:'), commandBox(r.resumeCommand)]
            : h('p', { class: 'message-text' }, 'It has no checkpoint to resume from.'))));
    }
    if (r.status === 'failed') items.push(errorBox('This run failed', 'Its train.log in the run folder says why.'));
    replaceChildren(banners, items);
  }

  function renderFacts(): void {
    if (!detail) return;
    const r = detail.row;
    const hist = detail.history;
    const spec = detail.spec;
    const best = hist.reduce<EpochMetrics | null>((b, m) => (m.testAccuracy !== null && (b === null || m.testAccuracy > (b.testAccuracy ?? -1)) ? m : b), null);
    const last = hist.length ? hist[hist.length - 1]! : null;
    const window = Math.min(5, hist.length);
    const rows: [string, Child, string?][] = [
      ['status', statusPill(r)],
      ['epochs', r.epochs === null ? String(r.epochsDone) : `${r.epochsDone} of ${r.epochs}`],
      ['best test', best ? h('span', null, h('strong', null, pctSign(best.testAccuracy)), h('span', { class: 'muted' }, `  epoch ${best.epoch}`)) : DASH],
      [`last-${window || 5} min`, pctSign(r.lastMin)],
      [`last-${window || 5} mean`, h('strong', null, pctSign(r.lastMean))],
      ['final test', last && last.testAccuracy !== null ? `${pctSign(last.testAccuracy)}  ${last.testCorrect}/${last.testTotal}` : last ? 'not evaluated' : DASH],
      ['final test loss', last ? num(last.testLoss) : DASH],
      ['validation', r.valAccuracy !== null ? pctSign(r.valAccuracy) : spec && spec.data.valSplit === 0 ? 'no split' : DASH],
      ['wall time', hist.length ? `${duration(r.wallSeconds)}  (${duration(r.wallSeconds / hist.length)} an epoch)` : DASH],
      ['data', spec ? dataText(spec) : DASH],
      ['backend', spec ? `${spec.backend}, ${spec.threads === null ? 'every core' : `${spec.threads} thread${spec.threads === 1 ? '' : 's'}`}` : DASH],
      ['folder', h('span', { class: 'break' }, `${r.logdir}/${r.name}`)],
    ];
    replaceChildren(factsEl, h('table', { class: 'kv mono' }, h('tbody', null, rows.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v))))));
  }

  async function drawCurves(): Promise<void> {
    if (!detail) return;
    if (detail.history.length === 0) {
      curvesDrawn = '';
      const why = detail.row.status === 'running' ? 'The curves appear when the first epoch ends.'
        : detail.row.problem !== null ? 'The run’s history could not be read (see above).' : 'This run recorded no epoch.';
      replaceChildren(curvesEl, emptyState(detail.row.problem !== null ? 'No curves' : 'No epochs yet', h('p', null, why)));
      return;
    }
    const series = [{ label: detail.row.name, color: colorFor(0), history: detail.history }];
    legendEl.replaceChildren(curvesLegend(series, { runs: false }));
    const width = Math.max(420, curvesEl.clientWidth || 800);
    const spec = curvesSpec(series, width, { height: 200 });
    const text = JSON.stringify(spec);
    if (text === curvesDrawn) return;
    curvesDrawn = text;
    try {
      const dispose = await drawChart(curvesEl, spec);
      curvesDispose?.();
      curvesDispose = dispose;
      curvesEl.dataset['epochs'] = String(detail.history.length);
    } catch (err) {
      curvesDrawn = '';
      replaceChildren(curvesEl, errorBox('Could not draw the curves', errorMessage(err)));
    }
  }

  function renderActions(): void {
    if (!detail) return;
    const d = detail;
    const reproduce = d.reproduceCommand !== null
      ? h('div', { class: 'action-block' }, h('h3', { class: 'block-title' }, 'Reproduce'), commandBox(d.reproduceCommand))
      : null;
    const order = Object.keys(DOWNLOAD_TEXT);
    const files = [...d.downloads].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    const downloads = h('div', { class: 'action-block' }, h('h3', { class: 'block-title' }, 'Files'),
      files.length === 0
        ? h('p', { class: 'muted' }, 'No files to download yet.')
        : h('div', { class: 'downloads' }, files.map((f) =>
          h('a', { class: 'btn download', href: runPath(id, `/download/${encodeURIComponent(f.name)}`), download: f.name, title: `Download ${f.name}` },
            icon(ICONS.download), h('span', { class: 'download-name' }, DOWNLOAD_TEXT[f.name] ?? f.name), h('span', { class: 'download-meta' }, `${f.name} · ${bytes(f.bytes)}`)))));
    const draw = files.some((f) => f.name === 'best.safetensors')
      ? h('a', { class: 'btn draw-link', href: `#/draw?${new URLSearchParams({ model: `run:${id}` }).toString()}`, title: 'Draw digits for this run’s best checkpoint to read, in this tab' }, icon(ICONS.pen), 'Draw with this model')
      : null;
    replaceChildren(actionsEl, h('section', { class: 'card actions-card' }, reproduce, downloads, draw));
  }

  function renderAnalysis(): void {
    if (!detail) return;
    const hint = document.getElementById('analysis-hint');
    const hasCheckpoint = detail.downloads.some((f) => f.name === 'best.safetensors');
    if (!hasCheckpoint) {
      replaceChildren(analysisEl, h('div', { class: 'card' }, emptyState('No checkpoint to analyse',
        h('p', null, detail.row.status === 'running'
          ? 'The analysis appears once the run has written best.safetensors.'
          : 'This run folder has no best.safetensors.'))));
      return;
    }
    if (detail.row.status === 'running') {
      // The checkpoint changes every epoch; analyse it once the run has stopped.
      replaceChildren(analysisEl, h('div', { class: 'card' }, emptyState('Analysis after the run',
        h('p', null, 'The best checkpoint still changes while the run trains; its test-set analysis appears when the run stops.'))));
      return;
    }
    if (analysisStarted) return;
    analysisStarted = true;
    replaceChildren(analysisEl, h('div', { class: 'card' }, loadingBox('Evaluating best.safetensors on the test set… the first time takes a few seconds.')));
    getJson<RunAnalysis>(runPath(id, '/analysis'), abort.signal).then(
      (a) => {
        if (hint) hint.textContent = `${a.checkpoint} on ${thousands(a.testImages)} test images`;
        void showAnalysis(a);
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        analysisStarted = false;
        replaceChildren(analysisEl, errorBox('Could not analyse the checkpoint', errorMessage(err),
          h('p', null, h('button', { class: 'btn btn-small', type: 'button', onclick: () => renderAnalysis() }, 'Try again'))));
      },
    );
  }

  async function showAnalysis(a: RunAnalysis): Promise<void> {
    const lowest = Math.min(...a.perClass.map((c) => c.accuracy));
    const floor = Math.max(0, Math.min(95, Math.floor(lowest - 1)));
    const perClass = h('table', { class: 'per-class mono' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'digit'), h('th', { scope: 'col', class: 'num' }, 'correct'), h('th', { scope: 'col', class: 'num' }, 'accuracy'), h('th', { scope: 'col', class: 'bar-col' }, h('div', { class: 'bar-scale' }, h('span', null, `${floor}%`), h('span', null, '100%'))))),
      h('tbody', null, a.perClass.map((c) => {
        const worst = c.accuracy === lowest;
        const width = Math.max(0, Math.min(100, ((c.accuracy - floor) / (100 - floor)) * 100));
        return h('tr', { class: worst ? 'worst' : null },
          h('th', { scope: 'row' }, String(c.digit)),
          h('td', { class: 'num' }, `${thousands(c.correct)}/${thousands(c.total)}`),
          h('td', { class: 'num' }, pctSign(c.accuracy)),
          h('td', { class: 'bar-col' }, h('span', { class: 'bar' }, h('span', { class: 'bar-fill', style: `width:${width.toFixed(1)}%` }))));
      })));
    const confusionEl = h('div', { class: 'chart chart-confusion' });
    const errors = a.testImages - a.correct;
    const shown = a.misclassified.length;
    const image = h('img', {
      class: 'digit-grid', alt: `The first ${shown} misclassified test digits, each labelled true → predicted`,
      src: runPath(id, '/misclassified.png'), loading: 'lazy',
    });
    const imageBox = h('div', { class: 'digit-grid-box' }, image);
    image.addEventListener('error', () => replaceChildren(imageBox, errorBox('Could not load the image', 'The server could not draw misclassified.png.')));
    const pairs = new Map<string, number>();
    for (const m of a.misclassified) pairs.set(`${m.label} → ${m.predicted}`, (pairs.get(`${m.label} → ${m.predicted}`) ?? 0) + 1);
    const common = [...pairs.entries()].sort((x, y) => y[1] - x[1]).slice(0, 6);
    replaceChildren(analysisEl,
      h('div', { class: 'analysis-stats' },
        stat('accuracy', pctSign(a.accuracy)), stat('correct', `${thousands(a.correct)} / ${thousands(a.testImages)}`),
        stat('errors', thousands(errors)), stat('loss', num(a.loss))),
      h('div', { class: 'analysis-grid' },
        h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'Per-class accuracy'), perClass),
        h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'Confusion matrix', h('span', { class: 'card-hint' }, 'true label × prediction, symlog colour scale')), confusionEl)),
      h('section', { class: 'card card-digits' },
        h('h2', { class: 'card-title' }, 'Misclassified digits', h('span', { class: 'card-hint' }, shown === 0 ? '' : shown < errors ? `the first ${shown} of ${thousands(errors)}, in test-set order` : 'all of them, in test-set order')),
        shown === 0 ? emptyState('No mistakes', h('p', null, 'Every test image is classified correctly.')) : h('div', { class: 'digits-layout' },
          imageBox,
          h('div', { class: 'digits-aside' },
            h('p', { class: 'caption' }, 'Under each digit: its true label → the prediction (red), and its index in the test set.'),
            common.length ? [
              h('h3', { class: 'block-title' }, shown < errors ? 'Most frequent among these' : 'Most frequent'),
              h('table', { class: 'pairs mono' }, h('tbody', null, common.map(([k, n]) => h('tr', null, h('td', null, k), h('td', { class: 'num' }, `× ${n}`))))),
            ] : null))));
    try {
      await drawChart(confusionEl, confusionSpec(a.confusion), { actions: false }).then((d) => disposers.push(d));
    } catch (err) {
      replaceChildren(confusionEl, errorBox('Could not draw the confusion matrix', errorMessage(err)));
    }
  }

  function renderModelAndSpec(): void {
    if (!detail) return;
    const d = detail;
    replaceChildren(modelEl, h('section', { class: 'card' },
      h('h2', { class: 'card-title' }, 'Model summary', d.summaryText !== null ? copyButton(() => d.summaryText ?? '') : null),
      d.summaryText !== null ? h('pre', { class: 'code-block' }, d.summaryText.trimEnd()) : h('p', { class: 'muted' }, 'No summary.txt in the run folder.')));
    const specText = d.spec !== null ? JSON.stringify(d.spec, null, 2) : null;
    replaceChildren(specEl, h('section', { class: 'card' },
      h('h2', { class: 'card-title' }, 'Spec', h('span', { class: 'card-hint' }, 'spec.json'), specText !== null ? copyButton(() => specText) : null),
      specText !== null ? h('pre', { class: 'code-block json' }, highlightJson(specText)) : h('p', { class: 'muted' }, 'No spec.json in the run folder.')));
  }

  return () => {
    setLive(null);
    for (const d of disposers) d();
  };
}

function stat(label: string, value: string): HTMLElement {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, value));
}

function dataText(spec: RunSpec): string {
  const source = spec.data.dir === null ? 'bundled MNIST' : spec.data.dir;
  const train = spec.data.limitTrain === null ? 'all train' : `${thousands(spec.data.limitTrain)} train`;
  const test = spec.data.limitTest === null ? 'all test' : `${thousands(spec.data.limitTest)} test`;
  const val = spec.data.valSplit > 0 ? `, ${thousands(spec.data.valSplit)} held out` : '';
  return `${source}, ${train}, ${test}${val}`;
}

/** JSON with its keys, strings and numbers in colour, built as text nodes. */
function highlightJson(text: string): Child[] {
  const out: Child[] = [];
  const re = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) {
      out.push(h('span', { class: m[2] ? 'j-key' : 'j-str' }, m[1]));
      if (m[2]) out.push(m[2]);
    } else if (m[3] !== undefined) out.push(h('span', { class: 'j-lit' }, m[3]));
    else out.push(h('span', { class: 'j-num' }, m[4]!));
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
