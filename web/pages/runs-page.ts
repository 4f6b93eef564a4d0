/**
 * The runs table (home): one row per run folder, sortable by any column, filtered by text, grouped
 * by experiment or model with mean ± std over each group's seeds; ticked runs get their curves
 * overlaid and their specs compared below. Rows follow GET /api/events as runs write their files.
 */
import type { RunDetail, RunRow, RunsResponse } from '../../src/server/api-types.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import { errorMessage, getJson, runPath, subscribe, type StreamState } from '../api.js';
import { colorFor, curvesLegend, curvesSpec, drawChart, type CurveSeries } from '../charts.js';
import { h, icon, ICONS, replaceChildren, type Child } from '../dom.js';
import { DASH, duration, meanStd, pct, relativeTime, localTime, thousands } from '../format.js';
import {
  filterRuns, groupRuns, recipeParts, sortRuns, SORT_KEYS,
  type GroupBy, type RunGroup, type SortDir, type SortKey,
} from '../run-table.js';
import { currentRoute, replaceQuery, runHref, setLive, setTitle } from '../shell.js';
import { formatLeaf, NON_RESULT_FIELDS, specDiff } from '../spec-diff.js';
import { commandBox, emptyState, errorBox, loadingBox, statusPill } from '../ui.js';

interface Column {
  key: SortKey;
  label: string;
  title: string;
  numeric: boolean;
  className: string;
  cell: (row: RunRow) => Child | Child[];
}

const COLUMNS: Column[] = [
  {
    key: 'name', label: 'Run', title: 'The run folder, relative to its logdir', numeric: false, className: 'col-name',
    cell: (r) => runLink(r, false),
  },
  { key: 'model', label: 'Model', title: 'The zoo model', numeric: false, className: 'col-model', cell: (r) => r.model ?? DASH },
  { key: 'parameters', label: 'Params', title: 'Trainable parameters', numeric: true, className: 'col-params', cell: (r) => thousands(r.parameters) },
  {
    key: 'recipe', label: 'Recipe', title: 'Optimizer and lr, scheduler → peak lr, batch size, rotation, EMA decay, label smoothing', numeric: false, className: 'col-recipe',
    cell: (r) => recipeCell(r),
  },
  { key: 'seed', label: 'Seed', title: 'The run’s seed', numeric: true, className: 'col-seed', cell: (r) => (r.seed === null ? DASH : String(r.seed)) },
  { key: 'status', label: 'Status', title: 'running, finished, interrupted, failed, or unknown (no status.json)', numeric: false, className: 'col-status', cell: (r) => statusPill(r) },
  { key: 'epochs', label: 'Epochs', title: 'Epochs done of the epochs planned', numeric: true, className: 'col-epochs', cell: (r) => epochsCell(r) },
  { key: 'bestTestAccuracy', label: 'Best test', title: 'Best test accuracy over all epochs (%)', numeric: true, className: 'col-acc', cell: (r) => pct(r.bestTestAccuracy) },
  { key: 'lastMin', label: 'Last-5 min', title: 'Lowest test accuracy over the last 5 epochs (%)', numeric: true, className: 'col-acc', cell: (r) => pct(r.lastMin) },
  { key: 'lastMean', label: 'Last-5 mean', title: 'Mean test accuracy over the last 5 epochs (%)', numeric: true, className: 'col-acc col-key', cell: (r) => pct(r.lastMean) },
  { key: 'valAccuracy', label: 'Val', title: 'The last epoch’s validation accuracy (%), for runs with a validation split', numeric: true, className: 'col-acc', cell: (r) => pct(r.valAccuracy) },
  { key: 'wallSeconds', label: 'Wall', title: 'Wall time over all epochs', numeric: true, className: 'col-wall', cell: (r) => (r.epochsDone === 0 && r.wallSeconds === 0 ? DASH : duration(r.wallSeconds)) },
  {
    key: 'updatedAt', label: 'Updated', title: 'Last change to the run’s history or status', numeric: true, className: 'col-updated',
    cell: (r) => h('span', { title: localTime(r.updatedAt) }, relativeTime(r.updatedAt)),
  },
];

