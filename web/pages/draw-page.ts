/**
 * #/draw: draw a digit and watch a model read it, live, in this tab on mnist-lab's own engine.
 *
 * The drawing is preprocessed by the code of `mnist-lab predict` (src/data/digit-image.ts: crop to
 * the ink, scale to 20 px, centre of mass to the centre) and read by src/models/classify-digit.ts,
 * on the wasm kernels started in the page (web/engine/). The model is any checkpoint the server
 * lists (GET /api/models): the shipped champion by default, or a run's best, named by ?model=.
 *
 * For tests and scripts the reading is also on `.draw-result` as data attributes: data-digit,
 * data-probabilities and data-log-probabilities (JSON), data-input (the 28×28 input, base64 of its
 * float32 bytes) and data-readings (a counter).
 */
import { rgbaToGray, toMnistDigit } from '../../src/data/digit-image.js';
import { classifyDigit, type DigitReading } from '../../src/models/classify-digit.js';
import { modelFromWeights } from '../../src/models/model-from-weights.js';
import type { ModelConfig } from '../../src/train/run-spec.js';
import { TAB_MODEL_KEY, loadTrainedModel } from '../train/trained-model-store.js';
import type { Module } from '../../src/nn/module.js';
import type { DrawableModel, DrawableModelsResponse } from '../../src/server/models-api-types.js';
import { MnistLabError } from '../../src/util/errors.js';
import { ApiRequestError, errorMessage, getJson } from '../api.js';
import { inputView, percent, probabilityBars } from '../draw/digit-view.js';
import { PAD_SIZE, SketchPad } from '../draw/sketch-pad.js';
import { h, icon, replaceChildren } from '../dom.js';
import { pageEngine } from '../engine/page-engine.js';
import type { BrowserEngine } from '../engine/start-engine.js';
import { pctSign, relativeTime, thousands } from '../format.js';
import { currentRoute, replaceQuery, runHref, setTitle } from '../shell.js';
import { errorBox } from '../ui.js';

const ICON_UNDO = 'M9 14L4 9l5-5|M4 9h11a5 5 0 0 1 0 10h-3';
const ICON_CLEAR = 'M4 7h16|M10 11v6|M14 11v6|M6 7l1 13h10l1-13|M9 7V4h6v3';
const ICON_OPEN = 'M4 20h16|M12 16V4|M7 9l5-5 5 5';
const ICON_CHIP = 'M7 7h10v10H7z|M10 3v4|M14 3v4|M10 17v4|M14 17v4|M3 10h4|M3 14h4|M17 10h4|M17 14h4';

/** The model the Train page left in this browser (web/train/trained-model-store.ts), as a picker entry. */
interface TabModel {
  key: typeof TAB_MODEL_KEY;
  source: 'tab';
  name: string;
  model: { name: string; config: ModelConfig };
  parameters: null;
  testAccuracy: number | null;
  weights: Uint8Array;
  updatedAt: string;
}
type PageModel = DrawableModel | TabModel;


interface LoadedModel {
  entry: PageModel;
  net: Module;
}

