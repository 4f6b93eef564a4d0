/**
 * Hyperparameter sweeps (folders holding a study.json): the list, each with its trials, best
 * objective and test-set confirmation; and one sweep, with its trials table (each row opening the
 * trial's run), the best trial highlighted, and the report's parallel-coordinates and importance
 * charts as the server gives them.
 */
import type { SweepDetail, SweepParamValue, SweepSummary, SweepsResponse, SweepTrialRow, SweepTrialState } from '../../src/server/api-types.js';
import { errorMessage, getJson } from '../api.js';
import { drawChart, prefersDark } from '../charts.js';
import { h, icon, ICONS, replaceChildren, type Child } from '../dom.js';
import { DASH, duration, localTime, num, pct, pctSign, relativeTime, thousands } from '../format.js';
import { runHref, setTitle, sweepHref } from '../shell.js';
import { commandBox, emptyState, errorBox, loadingBox } from '../ui.js';

const STATE_PILL: Record<SweepTrialState, { cls: string; text: string; title: string }> = {
  complete: { cls: 'pill-finished', text: 'complete', title: 'Trained every epoch; its objective counts' },
  pruned: { cls: 'pill-unknown', text: 'stopped', title: 'Stopped early by ASHA: behind the trials that reached its rung before it' },
  running: { cls: 'pill-running', text: 'running', title: 'Training now (or interrupted, to continue on --resume)' },
  failed: { cls: 'pill-failed', text: 'failed', title: 'Stopped by an error' },
};

/** "recipe.scheduler.maxLr" → "scheduler.maxLr", as the report's charts label their axes. */
function paramLabel(name: string): string {
  return name.replace(/^recipe\./, '');
}

function paramValue(v: SweepParamValue | undefined): string {
  return typeof v === 'number' ? num(v) : v === undefined ? DASH : String(v);
}

function paramsText(params: Record<string, SweepParamValue>): string {
  return Object.entries(params).map(([k, v]) => `${paramLabel(k)} ${paramValue(v)}`).join(' · ');
}

function sweepPath(s: SweepSummary): string {
  return s.folder === '.' ? s.logdir : `${s.logdir.replace(/\/+$/, '')}/${s.folder}`;
}

function trialCounts(s: SweepSummary): string {
  const t = s.trials;
  const parts = [`${t.complete} complete`, `${t.pruned} stopped`, `${t.running} running`];
  if (t.failed > 0) parts.push(`${t.failed} failed`);
  return `${parts.join(' · ')}${s.budget !== null ? ` of ${thousands(s.budget)}` : ''}`;
}

function samplerText(s: SweepSummary): string {
  if (s.sampler === null) return DASH;
  return s.pruner ? `${s.sampler} · ASHA` : s.sampler;
}

function objectiveText(s: SweepSummary): string | null {
  if (!s.objective) return null;
  const v = s.objective.validation;
  const on = 'folds' in v ? `${v.folds}-fold cross-validation` : `${thousands(v.split)} held-out training images`;
  return `objective: validation accuracy over the last ${s.objective.lastEpochs} epoch${s.objective.lastEpochs === 1 ? '' : 's'}, on ${on}`;
}

function problemPill(problem: string): HTMLElement {
  return h('span', { class: 'pill pill-problem', title: problem }, icon(ICONS.alert), 'unreadable');
}

/**
 * The report's charts are drawn for white paper: on the dark page their dark greys (points, axis
 * labels) would vanish, so they take the dark theme's greys.
 */
function forMode(spec: object): object {
  if (!prefersDark()) return spec;
  const swap: Record<string, string> = { '#444': '#c9d1d9', '#555': '#9aa4b2', '#b8b8b8': '#5b6472' };
  return JSON.parse(JSON.stringify(spec), (key: string, value: unknown) => (key === 'color' && typeof value === 'string' && swap[value] !== undefined ? swap[value] : value)) as object;
}