/** Columns whose first click sorts ascending; the metrics and times start with the largest. */
const ASCENDING_FIRST = new Set<SortKey>(['name', 'model', 'recipe', 'seed', 'status']);
/** At most this many per-run event streams at once: a browser allows six connections to one server. */
const MAX_RUN_STREAMS = 3;
const GROUP_LABEL: Record<GroupBy, string> = { none: 'None', experiment: 'Experiment', model: 'Model' };

/** The folder's last part in bold, what leads to it muted: a long path loses its middle, never the run's own name. */
function runLink(r: RunRow, underExperiment: boolean): HTMLElement {
  // experiments/<experiment>/seed-<n> reads as <experiment>/seed-<n>: every such row has the prefix;
  // under its experiment's group row, as seed-<n>.
  const inExperiments = r.experiment !== null && r.name.startsWith('experiments/');
  const shown = inExperiments ? (underExperiment ? r.name.slice(r.name.lastIndexOf('/') + 1) : r.name.slice('experiments/'.length)) : r.name;
  const slash = shown.lastIndexOf('/');
  return h('a', { class: 'run-link', href: runHref(r.id), title: `${r.logdir}/${r.name}` },
    slash >= 0 ? h('span', { class: 'name-dir' }, shown.slice(0, slash)) : null,
    h('span', { class: 'name-leaf' }, slash >= 0 ? shown.slice(slash) : shown));
}

function recipeCell(r: RunRow): HTMLElement {
  const parts = recipeParts(r.recipe);
  if (parts.length === 0) return h('span', { class: 'recipe' }, DASH);
  return h('span', { class: 'recipe', title: parts.join(' · ') }, parts.flatMap((p, i) => [i ? ' · ' : '', h('span', { class: 'nobr' }, p)]));
}

function epochsCell(r: RunRow): HTMLElement {
  const text = r.epochs === null ? String(r.epochsDone) : `${r.epochsDone}/${r.epochs}`;
  if (r.status !== 'running' || r.epochs === null || r.epochs === 0) return h('span', null, text);
  const fraction = Math.min(1, r.epochsDone / r.epochs);
  return h('span', { class: 'epochs-progress' }, text,
    h('span', { class: 'progress', 'aria-hidden': 'true' }, h('span', { class: 'progress-bar', style: `width:${(100 * fraction).toFixed(1)}%` })));
}

interface State {
  query: string;
  sort: SortKey;
  dir: SortDir;
  group: GroupBy;
  /** In the order ticked: a run keeps its colour while others come and go. */
  selected: string[];
}

function readState(): State {
  const q = currentRoute().query;
  const sort = q.get('sort');
  const group = q.get('group');
  return {
    query: q.get('q') ?? '',
    sort: SORT_KEYS.includes(sort as SortKey) ? (sort as SortKey) : 'updatedAt',
    dir: q.get('dir') === 'asc' ? 'asc' : q.get('dir') === 'desc' ? 'desc' : sort !== null && ASCENDING_FIRST.has(sort as SortKey) ? 'asc' : 'desc',
    group: group === 'experiment' || group === 'model' ? group : 'none',
    selected: [...new Set(q.getAll('sel'))],
  };
}

function writeState(s: State): void {
  const q = new URLSearchParams();
  if (s.query) q.set('q', s.query);
  if (s.sort !== 'updatedAt' || s.dir !== 'desc') {
    q.set('sort', s.sort);
    q.set('dir', s.dir);
  }
  if (s.group !== 'none') q.set('group', s.group);
  for (const id of s.selected) q.append('sel', id);
  replaceQuery(q);
}

type DetailEntry = { state: 'loading' } | { state: 'ready'; detail: RunDetail } | { state: 'error'; message: string };