export function renderDrawPage(root: HTMLElement): () => void {
  setTitle('Draw');
  const abort = new AbortController();
  let engine: BrowserEngine | null = null;
  let models: PageModel[] = [];
  let loaded: LoadedModel | null = null;
  let loadToken = 0;
  let readings = 0;

  // --- the page's parts ----------------------------------------------------------------------
  const pad = new SketchPad({ onChange: () => read() });
  const undoButton = h('button', { class: 'btn pad-btn', type: 'button', title: 'Undo the last stroke (Ctrl+Z)', onclick: () => pad.undo() }, icon(ICON_UNDO), 'Undo');
  const clearButton = h('button', { class: 'btn pad-btn', type: 'button', title: 'Clear the drawing (Delete)', onclick: () => pad.clear() }, icon(ICON_CLEAR), 'Clear');
  const fileInput = h('input', { class: 'offscreen', type: 'file', accept: 'image/*', tabindex: -1, 'aria-label': 'Open a picture of a digit' });
  const openButton = h('button', { class: 'btn pad-btn', type: 'button', title: 'Read a digit from a picture (or drop one on the pad)', onclick: () => fileInput.click() }, icon(ICON_OPEN), 'Open image…');
  const padFrame = h('div', { class: 'pad-frame' }, pad.canvas,
    h('div', { class: 'pad-placeholder', 'aria-hidden': 'true' },
      h('span', { class: 'pad-placeholder-title' }, 'Draw a digit here'),
      h('span', { class: 'pad-placeholder-hint' }, 'with the mouse, a finger or a pen · or drop a picture')));

  const seen = inputView();
  const bars = probabilityBars();
  const verdictDigit = h('span', { class: 'verdict-digit' }, '?');
  const verdictText = h('span', { class: 'verdict-text' }, 'Draw a digit');
  const verdictSub = h('span', { class: 'verdict-sub' }, 'The model reads it as you draw.');
  const timing = h('span', { class: 'draw-timing' });
  const result = h('section', { class: 'card draw-result', 'data-state': 'loading', 'aria-live': 'polite' },
    h('div', { class: 'verdict' },
      verdictDigit,
      h('div', { class: 'verdict-words' }, verdictText, verdictSub),
      h('figure', { class: 'seen', title: 'The 28 × 28 image the model reads: your drawing cropped to the ink, scaled to 20 px and centred by its mass, white on black, as MNIST was made' },
        h('div', { class: 'seen-box' }, seen.element),
        h('figcaption', { class: 'seen-caption' }, 'model’s view'))),
    bars.element,
    h('div', { class: 'result-foot' }, timing));
  const preprocessing = h('p', { class: 'about-text' },
    'Cropped to the ink, scaled to 20 px, centre of mass moved to the centre of 28 × 28, white on black: as MNIST was made, by the code of ', h('code', null, 'mnist-lab predict'), '.');

  const picker = h('select', { class: 'model-select', id: 'draw-model', disabled: true, 'aria-label': 'Model' }, h('option', null, 'Loading the models…'));
  const modelFacts = h('p', { class: 'model-facts' }, 'Loading…');
  const engineLine = h('p', { class: 'engine-line', 'data-state': 'starting' }, h('span', { class: 'engine-dot' }), h('span', { class: 'engine-text' }, 'Starting the engine…'));
  const aboutCard = h('section', { class: 'card about-card' },
    h('div', { class: 'about-item' }, h('h2', { class: 'about-label' }, 'Model'), modelFacts),
    h('div', { class: 'about-item' }, h('h2', { class: 'about-label' }, 'What it sees'), preprocessing),
    h('div', { class: 'about-item' }, h('h2', { class: 'about-label' }, 'Engine'), engineLine));
  const banner = h('div', { class: 'banners' });

  replaceChildren(root, h('div', { class: 'page page-draw' },
    h('div', { class: 'page-head draw-head' },
      h('div', null,
        h('h1', null, 'Draw a digit'),
        h('p', { class: 'page-sub' }, 'A small network reads it as you draw, in this tab, on mnist-lab’s own WebAssembly engine.')),
      h('div', { class: 'model-pick' }, h('label', { class: 'model-label', for: 'draw-model' }, 'Model'), picker)),
    banner,
    h('div', { class: 'draw-grid' },
      h('section', { class: 'card pad-card' },
        padFrame,
        h('div', { class: 'pad-tools' }, undoButton, clearButton, openButton, fileInput, h('span', { class: 'pad-hint' }, h('kbd', null, 'Ctrl'), '+', h('kbd', null, 'Z'), ' undoes'))),
      h('div', { class: 'draw-side' }, result, aboutCard))));

  // --- events --------------------------------------------------------------------------------
  const signal = abort.signal;
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) void openPicture(file);
  }, { signal });
  padFrame.addEventListener('dragover', (e) => {
    e.preventDefault();
    padFrame.classList.add('is-drop');
  }, { signal });
  padFrame.addEventListener('dragleave', () => padFrame.classList.remove('is-drop'), { signal });
  padFrame.addEventListener('drop', (e) => {
    e.preventDefault();
    padFrame.classList.remove('is-drop');
    const file = [...(e.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (file) void openPicture(file);
  }, { signal });
  window.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement | null;
    if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      pad.undo();
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && !e.ctrlKey && !e.metaKey)) {
      e.preventDefault();
      pad.clear();
    }
  }, { signal });
  picker.addEventListener('change', () => {
    const query = currentRoute().query;
    query.set('model', picker.value);
    replaceQuery(query);
    void loadModel(picker.value);
  }, { signal });

  async function openPicture(file: Blob): Promise<void> {
    try {
      await pad.open(file);
    } catch {
      showProblem('Could not open that picture', 'The browser cannot decode it as an image; try a PNG or a JPEG.');
    }
  }

  // --- the engine and the models -------------------------------------------------------------
  Promise.all([pageEngine(), getJson<DrawableModelsResponse>('/api/models', signal)]).then(
    ([e, list]) => {
      if (signal.aborted) return;
      engine = e;
      showEngine(e);
      const trained = loadTrainedModel();
      const tab: TabModel | null = trained && {
        key: TAB_MODEL_KEY, source: 'tab', name: trained.label, model: { name: trained.modelName, config: trained.config },
        parameters: null, testAccuracy: trained.testAccuracy, weights: trained.weights, updatedAt: trained.savedAt,
      };
      models = tab ? [...list.models, tab] : list.models;
      fillPicker(list, tab);
      const wanted = currentRoute().query.get('model');
      const key = wanted !== null && models.some((m) => m.key === wanted) ? wanted : list.defaultKey;
      if (wanted !== null && key !== wanted) showProblem('That model is not available', `The server lists no checkpoint '${wanted}'; showing ${key === null ? 'nothing' : labelOf(key)} instead.`, 'notice');
      if (key === null) {
        setState('no-model');
        verdictText.textContent = 'No model to read with';
        verdictSub.textContent = 'The server lists no checkpoint: train a run (mnist-lab train), or reinstall mnist-lab to get its shipped model.';
        return;
      }
      picker.value = key;
      void loadModel(key);
    },
    (err: unknown) => {
      if (signal.aborted) return;
      setState('error');
      const isEngine = !(err instanceof ApiRequestError);
      if (isEngine) {
        engineLine.dataset['state'] = 'error';
        engineLine.querySelector('.engine-text')!.textContent = 'The engine did not start';
      }
      showProblem(isEngine ? 'The engine could not start in this tab' : 'Could not list the models', errorMessage(err));
    },
  );

  function fillPicker(list: DrawableModelsResponse, tab: TabModel | null): void {
    const shipped = list.models.filter((m) => m.source === 'pretrained');
    const runs = list.models.filter((m) => m.source === 'run');
    const option = (m: PageModel): HTMLOptionElement => h('option', { value: m.key }, optionText(m));
    replaceChildren(picker,
      shipped.length ? h('optgroup', { label: 'Shipped with mnist-lab' }, shipped.map(option)) : null,
      tab ? h('optgroup', { label: 'Trained in this browser' }, option(tab)) : null,
      runs.length ? h('optgroup', { label: 'Your runs (best checkpoint)' }, runs.map(option)) : null);
    picker.disabled = models.length === 0;
  }

  function labelOf(key: string): string {
    const m = models.find((x) => x.key === key);
    return m ? optionText(m) : key;
  }

  async function loadModel(key: string): Promise<void> {
    const entry = models.find((m) => m.key === key);
    if (!entry || engine === null) return;
    const token = ++loadToken;
    setState('loading');
    verdictText.textContent = 'Loading the model…';
    verdictSub.textContent = `${entry.model.name}, ${entry.source === 'pretrained' ? 'shipped with mnist-lab' : entry.name}`;
    clearProblem();
    try {
      if (entry.source === 'tab') {
        loaded = { entry, net: modelFromWeights(entry.weights, entry.model, 'the model trained in this browser') };
        showFacts(entry);
        read();
        return;
      }
      const res = await fetch(entry.weightsUrl, { signal });
      if (!res.ok) {
        let reason = `HTTP ${res.status}`;
        try {
          reason = (JSON.parse(await res.text()) as { error?: string }).error ?? reason;
        } catch {
          // Not the API's JSON: the status says enough.
        }
        throw new ApiRequestError(`${entry.weightsUrl}: ${reason}`, res.status);
      }
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (token !== loadToken) return;
      const net = modelFromWeights(bytes, entry.model, entry.source === 'pretrained' ? `the shipped ${entry.name}` : `${entry.name}/best.safetensors`);
      loaded = { entry, net };
      showFacts(entry);
      read();
    } catch (err) {
      if (signal.aborted || token !== loadToken) return;
      loaded = null;
      setState('error');
      verdictDigit.textContent = '!';
      verdictText.textContent = 'This model cannot be loaded';
      verdictSub.textContent = 'Pick another one above.';
      showProblem('Could not load the model', err instanceof MnistLabError || err instanceof ApiRequestError ? err.message : errorMessage(err));
    }
  }

  // --- reading the drawing -------------------------------------------------------------------
  function read(): void {
    updateTools();
    if (loaded === null) return;
    const t0 = performance.now();
    let input: Float32Array;
    try {
      const image = pad.pixels();
      input = toMnistDigit(rgbaToGray(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), PAD_SIZE, PAD_SIZE), 'the drawing');
    } catch (err) {
      if (!(err instanceof MnistLabError)) throw err;
      // A blank pad: nothing to read yet.
      showReading(null, null);
      return;
    }
    const t1 = performance.now();
    const reading = classifyDigit(loaded.net, input);
    const t2 = performance.now();
    showReading(input, reading);
    timing.textContent = `preprocessing ${ms(t1 - t0)} · model ${ms(t2 - t1)}`;
  }

  function showReading(input: Float32Array | null, reading: DigitReading | null): void {
    seen.show(input);
    bars.show(reading?.probabilities ?? null);
    readings++;
    result.dataset['readings'] = String(readings);
    if (reading === null || input === null) {
      setState('empty');
      verdictDigit.textContent = '?';
      verdictText.textContent = 'Draw a digit';
      verdictSub.textContent = 'The model reads it as you draw.';
      timing.textContent = '';
      for (const key of ['digit', 'probabilities', 'logProbabilities', 'input']) delete result.dataset[key];
      return;
    }
    const p = reading.probabilities[reading.digit]!;
    const second = reading.probabilities.map((v, d) => [v, d] as const).filter(([, d]) => d !== reading.digit).sort((a, b) => b[0] - a[0])[0]!;
    setState('ready');
    verdictDigit.textContent = String(reading.digit);
    verdictText.textContent = `It reads ${reading.digit}`;
    verdictSub.textContent = p >= 0.995 ? `${percent(p)} sure` : `${percent(p)} sure; next, ${second[1]} at ${percent(second[0])}`;
    result.dataset['digit'] = String(reading.digit);
    result.dataset['probabilities'] = JSON.stringify(reading.probabilities);
    result.dataset['logProbabilities'] = JSON.stringify(Array.from(reading.logProbabilities));
    result.dataset['input'] = base64(input);
  }

  function setState(state: 'loading' | 'empty' | 'ready' | 'error' | 'no-model'): void {
    result.dataset['state'] = state;
    padFrame.dataset['state'] = state;
  }

  function updateTools(): void {
    undoButton.disabled = !pad.canUndo;
    clearButton.disabled = pad.isEmpty;
    padFrame.classList.toggle('is-empty', pad.isEmpty);
  }

  // --- what runs where -----------------------------------------------------------------------
  function showEngine(e: BrowserEngine): void {
    engineLine.dataset['state'] = e.threading.isolated ? 'isolated' : 'single';
    engineLine.dataset['threads'] = String(e.threads);
    replaceChildren(engineLine, icon(ICON_CHIP), h('span', { class: 'engine-text' }, e.threading.description));
    if (!e.threading.isolated) {
      banner.append(h('div', { class: 'message message-warn engine-warning', role: 'status' },
        icon('M12 3l9 16H3z|M12 10v4|M12 17h.01'),
        h('div', null,
          h('strong', null, 'Running on one thread: this page is not cross-origin isolated.'),
          h('p', { class: 'message-text' }, 'Without isolation the browser allows no memory shared between threads, so the kernels run on this tab’s main thread alone. Open the page from ', h('code', null, 'mnist-lab serve'), ', which sends the COOP and COEP headers, to use every core.'))));
    }
  }

  function showFacts(m: PageModel): void {
    const acc = m.testAccuracy !== null ? `${pctSign(m.testAccuracy)} on the MNIST test set` : null;
    const params = m.parameters !== null ? `${thousands(m.parameters)} parameters` : null;
    replaceChildren(modelFacts,
      h('strong', null, m.model.name),
      params ? [' · ', params] : null,
      h('br'),
      acc ? [acc, ' · '] : null,
      m.source === 'pretrained'
        ? h('span', { title: `pretrained/${m.name}/PROVENANCE.md in the package says how it was trained` }, 'shipped with mnist-lab')
        : m.source === 'tab'
          ? h('span', null, 'trained in this browser on the ', h('a', { href: '#/train' }, 'Train page'), `, ${relativeTime(m.updatedAt)}`)
          : h('span', null, 'best checkpoint of ', h('a', { href: runHref(m.runId!) }, m.name), m.updatedAt ? `, updated ${relativeTime(m.updatedAt)}` : null));
  }

  /** `kind` 'load': about the model being loaded, replaced by the next load; 'notice': stays. */
  function showProblem(title: string, message: string, kind: 'load' | 'notice' = 'load'): void {
    if (kind === 'load') clearProblem();
    const box = errorBox(title, message);
    box.classList.add('draw-problem', `draw-problem-${kind}`);
    banner.append(box);
  }

  function clearProblem(): void {
    banner.querySelector('.draw-problem-load')?.remove();
  }

  updateTools();
  return () => {
    abort.abort();
    loadToken++;
    pad.dispose();
  };
}

function optionText(m: PageModel): string {
  const acc = m.testAccuracy !== null ? ` · ${pctSign(m.testAccuracy)}` : '';
  if (m.source === 'tab') return `${m.name}${acc}`;
  return m.source === 'pretrained' ? `${m.name} champion${acc}` : `${m.name} · ${m.model.name}${acc}${m.status === 'running' ? ' · training' : ''}`;
}

function ms(v: number): string {
  return v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`;
}

/** The input's float32 bytes as base64: exact, and compact enough for an attribute. */
function base64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}