export function renderSweepsPage(root: HTMLElement): () => void {
  setTitle('Sweeps');
  const abort = new AbortController();
  const sub = h('p', { class: 'page-sub' }, 'Loading…');
  const body = h('div', { class: 'sweeps-body' }, h('div', { class: 'card' }, loadingBox('Loading the sweeps…')));
  replaceChildren(root, h('div', { class: 'page page-wide' },
    h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Sweeps'), sub)),
    body));

  getJson<SweepsResponse>('/api/sweeps', abort.signal).then(
    (res) => {
      const n = res.sweeps.length;
      replaceChildren(sub, `${n} sweep${n === 1 ? '' : 's'} in `, res.logdirs.map((d, i) => [i > 0 ? ', ' : null, h('code', { class: 'path' }, d)]).flat());
      if (n === 0) {
        replaceChildren(body, h('div', { class: 'card' }, emptyState('No sweeps yet',
          h('p', null, 'No folder in the logdirs holds a sweep’s study.json. A sweep searches a run spec’s hyperparameters on held-out training images:'),
          commandBox('mnist-lab sweep SPEC'))));
        return;
      }
      replaceChildren(body, h('section', { class: 'card table-card' }, sweepsTable(res.sweeps)));
    },
    (err: unknown) => {
      if (abort.signal.aborted) return;
      sub.textContent = '';
      replaceChildren(body, errorBox('Could not load the sweeps', errorMessage(err)));
    },
  );

  return () => abort.abort();
}

function sweepsTable(sweeps: readonly SweepSummary[]): HTMLTableElement {
  const head = (label: string, title: string, numeric = false): HTMLTableCellElement => h('th', { scope: 'col', class: numeric ? 'num' : null, title }, label);
  return h('table', { class: 'sweeps-table' },
    h('thead', null, h('tr', null,
      head('Sweep', 'The sweep’s name and its folder'),
      head('Search', 'The sampler, and ASHA when it stops trials early'),
      head('Trials', 'Complete, stopped early and running trials, of the sweep’s budget'),
      head('Best objective', 'The best complete trial’s validation accuracy (%), and its parameters', true),
      head('Confirmed on test', 'The best trial trained once more and tested (mnist-lab sweep confirm): mean test accuracy over its last epochs', true),
      head('Updated', 'The last change to study.json'))),
    h('tbody', null, sweeps.map(sweepRow)));
}

function sweepRow(s: SweepSummary): HTMLTableRowElement {
  const c = s.confirmation;
  return h('tr', { 'data-sweep-id': s.id },
    h('td', { class: 'col-sweep' },
      h('a', { class: 'run-link', href: sweepHref(s.id), title: sweepPath(s) }, s.name),
      h('div', { class: 'sweep-folder' }, s.folder)),
    h('td', null, s.problem !== null ? problemPill(s.problem) : samplerText(s)),
    h('td', { class: 'col-trials' }, s.problem !== null ? h('span', { class: 'sub-problem' }, s.problem) : trialCounts(s)),
    h('td', { class: 'num col-best' }, s.best === null ? DASH : [
      h('div', { class: 'col-key' }, pctSign(s.best.value)),
      h('div', { class: 'best-params' }, `trial ${s.best.id}: ${paramsText(s.best.params)}`)]),
    h('td', { class: 'num' }, c === null ? h('span', { class: 'muted' }, 'not yet') : [
      h('div', { class: 'col-key' }, pctSign(c.testLastMean)),
      h('div', { class: 'best-params' }, `trial ${c.trialId}, last ${c.lastEpochs} epochs`)]),
    h('td', { class: 'col-updated', title: localTime(s.updatedAt) }, relativeTime(s.updatedAt)));
}

