/**
 * What the Draw page shows of a reading: the 28×28 image the model sees (white ink on black, as in
 * MNIST, one canvas pixel per model pixel, enlarged by CSS without smoothing) and the ten
 * probabilities as bars.
 */
import { h } from '../dom.js';

/** A 28×28 canvas; `show` paints values in [0, 1] (null: empty). */
export function inputView(): { element: HTMLCanvasElement; show(pixels: Float32Array | null): void } {
  const element = h('canvas', { class: 'seen-canvas', width: 28, height: 28, role: 'img', 'aria-label': 'The 28×28 image the model reads' });
  const ctx = element.getContext('2d')!;
  const show = (pixels: Float32Array | null): void => {
    const image = ctx.createImageData(28, 28);
    for (let i = 0; i < 28 * 28; i++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, pixels?.[i] ?? 0)));
      image.data[4 * i] = v;
      image.data[4 * i + 1] = v;
      image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  };
  show(null);
  return { element, show };
}

export function percent(p: number): string {
  const v = 100 * p;
  return v >= 99.95 || v < 0.05 ? `${v.toFixed(0)}%` : `${v.toFixed(1)}%`;
}

/** Ten rows (digit, bar, percentage); the most probable one is marked. `show(null)` empties them. */
export function probabilityBars(): { element: HTMLElement; show(probabilities: readonly number[] | null): void } {
  const rows = Array.from({ length: 10 }, (_, d) => {
    const fill = h('span', { class: 'prob-fill' });
    const value = h('span', { class: 'prob-value' }, '–');
    const row = h('li', { class: 'prob-row', 'data-digit': d },
      h('span', { class: 'prob-digit' }, String(d)),
      h('span', { class: 'prob-track' }, fill),
      value);
    return { row, fill, value };
  });
  const element = h('ol', { class: 'prob-bars', 'aria-label': 'Probability of each digit' }, rows.map((r) => r.row));
  const show = (probabilities: readonly number[] | null): void => {
    const best = probabilities === null ? -1 : probabilities.indexOf(Math.max(...probabilities));
    rows.forEach((r, d) => {
      const p = probabilities?.[d] ?? 0;
      r.fill.style.width = `${(100 * p).toFixed(2)}%`;
      r.value.textContent = probabilities === null ? '–' : percent(p);
      r.row.classList.toggle('is-top', d === best);
      r.row.setAttribute('aria-label', probabilities === null ? `${d}` : `${d}: ${percent(p)}`);
    });
  };
  return { element, show };
}
