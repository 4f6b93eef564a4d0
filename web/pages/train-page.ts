/**
 * The Train page (#/train): choose a zoo model and a recipe, and train it in this tab on mnist-lab's
 * own engine (WebAssembly SIMD kernels on worker threads), with a live progress bar and curves; stop
 * and continue; then draw with the model (the Draw page picks it up) or download its checkpoint.
 *
 * The page only builds a RunSpec (train-form.ts) and shows what the training session reports
 * (train-controller.ts); the training itself is the library's Trainer, in a worker.
 */
import { listModels } from '../../src/models/zoo.js';
import type { EpochMetrics } from '../../src/train/metrics.js';
import { formatRunSpec, runSpecProblems, type RunSpec } from '../../src/train/run-spec.js';
import type { OptimizerName } from '../../src/train/recipe.js';
import { engineThreading } from '../engine/browser-host.js';
import { drawChart } from '../charts.js';
import { h, icon, ICONS, replaceChildren } from '../dom.js';
import { DASH, duration, pct, pctSign, thousands } from '../format.js';
import { currentRoute, setTitle } from '../shell.js';
import { copyButton, errorBox } from '../ui.js';
import { liveCurvesSpec } from '../train/live-curves.js';
import { DEFAULT_CHOICES, specOf, type ScheduleChoice, type TrainChoices } from '../train/train-form.js';
import { trainController, type TrainState } from '../train/train-controller.js';
import { TAB_MODEL_KEY } from '../train/trained-model-store.js';

/** The choices of the last run in this tab, so the form shows them when the page is opened again. */
let lastChoices: TrainChoices = { ...DEFAULT_CHOICES };

/** Curves are redrawn at most this often while training: a Vega redraw costs milliseconds. */
const CHART_INTERVAL_MS = 700;

const PHASE_TEXT: Record<TrainState['phase'], string> = {
  idle: 'Ready', preparing: 'Preparing', training: 'Training', stopping: 'Stopping', stopped: 'Stopped', finished: 'Finished', failed: 'Failed',
};

type FieldInput = HTMLInputElement | HTMLSelectElement;

function field(label: string, input: FieldInput, hint?: string): HTMLElement {
  return h('label', { class: 'tr-field' }, h('span', { class: 'tr-label' }, label), input, hint ? h('span', { class: 'tr-hint' }, hint) : null);
}

function numberInput(name: string, value: number, o: { min: number; max?: number; step?: number | 'any' }): HTMLInputElement {
  return h('input', {
    class: 'tr-input', type: 'number', name, value: String(value), min: o.min, max: o.max ?? null, step: o.step ?? 1, required: true, inputmode: 'decimal',
  });
}