export function renderRunsPage(root: HTMLElement): () => void {
  setTitle('Runs');
  const state = readState();
  let runs = new Map<string, RunRow>();
  let logdirs: string[] = [];
  let loaded = false;
  let loadError: string | null = null;
  const disposers: (() => void)[] = [];
  const abort = new AbortController();
  disposers.push(() => abort.abort());

  // Row elements by run id, reused while the row's content is unchanged.
  const rowCache = new Map<string, { key: string; json: string; elements: HTMLTableRowElement[] }>();
  const details = new Map<string, DetailEntry>();
  const runStreams = new Map<string, () => void>();
  disposers.push(() => {
    for (const close of runStreams.values()) close();
  });
  const refetchTimers = new Map<string, number>();
  let chartTimer: number | undefined;
  let chartDispose: (() => void) | null = null;
  let chartDrawn = '';
  let diffDrawn = '';
  disposers.push(() => {
    window.clearTimeout(chartTimer);
    for (const t of refetchTimers.values()) window.clearTimeout(t);
    chartDispose?.();
  });

  // --- the frame ---------------------------------------------------------------------------------
  const subtitle = h('p', { class: 'page-sub' });
  const filterInput = h('input', {
    class: 'filter-input', type: 'search', placeholder: 'Filter by name, model, status, recipe…', 'aria-label': 'Filter runs',
    value: state.query, spellcheck: 'false', autocomplete: 'off',
  });
  const count = h('span', { class: 'toolbar-count' });
  const groupButtons = (['none', 'experiment', 'model'] as const).map((g) =>
    h('button', { class: 'seg-btn', type: 'button', 'data-group': g, 'aria-pressed': String(state.group === g) }, GROUP_LABEL[g]));
  const selectAll = h('input', { type: 'checkbox', class: 'check', 'aria-label': 'Select every run shown' });
  const thead = h('thead', null, h('tr', null, h('th', { class: 'col-check' }, selectAll), COLUMNS.map((c) => headerCell(c))));
  const tbody = h('tbody');
  const table = h('table', { class: 'runs-table' }, thead, tbody);
  const tableArea = h('div', { class: 'table-area' });
  const compare = h('section', { class: 'compare', id: 'compare' });
  const chartEl = h('div', { class: 'chart chart-curves' });
  const legendEl = h('div', { class: 'legend-slot' });
  const diffEl = h('div', { class: 'diff' });
  const compareBody = h('div', { class: 'compare-body' },
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'Loss and accuracy', legendEl), chartEl),
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'Spec differences', h('span', { class: 'card-hint' }, 'only the fields that differ')), diffEl));
  const compareTitle = h('h2', { class: 'section-title' });
  const clearButton = h('button', { class: 'btn btn-small', type: 'button', onclick: () => setSelected([]) }, icon(ICONS.close), 'Clear selection');

  replaceChildren(root, h('div', { class: 'page page-wide' },
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, 'Runs'), subtitle),
      h('div', { class: 'toolbar' },
        h('label', { class: 'filter' }, icon(ICONS.search), filterInput, h('kbd', { class: 'filter-key', title: 'Press / to filter' }, '/')),
        h('div', { class: 'seg', role: 'group', 'aria-label': 'Group by' }, h('span', { class: 'seg-label' }, 'Group'), groupButtons),
        count)),
    tableArea,
    compare));

  function headerCell(c: Column): HTMLTableCellElement {
    const button = h('button', { class: 'sort-btn', type: 'button', title: c.title, 'data-sort': c.key }, h('span', null, c.label), h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => {
      if (state.sort === c.key) state.dir = state.dir === 'asc' ? 'desc' : 'asc';
      else {
        state.sort = c.key;
        state.dir = ASCENDING_FIRST.has(c.key) ? 'asc' : 'desc';
      }
      writeState(state);
      renderTable();
    });
    return h('th', { class: `${c.className}${c.numeric ? ' num' : ''}`, scope: 'col', 'data-key': c.key }, button);
  }

  filterInput.addEventListener('input', () => {
    state.query = filterInput.value;
    writeState(state);
    renderTable();
  });
  const onKey = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement | null;
    if (e.key === '/' && target?.tagName !== 'INPUT' && target?.tagName !== 'TEXTAREA') {
      e.preventDefault();
      filterInput.focus();
      filterInput.select();
    } else if (e.key === 'Escape' && target === filterInput && filterInput.value) {
      filterInput.value = '';
      filterInput.dispatchEvent(new Event('input'));
    }
  };
  document.addEventListener('keydown', onKey);
  disposers.push(() => document.removeEventListener('keydown', onKey));
  for (const b of groupButtons) {
    b.addEventListener('click', () => {
      state.group = b.dataset['group'] as GroupBy;
      for (const other of groupButtons) other.setAttribute('aria-pressed', String(other === b));
      writeState(state);
      renderTable();
    });
  }
  selectAll.addEventListener('change', () => {
    const shown = visibleRows().map((r) => r.id);
    if (selectAll.checked) setSelected([...state.selected, ...shown.filter((id) => !state.selected.includes(id))]);
    else setSelected(state.selected.filter((id) => !shown.includes(id)));
  });
  // Relative times ("3 min ago") age without any event.
  const clock = window.setInterval(() => renderTable(), 30_000);
  disposers.push(() => window.clearInterval(clock));

  // --- data --------------------------------------------------------------------------------------
  renderTable();
  renderCompare();
  getJson<RunsResponse>('/api/runs', abort.signal).then(
    (res) => {
      logdirs = res.logdirs;
      if (!loaded) runs = new Map(res.runs.map((r) => [r.id, r]));
      loaded = true;
      renderTable();
      syncSelection();
    },
    (err: unknown) => {
      if (abort.signal.aborted) return;
      loadError = errorMessage(err);
      renderTable();
    },
  );
  disposers.push(subscribe('/api/events', {
    runs: (data) => {
      if (!Array.isArray(data)) return;
      const previous = runs;
      // Each event carries the whole table, so a folder that disappeared leaves it.
      runs = new Map((data as RunRow[]).map((r) => [r.id, r]));
      loaded = true;
      loadError = null;
      renderTable();
      for (const id of state.selected) {
        const before = previous.get(id);
        const now = runs.get(id);
        // A run's own stream may close as it finishes, before its last epoch arrives: fetch it again.
        if (now && before && (before.updatedAt !== now.updatedAt || before.status !== now.status)) scheduleRefetch(id);
      }
      syncSelection();
    },
  }, (s: StreamState) => setLive(s)));

  function visibleRows(): RunRow[] {
    return sortRuns(filterRuns([...runs.values()], state.query), state.sort, state.dir);
  }

  // --- the table ---------------------------------------------------------------------------------
  function renderTable(): void {
    for (const th of thead.querySelectorAll<HTMLTableCellElement>('th[data-key]')) {
      const active = th.dataset['key'] === state.sort;
      th.setAttribute('aria-sort', active ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      th.classList.toggle('sorted', active);
      const arrow = th.querySelector('.sort-arrow');
      if (active) arrow?.replaceChildren(icon(state.dir === 'asc' ? ICONS.arrowUp : ICONS.arrowDown));
      else arrow?.replaceChildren();
    }
    const all = [...runs.values()];
    const shown = visibleRows();
    const total = all.length;
    const running = all.filter((r) => r.status === 'running').length;
    if (!loaded) subtitle.textContent = 'Loading…';
    else {
      replaceChildren(subtitle,
        `${total} run${total === 1 ? '' : 's'}`,
        logdirs.length ? [' in ', ...logdirs.flatMap((d, i) => [i ? ', ' : '', h('code', { class: 'path' }, d)])] : null,
        running ? [' · ', h('span', { class: 'running-count' }, `${running} running`)] : null);
    }
    count.textContent = loaded && state.query ? `${shown.length} of ${total}` : '';
    selectAll.checked = shown.length > 0 && shown.every((r) => state.selected.includes(r.id));
    selectAll.indeterminate = !selectAll.checked && shown.some((r) => state.selected.includes(r.id));

    if (loadError !== null && runs.size === 0) {
      replaceChildren(tableArea, errorBox('Could not load the runs', loadError));
      return;
    }
    if (!loaded) {
      replaceChildren(tableArea, h('div', { class: 'card' }, loadingBox('Loading the runs…')));
      return;
    }
    if (total === 0) {
      const example = `mnist-lab train --out ${logdirs[0] ?? 'runs'}/my-first-run`;
      replaceChildren(tableArea, h('div', { class: 'card' }, emptyState(
        'No runs yet',
        h('p', null, logdirs.length ? `Nothing in ${logdirs.join(', ')} looks like a run folder. Train one, and it appears here as it runs:` : 'Train one, and it appears here as it runs:'),
        commandBox(example))));
      return;
    }
    if (table.parentElement !== tableArea) replaceChildren(tableArea, h('div', { class: 'card table-card' }, table));

    const nodes: HTMLTableRowElement[] = [];
    const addRun = (row: RunRow): void => {
      nodes.push(...rowElements(row));
    };
    if (state.group === 'none') shown.forEach(addRun);
    else {
      for (const g of groupRuns(shown, state.group)) {
        nodes.push(groupRow(g));
        g.rows.forEach(addRun);
      }
    }
    if (shown.length === 0) {
      nodes.push(h('tr', { class: 'no-match' }, h('td', { colspan: COLUMNS.length + 1 },
        emptyState(`No run matches “${state.query}”`, h('button', { class: 'btn btn-small', type: 'button', onclick: () => {
          filterInput.value = '';
          filterInput.dispatchEvent(new Event('input'));
        } }, 'Clear the filter')))));
    }
    for (const id of rowCache.keys()) if (!runs.has(id)) rowCache.delete(id);
    tbody.replaceChildren(...nodes);
  }

  function rowElements(row: RunRow): HTMLTableRowElement[] {
    const selectedAt = state.selected.indexOf(row.id);
    const json = JSON.stringify(row);
    const key = `${json}|${selectedAt}|${state.group}|${relativeTime(row.updatedAt)}`;
    const cached = rowCache.get(row.id);
    if (cached && cached.key === key) return cached.elements;
    const changed = cached !== undefined && cached.json !== json;

    const check = h('input', { type: 'checkbox', class: 'check', 'aria-label': `Select ${row.name}` });
    check.checked = selectedAt >= 0;
    check.addEventListener('change', () => {
      setSelected(check.checked ? [...state.selected, row.id] : state.selected.filter((id) => id !== row.id));
    });
    const swatch = selectedAt >= 0 ? h('span', { class: 'swatch', style: `background:${colorFor(selectedAt)}`, title: 'Its colour in the charts below' }) : null;
    const tr = h('tr', {
      class: `run-row${selectedAt >= 0 ? ' selected' : ''}${row.problem !== null ? ' has-problem' : ''}${changed ? ' flash' : ''}`,
      'data-run-id': row.id, 'data-status': row.status,
    }, h('td', { class: 'col-check' }, h('label', { class: 'check-wrap' }, check, swatch)),
    COLUMNS.map((c) => h('td', { class: `${c.className}${c.numeric ? ' num' : ''}`, 'data-key': c.key }, c.key === 'name' ? runLink(row, state.group === 'experiment') : c.cell(row))));
    const elements = [tr];

    const sub = subLine(row);
    if (sub !== null) {
      tr.classList.add('has-sub');
      elements.push(h('tr', { class: `sub-row${selectedAt >= 0 ? ' selected' : ''}`, 'data-sub-of': row.id },
        h('td', { class: 'col-check' }), h('td', { colspan: COLUMNS.length }, sub)));
    }
    rowCache.set(row.id, { key, json, elements });
    return elements;
  }

  function subLine(row: RunRow): HTMLElement | null {
    if (row.problem !== null) {
      return h('div', { class: 'sub-line sub-problem' }, icon(ICONS.alert), h('span', null, row.problem));
    }
    if (row.status === 'interrupted' && row.resumeCommand !== null) {
      const at = row.epochs === null ? `after epoch ${row.epochsDone}` : `after epoch ${row.epochsDone} of ${row.epochs}`;
      return h('div', { class: 'sub-line sub-resume' }, h('span', { class: 'sub-label' }, `Interrupted ${at}. Resume with`), commandBox(row.resumeCommand, { compact: true }));
    }
    return null;
  }

  function groupRow(g: RunGroup): HTMLTableRowElement {
    const ids = g.rows.map((r) => r.id);
    const check = h('input', { type: 'checkbox', class: 'check', 'aria-label': `Select every run of ${g.label}` });
    check.checked = ids.every((id) => state.selected.includes(id));
    check.indeterminate = !check.checked && ids.some((id) => state.selected.includes(id));
    check.addEventListener('change', () => {
      if (check.checked) setSelected([...state.selected, ...ids.filter((id) => !state.selected.includes(id))]);
      else setSelected(state.selected.filter((id) => !ids.includes(id)));
    });
    const seeds = g.rows.length;
    const lastMins = g.rows.map((r) => r.lastMin).filter((v): v is number => v !== null);
    const wall = g.rows.reduce((a, r) => a + r.wallSeconds, 0);
    const cells: Child[] = [];
    const statIndex = COLUMNS.findIndex((c) => c.key === 'bestTestAccuracy');
    cells.push(h('td', { colspan: statIndex, class: 'group-label' },
      h('span', { class: g.ungrouped ? 'group-name muted' : 'group-name' }, g.label),
      h('span', { class: 'group-count' }, `${seeds} run${seeds === 1 ? '' : 's'}`)));
    for (const c of COLUMNS.slice(statIndex)) {
      let text: string = '';
      let title = '';
      if (c.key === 'bestTestAccuracy') {
        text = meanStd(g.bestTest);
        title = 'Mean ± sample std of the runs’ best test accuracy';
      } else if (c.key === 'lastMean') {
        text = meanStd(g.lastMean);
        title = 'Mean ± sample std of the runs’ last-5 mean';
      } else if (c.key === 'lastMin') {
        text = lastMins.length ? pct(Math.min(...lastMins)) : DASH;
        title = 'The lowest last-5 test accuracy of any run';
      } else if (c.key === 'wallSeconds') {
        text = duration(wall);
        title = 'Total wall time';
      }
      cells.push(h('td', { class: `${c.className} num group-stat`, title, 'data-key': c.key }, text));
    }
    return h('tr', { class: 'group-row', 'data-group': g.key }, h('td', { class: 'col-check' }, check), cells);
  }

  // --- selection and comparison -----------------------------------------------------------------
  function setSelected(ids: string[]): void {
    state.selected = [...new Set(ids)];
    writeState(state);
    renderTable();
    syncSelection();
  }

  /** Loads what the ticked runs need, opens their event streams, and redraws the comparison. */
  function syncSelection(): void {
    // A link may name runs that are gone (or were never there): drop them rather than ask for them.
    const known = state.selected.filter((id) => runs.has(id));
    if (loaded && known.length !== state.selected.length) {
      state.selected = known;
      writeState(state);
      renderTable();
    }
    for (const id of [...details.keys()]) if (!state.selected.includes(id)) details.delete(id);
    for (const id of state.selected) if (!details.has(id)) loadDetail(id);
    const wanted = state.selected.filter((id) => runs.get(id)?.status === 'running').slice(0, MAX_RUN_STREAMS);
    for (const [id, close] of runStreams) {
      if (!wanted.includes(id)) {
        close();
        runStreams.delete(id);
      }
    }
    for (const id of wanted) {
      if (runStreams.has(id)) continue;
      runStreams.set(id, subscribe(runPath(id, '/events'), {
        history: (data) => {
          const entry = details.get(id);
          if (entry?.state === 'ready' && Array.isArray(data)) {
            entry.detail = { ...entry.detail, history: data as EpochMetrics[] };
            scheduleChart();
          }
        },
        status: (data) => {
          const row = data as RunRow;
          if (row && typeof row === 'object' && row.id === id) {
            runs.set(id, row);
            renderTable();
          }
        },
      }));
    }
    renderCompare();
  }

  function loadDetail(id: string): void {
    details.set(id, { state: 'loading' });
    getJson<RunDetail>(runPath(id), abort.signal).then(
      (detail) => {
        if (!state.selected.includes(id)) return;
        details.set(id, { state: 'ready', detail });
        renderCompare();
      },
      (err: unknown) => {
        if (abort.signal.aborted || !state.selected.includes(id)) return;
        details.set(id, { state: 'error', message: errorMessage(err) });
        renderCompare();
      },
    );
  }

  function scheduleRefetch(id: string): void {
    window.clearTimeout(refetchTimers.get(id));
    refetchTimers.set(id, window.setTimeout(() => {
      refetchTimers.delete(id);
      if (!state.selected.includes(id)) return;
      getJson<RunDetail>(runPath(id), abort.signal).then(
        (detail) => {
          if (!state.selected.includes(id)) return;
          details.set(id, { state: 'ready', detail });
          scheduleChart();
        },
        () => undefined,
      );
    }, 200));
  }


  function labels(): Map<string, string> {
    // Two logdirs may hold folders of the same name; the logdir tells them apart.
    const names = state.selected.map((id) => runs.get(id)?.name ?? id);
    const out = new Map<string, string>();
    state.selected.forEach((id, i) => {
      const row = runs.get(id);
      const name = names[i]!;
      out.set(id, names.indexOf(name) !== names.lastIndexOf(name) && row ? `${row.logdir}/${name}` : name);
    });
    return out;
  }

  function renderCompare(): void {
    const n = state.selected.length;
    if (n === 0) {
      if (runs.size === 0) compare.replaceChildren();
      else replaceChildren(compare, h('div', { class: 'compare-hint' },
        h('span', { class: 'hint-check', 'aria-hidden': 'true' }), 'Tick runs to overlay their loss and accuracy curves and to see which spec fields differ.'));
      chartDrawn = '';
      chartDispose?.();
      chartDispose = null;
      return;
    }
    compareTitle.textContent = n === 1 ? 'Selected run' : `Comparing ${n} runs`;
    if (compareBody.parentElement !== compare) {
      replaceChildren(compare, h('div', { class: 'section-head' }, compareTitle, clearButton), compareBody);
    }
    scheduleChart();
    renderDiff();
  }

  function scheduleChart(): void {
    window.clearTimeout(chartTimer);
    chartTimer = window.setTimeout(() => void drawCurves(), 120);
  }

  async function drawCurves(): Promise<void> {
    const names = labels();
    const series: CurveSeries[] = [];
    const failures: string[] = [];
    state.selected.forEach((id, i) => {
      const entry = details.get(id);
      if (entry?.state === 'ready') series.push({ label: names.get(id)!, color: colorFor(i), history: entry.detail.history });
      else if (entry?.state === 'error') failures.push(`${names.get(id)}: ${entry.message}`);
    });
    if (series.length === 0) {
      chartDrawn = '';
      chartDispose?.();
      chartDispose = null;
      replaceChildren(chartEl, failures.length ? errorBox('Could not load the selected runs', failures.join('\n')) : loadingBox('Loading the curves…'));
      return;
    }
    if (series.every((s) => s.history.length === 0)) {
      chartDrawn = '';
      replaceChildren(chartEl, emptyState('No epochs yet', h('p', null, 'The curves appear when the selected runs finish their first epoch.')));
      return;
    }
    legendEl.replaceChildren(curvesLegend(series, { runs: true }));
    const width = Math.max(600, chartEl.clientWidth || 1200);
    const spec = curvesSpec(series, width);
    const text = JSON.stringify(spec);
    if (text === chartDrawn) return;
    chartDrawn = text;
    try {
      const dispose = await drawChart(chartEl, spec);
      chartDispose?.();
      chartDispose = dispose;
      chartEl.dataset['epochs'] = String(Math.max(...series.map((s) => s.history.length)));
      chartEl.dataset['runs'] = String(series.length);
      if (failures.length) chartEl.appendChild(errorBox('Some runs could not be loaded', failures.join('\n')));
    } catch (err) {
      chartDrawn = '';
      replaceChildren(chartEl, errorBox('Could not draw the curves', errorMessage(err)));
    }
  }

  function renderDiff(): void {
    const names = labels();
    const entries = state.selected.map((id) => ({ id, entry: details.get(id) }));
    // Events arrive while a run trains; an unchanged diff is left alone (and any text selected in it).
    const key = JSON.stringify(entries.map((e) => [e.id, names.get(e.id), e.entry?.state, e.entry?.state === 'ready' ? e.entry.detail.spec : e.entry?.state === 'error' ? e.entry.message : null]));
    if (key === diffDrawn && diffEl.isConnected) return;
    diffDrawn = key;
    if (entries.some((e) => e.entry === undefined || e.entry.state === 'loading')) {
      replaceChildren(diffEl, loadingBox('Loading the specs…'));
      return;
    }
    const failed = entries.filter((e) => e.entry?.state === 'error');
    const ready = entries.filter((e): e is { id: string; entry: { state: 'ready'; detail: RunDetail } } => e.entry?.state === 'ready');
    const withSpec = ready.filter((e) => e.entry.detail.spec !== null);
    const noSpec = ready.filter((e) => e.entry.detail.spec === null);
    const notes: Child[] = [
      ...failed.map((e) => errorBox(`Could not load ${names.get(e.id)}`, e.entry?.state === 'error' ? e.entry.message : '')),
      noSpec.length ? h('p', { class: 'note' }, `No spec.json in ${noSpec.map((e) => names.get(e.id)).join(', ')}.`) : null,
    ];
    if (withSpec.length < 2) {
      replaceChildren(diffEl, ...notes, emptyState(
        withSpec.length === 1 && state.selected.length === 1 ? 'One run selected' : 'Nothing to compare yet',
        h('p', null, 'Tick a second run to see which fields of their specs differ.')));
      return;
    }
    const rows = specDiff(withSpec.map((e) => e.entry.detail.spec));
    if (rows.length === 0) {
      replaceChildren(diffEl, ...notes, emptyState('Identical specs', h('p', null, 'The selected runs have exactly the same spec.')));
      return;
    }
    const colorOf = (id: string): string => colorFor(state.selected.indexOf(id));
    const table = h('table', { class: 'diff-table' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Field'),
        withSpec.map((e) => h('th', { scope: 'col', title: names.get(e.id) }, h('span', { class: 'swatch', style: `background:${colorOf(e.id)}` }), h('span', { class: 'diff-run' }, names.get(e.id)!))))),
      h('tbody', null, rows.map((r) => {
        const top = r.path.split('.')[0]!;
        const incidental = NON_RESULT_FIELDS.has(top);
        return h('tr', { class: incidental ? 'incidental' : null, 'data-path': r.path, title: incidental ? 'Does not change the results' : null },
          h('th', { scope: 'row' }, h('code', null, r.path)),
          r.values.map((v) => h('td', { class: v === undefined ? 'missing' : null }, h('code', null, formatLeaf(v)))));
      })));
    replaceChildren(diffEl, ...notes, h('div', { class: 'diff-scroll' }, table));
  }

  return () => {
    setLive(null);
    for (const d of disposers) d();
  };
}