export function renderSweepPage(root: HTMLElement, id: string): () => void {
  setTitle('Sweep');
  const abort = new AbortController();
  const disposers: (() => void)[] = [() => abort.abort()];
  const crumb = h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/sweeps' }, 'Sweeps'), icon(ICONS.chevron), h('span', { class: 'crumb-current' }, id));
  const main = h('div', { class: 'sweep-main' }, loadingBox('Loading the sweep…'));
  replaceChildren(root, h('div', { class: 'page page-wide' }, crumb, main));

  getJson<SweepDetail>(`/api/sweeps/${encodeURIComponent(id)}`, abort.signal).then(
    (d) => void show(d),
    (err: unknown) => {
      if (abort.signal.aborted) return;
      setTitle('Sweep not found');
      replaceChildren(main, errorBox('Could not load this sweep', errorMessage(err), h('p', null, h('a', { href: '#/sweeps' }, 'Back to the sweeps'))));
    },
  );

  async function show(d: SweepDetail): Promise<void> {
    const s = d.summary;
    setTitle(s.name);
    crumb.querySelector('.crumb-current')!.textContent = s.name;
    const meta: Child[] = [
      s.sampler !== null ? h('span', { class: 'meta-item' }, 'sampler ', h('strong', null, s.sampler)) : null,
      s.pruner ? h('span', { class: 'meta-item' }, `ASHA from ${s.pruner.minEpochs} epoch${s.pruner.minEpochs === 1 ? '' : 's'}, 1 in ${s.pruner.reductionFactor} goes on`) : null,
      objectiveText(s) !== null ? h('span', { class: 'meta-item' }, objectiveText(s)) : null,
      h('span', { class: 'meta-item muted', title: localTime(s.updatedAt) }, `updated ${relativeTime(s.updatedAt)}`),
    ];
    const head = h('div', { class: 'page-head' }, h('div', null,
      h('div', { class: 'title-line' }, h('h1', { class: 'run-title' }, s.name), s.problem !== null ? problemPill(s.problem) : null),
      h('p', { class: 'page-sub meta' }, h('span', { class: 'meta-item' }, h('code', { class: 'path' }, sweepPath(s))), meta)));
    if (s.problem !== null) {
      replaceChildren(main, head, errorBox('This sweep’s study.json could not be read', s.problem));
      return;
    }
    const pcEl = h('div', { class: 'chart chart-sweep', 'data-chart': 'parallel-coordinates' });
    const importanceEl = h('div', { class: 'chart chart-sweep', 'data-chart': 'importance' });
    const fewComplete = s.trials.complete < 3;
    replaceChildren(main,
      head,
      stats(s),
      confirmationLine(s),
      h('section', { class: 'card table-card' }, trialsTable(d)),
      h('div', { class: 'sweep-charts' },
        h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'Every trial', h('span', { class: 'card-hint' }, 'one line a trial, coloured by its objective')), pcEl),
        h('section', { class: 'card' },
          h('h2', { class: 'card-title' }, 'Parameter importance', h('span', { class: 'card-hint' }, fewComplete ? 'needs 3 complete trials; every score is 0 until then' : 'over the complete trials')),
          importanceEl)));
    for (const [el, spec, what] of [[pcEl, d.parallelCoordinates, 'parallel-coordinates'], [importanceEl, d.importance, 'importance']] as const) {
      if (Object.keys(spec).length === 0) {
        replaceChildren(el, emptyState('No chart', h('p', null, 'The trials do not fit the sweep’s search space.')));
        continue;
      }
      try {
        disposers.push(await drawChart(el, forMode(spec)));
      } catch (err) {
        replaceChildren(el, errorBox(`Could not draw the ${what} chart`, errorMessage(err)));
      }
      if (abort.signal.aborted) return;
    }
  }

  return () => {
    for (const dispose of disposers) dispose();
  };
}

function stats(s: SweepSummary): HTMLElement {
  const stat = (label: string, value: string, title: string): HTMLElement =>
    h('div', { class: 'stat', title }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, value));
  const t = s.trials;
  return h('div', { class: 'analysis-stats' },
    stat('Trials', s.budget !== null ? `${t.total} of ${thousands(s.budget)}` : String(t.total), 'Trials started, of the sweep’s budget'),
    stat('Complete', String(t.complete), 'Trained every epoch'),
    stat('Stopped early', String(t.pruned), 'Stopped by ASHA at a rung'),
    stat('Running', String(t.running), 'Training now, or waiting for --resume'),
    t.failed > 0 ? stat('Failed', String(t.failed), 'Stopped by an error') : null,
    stat('Best objective', s.best ? pctSign(s.best.value) : DASH, 'The best complete trial’s validation accuracy'),
    stat('Test (confirmed)', s.confirmation ? pctSign(s.confirmation.testLastMean) : DASH, 'The best trial, trained once more and tested: mean over its last epochs'));
}

