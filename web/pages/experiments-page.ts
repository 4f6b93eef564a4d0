/**
 * The recorded experiments (reports/results): the report's comparison table, each seed linking to
 * its run folder when a logdir holds it, and the parameters-vs-accuracy frontier chart as the
 * server gives it.
 */
import type { ExperimentRow, ExperimentsResponse } from '../../src/server/api-types.js';
import { errorMessage, getJson } from '../api.js';
import { drawChart } from '../charts.js';
import { h, icon, ICONS, replaceChildren } from '../dom.js';
import { DASH, pct, thousands } from '../format.js';
import { runHref, setTitle } from '../shell.js';
import { emptyState, errorBox, loadingBox } from '../ui.js';

// Accuracies printed as 99.40% count as reaching 99.40%, as in the report.
const EPSILON = 1e-9;

export function renderExperimentsPage(root: HTMLElement): () => void {
  setTitle('Experiments');
  const abort = new AbortController();
  const disposers: (() => void)[] = [() => abort.abort()];
  const sub = h('p', { class: 'page-sub' }, 'Loading…');
  const body = h('div', { class: 'experiments-body' }, h('div', { class: 'card' }, loadingBox('Loading the experiments…')));
  replaceChildren(root, h('div', { class: 'page page-wide' },
    h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Experiments'), sub)),
    body));

  getJson<ExperimentsResponse>('/api/experiments', abort.signal).then(
    (res) => void show(res),
    (err: unknown) => {
      if (abort.signal.aborted) return;
      sub.textContent = '';
      replaceChildren(body, errorBox('Could not load the experiments', errorMessage(err)));
    },
  );

  async function show(res: ExperimentsResponse): Promise<void> {
    const n = res.rows.length;
    replaceChildren(sub, `${n} experiment${n === 1 ? '' : 's'} recorded in `, h('code', { class: 'path' }, res.resultsDir),
      ` · goal: ${res.targetAccuracy}% test accuracy held over the last ${res.lastEpochs} epochs`);
    if (n === 0) {
      replaceChildren(body, h('div', { class: 'card' }, emptyState('No recorded experiments',
        h('p', null, `${res.resultsDir} has no results yet. `, h('code', null, 'mnist-lab experiments run'), ' trains them and records each one there.'))));
      return;
    }
    const best = Math.max(...res.rows.map((r) => r.lastMean));
    const chartEl = h('div', { class: 'chart chart-frontier' });
    replaceChildren(body,
      h('section', { class: 'card table-card' }, experimentsTable(res, best)),
      h('section', { class: 'card card-frontier' }, h('h2', { class: 'card-title' }, 'Frontier', h('span', { class: 'card-hint' }, 'fewer parameters, higher accuracy: up and to the left')), chartEl));
    try {
      disposers.push(await drawChart(chartEl, res.frontier));
    } catch (err) {
      replaceChildren(chartEl, errorBox('Could not draw the frontier chart', errorMessage(err)));
    }
  }

  return () => {
    for (const d of disposers) d();
  };
}

function experimentsTable(res: ExperimentsResponse, best: number): HTMLTableElement {
  const w = res.lastEpochs;
  const head = (label: string, title: string, num = true): HTMLTableCellElement => h('th', { scope: 'col', class: num ? 'num' : null, title }, label);
  return h('table', { class: 'experiments-table' },
    h('thead', null, h('tr', null,
      head('Experiment', 'The experiment file and its title', false),
      head('Model', 'The zoo model', false),
      head('Params', 'Trainable parameters'),
      head('Best train', 'Best training accuracy over every epoch of every seed (%)'),
      head('Best test', 'Best test accuracy over every epoch of every seed (%)'),
      head(`Last-${w} min`, `The lowest test accuracy over the last ${w} epochs of any seed (%)`),
      head(`Last-${w} mean`, `Mean over seeds of each seed's mean test accuracy over the last ${w} epochs, ± sample std (%)`),
      head('Target', `Every seed at ≥ ${res.targetAccuracy}% over its last ${w} epochs`, false),
      head('Seeds', 'Each seed’s run folder, when a logdir holds it', false))),
    h('tbody', null, res.rows.map((r) => experimentRow(r, res.targetAccuracy, best))));
}

function experimentRow(r: ExperimentRow, target: number, best: number): HTMLTableRowElement {
  const held = r.lastMin >= target - EPSILON;
  return h('tr', { class: r.lastMean === best ? 'best' : null, 'data-experiment': r.name },
    h('td', { class: 'col-exp' }, h('div', { class: 'exp-name' }, r.name), h('div', { class: 'exp-title', title: r.title }, r.title)),
    h('td', { class: 'col-model' }, r.model),
    h('td', { class: 'num' }, thousands(r.parameters)),
    h('td', { class: 'num' }, pct(r.bestTrainAccuracy)),
    h('td', { class: 'num' }, pct(r.bestTestAccuracy)),
    h('td', { class: 'num' }, pct(r.lastMin)),
    h('td', { class: 'num col-key' }, pct(r.lastMean), r.lastStd !== null ? h('span', { class: 'std' }, ` ± ${r.lastStd.toFixed(2)}`) : null),
    h('td', null, held
      ? h('span', { class: 'pill pill-finished', title: `Every seed stayed at ≥ ${target}%` }, icon(ICONS.check), 'held')
      : h('span', { class: 'pill pill-unknown', title: `Some epoch fell below ${target}%` }, 'missed')),
    h('td', { class: 'col-seeds' }, r.seeds.length === 0 ? DASH : h('div', { class: 'seed-chips' }, r.seeds.map((s) => s.runId !== null
      ? h('a', { class: 'chip', href: runHref(s.runId), title: `Open seed ${s.seed}'s run` }, String(s.seed))
      : h('span', { class: 'chip chip-off', title: `Seed ${s.seed}: no logdir holds its run folder` }, String(s.seed))))));
}