function select<T extends string>(name: string, value: T, options: readonly (readonly [T, string])[]): HTMLSelectElement {
  return h('select', { class: 'tr-input', name }, ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

function download(content: Uint8Array | string, name: string, type: string): void {
  // A copy over a plain ArrayBuffer: Blob takes no view of shared memory.
  const blob = new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function renderTrainPage(root: HTMLElement): () => void {
  setTitle('Train');
  const c = lastChoices;
  const disposers: (() => void)[] = [];

  // --- the form --------------------------------------------------------------------------------
  const models = listModels();
  const inputs = {
    model: select('model', c.model, models.map((m) => [m.name, m.name] as const)),
    epochs: numberInput('epochs', c.epochs, { min: 1, max: 200 }),
    batchSize: numberInput('batchSize', c.batchSize, { min: 1, max: 4096 }),
    optimizer: select<OptimizerName>('optimizer', c.optimizer, [['sgd', 'SGD'], ['adam', 'Adam'], ['adamw', 'AdamW']]),
    lr: numberInput('lr', c.lr, { min: 0, step: 'any' }),
    momentum: numberInput('momentum', c.momentum, { min: 0, max: 1, step: 'any' }),
    schedule: select<ScheduleChoice>('schedule', c.schedule, [['onecycle', 'OneCycle'], ['cosine', 'Cosine annealing'], ['none', 'Constant lr']]),
    maxLr: numberInput('maxLr', c.maxLr, { min: 0, step: 'any' }),
    rotation: numberInput('rotation', c.rotation, { min: 0, max: 180, step: 'any' }),
    ema: h('input', { class: 'check', type: 'checkbox', name: 'ema', checked: c.ema }),
    emaDecay: numberInput('emaDecay', c.emaDecay, { min: 0, max: 1, step: 'any' }),
    trainImages: numberInput('trainImages', c.trainImages, { min: 1, max: 60_000, step: 1 }),
    testImages: numberInput('testImages', c.testImages, { min: 1, max: 10_000, step: 1 }),
    seed: numberInput('seed', c.seed, { min: 0, step: 1 }),
  };
  const modelHint = h('p', { class: 'tr-model-hint' });
  const formError = h('div', { class: 'tr-form-error' });

  const readChoices = (): TrainChoices => ({
    model: inputs.model.value,
    epochs: inputs.epochs.valueAsNumber,
    batchSize: inputs.batchSize.valueAsNumber,
    optimizer: inputs.optimizer.value as OptimizerName,
    lr: inputs.lr.valueAsNumber,
    momentum: inputs.momentum.valueAsNumber,
    schedule: inputs.schedule.value as ScheduleChoice,
    maxLr: inputs.maxLr.valueAsNumber,
    rotation: inputs.rotation.valueAsNumber,
    ema: inputs.ema.checked,
    emaDecay: inputs.emaDecay.valueAsNumber,
    trainImages: inputs.trainImages.valueAsNumber,
    testImages: inputs.testImages.valueAsNumber,
    seed: inputs.seed.valueAsNumber,
  });

  const syncForm = (): void => {
    const entry = models.find((m) => m.name === inputs.model.value);
    modelHint.textContent = entry?.description ?? '';
    const sgd = inputs.optimizer.value === 'sgd';
    const onecycle = inputs.schedule.value === 'onecycle';
    inputs.momentum.disabled = !sgd || trainController.busy;
    inputs.maxLr.disabled = !onecycle || trainController.busy;
    inputs.emaDecay.disabled = !inputs.ema.checked || trainController.busy;
  };

  const form = h('form', { class: 'tr-form', novalidate: true },
    h('fieldset', { class: 'tr-group' }, h('legend', null, 'Model'), field('Zoo model', inputs.model), modelHint),
    h('fieldset', { class: 'tr-group tr-grid' }, h('legend', null, 'Data'),
      field('Training images', inputs.trainImages, 'the first N of 60,000'),
      field('Test images', inputs.testImages, 'evaluated after each epoch'),
      field('Seed', inputs.seed, 'weights, shuffle, augmentation')),
    h('fieldset', { class: 'tr-group tr-grid' }, h('legend', null, 'Optimization'),
      field('Epochs', inputs.epochs), field('Batch size', inputs.batchSize),
      field('Optimizer', inputs.optimizer), field('Learning rate', inputs.lr),
      field('Momentum', inputs.momentum, 'SGD only'),
      field('Schedule', inputs.schedule), field('Peak lr', inputs.maxLr, 'OneCycle only')),
    h('fieldset', { class: 'tr-group tr-grid' }, h('legend', null, 'Regularization'),
      field('Rotation (±°)', inputs.rotation, '0: no augmentation'),
      h('label', { class: 'tr-field tr-check' }, inputs.ema, h('span', null, 'Average the weights (EMA)')),
      field('EMA decay', inputs.emaDecay)),
    formError);
  // The spec under the curves follows the form until a run starts.
  form.addEventListener('input', () => scheduleRender());
  form.addEventListener('change', () => scheduleRender());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    start();
  });

  // --- the run ---------------------------------------------------------------------------------
  const pill = h('span', { class: 'pill tr-phase' });
  const engineLine = h('p', { class: 'tr-engine' });
  const barFill = h('div', { class: 'tr-bar-fill' });
  const bar = h('div', { class: 'tr-bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Training progress' }, barFill);
  const progressText = h('p', { class: 'tr-progress-text' });
  const stats = h('div', { class: 'tr-stats' });
  const message = h('div', { class: 'tr-message' });
  const trainBtn = h('button', { class: 'btn btn-primary tr-train', type: 'button' }, icon('M7 4l12 8-12 8z'), 'Train');
  const stopBtn = h('button', { class: 'btn tr-stop', type: 'button' }, icon('M7 7h10v10H7z'), 'Stop');
  const continueBtn = h('button', { class: 'btn tr-continue', type: 'button' }, icon('M7 4l12 8-12 8z'), 'Continue');
  const downloadBtn = h('button', { class: 'btn tr-download', type: 'button', title: 'The weights as .safetensors: mnist-lab eval and PyTorch load it' }, icon(ICONS.download), 'Download .safetensors');
  const metaBtn = h('button', { class: 'btn btn-small tr-download-meta', type: 'button', title: 'The checkpoint metadata: save it beside the .safetensors, and mnist-lab train --resume continues the run' }, icon(ICONS.download), '.json');
  const drawLink = h('a', { class: 'btn tr-draw', href: `#/draw?model=${encodeURIComponent(TAB_MODEL_KEY)}` }, icon('M4 20l4-1 11-11-3-3L5 16z'), 'Draw with it');
  const chartEl = h('div', { class: 'chart tr-curves' });
  const epochsBody = h('tbody');
  const specPre = h('pre', { class: 'tr-json tr-spec' });
  const historyPre = h('pre', { class: 'tr-json tr-history' });

  trainBtn.addEventListener('click', () => start());
  stopBtn.addEventListener('click', () => trainController.stop());
  continueBtn.addEventListener('click', () => trainController.continueRun());
  const fileBase = (s: TrainState): string => {
    const meta = s.last!.meta;
    return `${meta.model.name}-seed${meta.spec.seed}-epoch${meta.epoch}`;
  };
  downloadBtn.addEventListener('click', () => {
    const s = trainController.state;
    if (s.last) download(s.last.weights, `${fileBase(s)}.safetensors`, 'application/octet-stream');
  });
  metaBtn.addEventListener('click', () => {
    const s = trainController.state;
    // The same text as a run folder's last.json.
    if (s.last) download(`${JSON.stringify(s.last.meta, null, 1)}\n`, `${fileBase(s)}.json`, 'application/json');
  });

  /** `#/train?threads=N` trains on N threads instead of every core (to compare speeds with Node's at equal threads). */
  const requestedThreads = (): number | null => {
    const n = Number(currentRoute().query.get('threads') ?? '');
    return Number.isInteger(n) && n >= 1 ? n : null;
  };

  function start(): void {
    const choices = readChoices();
    const spec = { ...specOf(choices), threads: requestedThreads() };
    const problems = runSpecProblems(spec);
    if (problems.length > 0 || !models.some((m) => m.name === choices.model)) {
      replaceChildren(formError, errorBox('Check the recipe', problems.length > 0 ? problems.join('\n') : `${choices.model} is not a zoo model`));
      return;
    }
    formError.replaceChildren();
    lastChoices = choices;
    void trainController.train(spec);
  }

  const threading = engineThreading();
  const engineText = (s: TrainState): string => {
    const e = s.engine;
    if (e) return `${e.description}.`;
    const threads = Math.min(requestedThreads() ?? threading.threads, threading.threads);
    return threading.isolated
      ? `Trains on ${threads} thread${threads === 1 ? '' : 's'}: WebAssembly SIMD kernels in a worker of this tab.`
      : 'Trains on 1 thread: this page is not cross-origin isolated, so the kernels cannot share memory between threads (open it from `mnist-lab serve`).';
  };

  let chartTimer: ReturnType<typeof setTimeout> | null = null;
  let chartDrawnAt = 0;
  let chartDispose: (() => void) | null = null;
  let frame = 0;
  const drawCurves = async (): Promise<void> => {
    chartTimer = null;
    chartDrawnAt = performance.now();
    const s = trainController.state;
    if (s.steps.length === 0) {
      chartDispose?.();
      chartDispose = null;
      replaceChildren(chartEl, h('div', { class: 'tr-curves-empty' }, s.phase === 'idle' ? 'The curves appear here once training starts.' : 'Waiting for the first step…'));
      return;
    }
    const epochs = s.spec?.recipe.epochs ?? 1;
    const width = Math.max(420, chartEl.clientWidth || 760);
    try {
      const dispose = await drawChart(chartEl, liveCurvesSpec(s.steps, s.history, epochs, width), { actions: false });
      chartDispose?.();
      chartDispose = dispose;
    } catch (err) {
      replaceChildren(chartEl, errorBox('Could not draw the curves', err instanceof Error ? err.message : String(err)));
    }
  };
  const scheduleCurves = (now: boolean): void => {
    if (chartTimer !== null) {
      if (!now) return;
      clearTimeout(chartTimer);
    }
    const wait = now ? 0 : Math.max(0, CHART_INTERVAL_MS - (performance.now() - chartDrawnAt));
    chartTimer = setTimeout(() => void drawCurves(), wait);
  };

  const render = (): void => {
    frame = 0;
    const s = trainController.state;
    const busy = trainController.busy;
    pill.className = `pill tr-phase tr-phase-${s.phase}`;
    pill.dataset['phase'] = s.phase;
    replaceChildren(pill, h('span', { class: 'pill-dot' }), PHASE_TEXT[s.phase]);
    engineLine.textContent = engineText(s);

    const epochs = s.spec?.recipe.epochs ?? 0;
    const p = s.progress;
    const doneEpochs = s.history.length;
    const fraction = s.phase === 'finished' ? 1 : p && epochs > 0 ? Math.min(1, (p.epoch - 1 + p.batch / p.batches) / epochs) : epochs > 0 ? doneEpochs / epochs : 0;
    barFill.style.width = `${(100 * fraction).toFixed(2)}%`;
    bar.setAttribute('aria-valuenow', String(Math.round(100 * fraction)));
    bar.classList.toggle('tr-bar-live', s.phase === 'training');

    if (s.phase === 'preparing' || (s.phase === 'stopping' && !p)) progressText.textContent = s.message ?? 'Preparing…';
    else if (p) {
      const rate = p.seconds > 0 ? Math.round(p.seen / p.seconds) : 0;
      progressText.textContent = `Epoch ${p.epoch} of ${epochs} · step ${p.batch} of ${p.batches} · train loss ${p.meanLoss.toFixed(4)} · train accuracy ${p.accuracy.toFixed(2)}% · ${thousands(rate)} img/s`;
    } else if (s.phase === 'idle') progressText.textContent = 'Choose a model and a recipe, then Train.';
    else progressText.textContent = '';

    const last = s.history.at(-1);
    const info = s.info;
    replaceChildren(stats,
      stat('Test accuracy', pctSign(last?.testAccuracy), 'tr-stat-test'),
      stat('Train accuracy', pctSign(last?.trainAccuracy)),
      stat('Epochs', epochs > 0 ? `${doneEpochs} / ${epochs}` : DASH),
      stat('Parameters', info ? thousands(info.parameters) : DASH),
      stat('Train · test images', info ? `${thousands(info.train)} · ${thousands(info.test)}` : DASH));

    if (s.phase === 'failed') replaceChildren(message, errorBox('Training stopped with an error', s.message ?? 'unknown error'));
    else if (s.phase === 'stopped') {
      const where = p ? `Stopped in epoch ${p.epoch}, after step ${p.batch} of ${p.batches}` : `Stopped after ${doneEpochs} epoch${doneEpochs === 1 ? '' : 's'}`;
      const from = doneEpochs === 0 ? 'the start of epoch 1' : `the end of epoch ${doneEpochs}`;
      replaceChildren(message, h('div', { class: 'message message-warn' }, icon(ICONS.alert), h('div', null,
        h('strong', null, where),
        h('p', { class: 'message-text' }, `Continue goes on from ${from}, the last checkpoint, exactly as \`mnist-lab train --resume\` would: to the same bits as a run that never stopped.`))));
    } else if (s.phase === 'finished' && s.storedForDraw === false) {
      replaceChildren(message, errorBox('The Draw page cannot get this model', 'The browser refused to store it (storage full or disabled); download it instead.'));
    } else message.replaceChildren();

    trainBtn.disabled = busy;
    stopBtn.disabled = !(s.phase === 'training' || s.phase === 'preparing');
    continueBtn.disabled = s.phase !== 'stopped';
    continueBtn.hidden = s.phase !== 'stopped';
    const hasModel = s.last !== null && s.last.meta.epoch > 0;
    downloadBtn.disabled = !hasModel;
    metaBtn.disabled = !hasModel;
    drawLink.classList.toggle('tr-disabled', !(hasModel && s.storedForDraw === true));
    drawLink.setAttribute('aria-disabled', String(!(hasModel && s.storedForDraw === true)));
    for (const input of Object.values(inputs)) input.disabled = busy;
    syncForm();

    replaceChildren(epochsBody, ...(s.history.length > 0 ? s.history.map((m) => epochRow(m, info?.train ?? null)) : [h('tr', null, h('td', { class: 'tr-empty', colspan: 8 }, 'No finished epoch yet.'))]));
    specPre.textContent = s.spec ? formatRunSpec(s.spec) : formatRunSpec(specOf(readChoices()));
    historyPre.textContent = JSON.stringify(s.history, null, 1);
  };
  const scheduleRender = (): void => {
    if (frame === 0) frame = requestAnimationFrame(render);
  };

  const specOfRun = (): RunSpec => trainController.state.spec ?? specOf(readChoices());
  const runCard = h('section', { class: 'card tr-run' },
    h('div', { class: 'tr-run-head' }, h('h2', { class: 'card-title' }, 'Run'), pill),
    engineLine, bar, progressText, stats, message,
    h('div', { class: 'tr-actions' }, trainBtn, stopBtn, continueBtn, h('span', { class: 'grow' }), drawLink, downloadBtn, metaBtn));
  const curvesCard = h('section', { class: 'card tr-curves-card' }, h('h2', { class: 'card-title' }, 'Loss and accuracy', h('span', { class: 'card-hint' }, 'every step (smoothed) and the test set after each epoch')), chartEl);
  const epochsCard = h('section', { class: 'card table-card tr-epochs-card' },
    h('table', { class: 'tr-epochs' },
      h('thead', null, h('tr', null, ...['epoch', 'lr', 'train loss', 'train acc %', 'test loss', 'test acc %', 'img/s', 'time'].map((t, i) => h('th', { class: i === 0 ? null : 'num' }, t)))),
      epochsBody));
  const detailsCard = h('section', { class: 'card tr-details' },
    h('details', null, h('summary', null, 'spec.json: the same run in Node'),
      h('p', { class: 'tr-hint' }, 'Save this as spec.json, and `mnist-lab train --spec spec.json --out DIR` trains the same run in Node, to the same bits.'),
      h('div', { class: 'tr-json-wrap' }, copyButton(() => formatRunSpec(specOfRun()), 'Copy'), specPre)),
    h('details', null, h('summary', null, 'History (JSON)'),
      h('div', { class: 'tr-json-wrap' }, copyButton(() => historyPre.textContent ?? '', 'Copy'), historyPre)));

  replaceChildren(root, h('div', { class: 'page page-wide tr-page' },
    h('div', { class: 'page-head' }, h('div', null,
      h('h1', null, 'Train in this tab'),
      h('p', { class: 'page-sub' }, 'mnist-lab\'s own engine runs in this page: the same Trainer and kernels as the CLI. The images come from this server\'s bundled MNIST, never from the internet.'))),
    h('div', { class: 'tr-layout' },
      h('section', { class: 'card tr-form-card' }, h('h2', { class: 'card-title' }, 'Recipe'), form),
      h('div', { class: 'tr-main' }, runCard, curvesCard, epochsCard, detailsCard))));

  disposers.push(trainController.subscribe((_state, change) => {
    scheduleRender();
    scheduleCurves(change !== 'batch');
  }));
  render();
  void drawCurves();
  const onResize = (): void => scheduleCurves(true);
  window.addEventListener('resize', onResize);
  disposers.push(() => window.removeEventListener('resize', onResize));

  return () => {
    for (const d of disposers) d();
    if (chartTimer !== null) clearTimeout(chartTimer);
    if (frame !== 0) cancelAnimationFrame(frame);
    chartDispose?.();
    // Training goes on in its worker; the page shows it again when it is opened.
    lastChoices = readChoices();
  };
}

function stat(label: string, value: string, cls?: string): HTMLElement {
  return h('div', { class: `tr-stat${cls ? ` ${cls}` : ''}` }, h('span', { class: 'tr-stat-label' }, label), h('span', { class: 'tr-stat-value' }, value));
}

/** `trainImages`: the images of one epoch, for its speed. */
function epochRow(m: EpochMetrics, trainImages: number | null): HTMLElement {
  return h('tr', null,
    h('td', null, String(m.epoch)),
    h('td', { class: 'num' }, m.lr.toPrecision(3)),
    h('td', { class: 'num' }, m.trainLoss.toFixed(4)),
    h('td', { class: 'num' }, pct(m.trainAccuracy)),
    h('td', { class: 'num' }, m.testLoss === null ? DASH : m.testLoss.toFixed(4)),
    h('td', { class: 'num tr-test-acc' }, m.testAccuracy === null ? DASH : pct(m.testAccuracy)),
    h('td', { class: 'num' }, trainImages !== null && m.trainSeconds > 0 ? thousands(Math.round(trainImages / m.trainSeconds)) : DASH),
    h('td', { class: 'num' }, duration(m.epochSeconds)));
}