function confirmationLine(s: SweepSummary): HTMLElement {
  const c = s.confirmation;
  if (!c) {
    return h('div', { class: 'message sweep-confirmation' }, icon(ICONS.alert),
      h('div', { class: 'grow' },
        h('strong', null, 'Not confirmed on the test set yet.'),
        h('p', { class: 'message-text' }, 'No trial has read the test set. This trains the best trial once with nothing held out, and tests it, once:'),
        commandBox(`mnist-lab sweep confirm ${sweepPath(s)}`, { compact: true })));
  }
  return h('div', { class: 'message sweep-confirmation confirmed' }, icon(ICONS.check),
    h('div', { class: 'grow' },
      h('strong', null, `Confirmed on the test set: ${pctSign(c.testLastMean)}`),
      h('p', { class: 'message-text' },
        `Trial ${c.trialId} (${paramsText(c.params)}), trained once with nothing held out: test accuracy ${pct(c.testLastMean)}% over the last ${c.lastEpochs} epochs ` +
        `(lowest ${pct(c.testLastMin)}%), ${pct(c.testFinal)}% at the last. ${localTime(c.at)}. `,
        c.runId !== null ? h('a', { href: runHref(c.runId) }, 'Its run') : null)));
}

function trialsTable(d: SweepDetail): HTMLTableElement {
  const bestId = d.summary.best?.id ?? null;
  const head = (label: string, title: string, numeric = true): HTMLTableCellElement => h('th', { scope: 'col', class: numeric ? 'num' : null, title }, label);
  return h('table', { class: 'sweeps-table trials-table' },
    h('thead', null, h('tr', null,
      head('Trial', 'The trial’s number; opens its run', false),
      d.parameters.map((p) => head(paramLabel(p), p)),
      head('State', 'complete, stopped early by ASHA, running or failed', false),
      head('Objective', 'Validation accuracy (%) over the last epochs: complete trials only'),
      head('Epochs', 'Epochs the pruner saw'),
      head('Time', 'Wall time of the trial'))),
    h('tbody', null, d.trials.map((t) => trialRow(t, d.parameters, t.id === bestId))));
}

function trialRow(t: SweepTrialRow, parameters: readonly string[], best: boolean): HTMLTableRowElement {
  const pill = STATE_PILL[t.state];
  const row = h('tr', { class: [best ? 'best' : '', t.runId !== null ? 'linked' : ''].join(' ').trim() || null, 'data-trial': t.id, 'data-state': t.state },
    h('td', { class: 'col-trial' }, h('div', { class: 'trial-cell' },
      t.runId !== null ? h('a', { class: 'run-link', href: runHref(t.runId), title: 'Open this trial’s run' }, `#${t.id}`) : h('span', { title: 'No run folder for this trial yet' }, `#${t.id}`),
      best ? h('span', { class: 'best-badge', title: 'The best complete trial' }, 'best') : null)),
    parameters.map((p) => h('td', { class: 'num' }, paramValue(t.params[p]))),
    h('td', null, h('span', { class: `pill ${pill.cls}`, title: t.error ?? pill.title }, h('span', { class: 'pill-dot' }), pill.text)),
    h('td', { class: 'num col-key' }, pct(t.value)),
    h('td', { class: 'num' }, String(t.epochs)),
    h('td', { class: 'num col-wall' }, duration(t.seconds)));
  // The whole row opens the run; the trial's link is the keyboard's way there.
  if (t.runId !== null) {
    const href = runHref(t.runId);
    row.addEventListener('click', (e) => {
      if ((e.target as Element).closest('a') === null) window.location.hash = href;
    });
  }
  return row;
}
