/**
 * The Draw page's canvas: strokes from a mouse, a finger or a pen (pointer events), undo, clear, and
 * a picture opened from a file or dropped on it. The canvas's own pixels are what the model reads,
 * so the paper is painted into them (light paper and dark ink, or the reverse in dark mode; the
 * preprocessing takes either, as `mnist-lab predict` does). The bitmap has a fixed size whatever the
 * screen's pixel ratio, so one drawing reads the same on every screen.
 *
 * The layers (strokes and pictures) live in the module, not the page, so a drawing survives a visit
 * to another page and a switch between light and dark mode, which redraws the page.
 */

/** Bitmap side in pixels: 20 × MNIST's 28, so a 28×28 picture fills it at a whole scale. */
export const PAD_SIZE = 560;
/** Pen width in bitmap pixels: about MNIST's stroke (2-3 px of a 20 px digit) for a digit as tall as half the pad. */
export const STROKE_WIDTH = 36;

type Point = readonly [number, number];

type Layer =
  | { readonly kind: 'stroke'; readonly points: Point[] }
  | { readonly kind: 'picture'; readonly bitmap: CanvasImageSource; readonly width: number; readonly height: number; readonly background: string; readonly dark: boolean };

const layers: Layer[] = [];

interface Colours {
  paper: string;
  ink: string;
}

function themeColours(): Colours {
  return window.matchMedia('(prefers-color-scheme: dark)').matches
    ? { paper: '#0b0f15', ink: '#f3f6fa' }
    : { paper: '#ffffff', ink: '#10151d' };
}

export interface SketchPadOptions {
  /** Called at most once a frame while the drawing changes, and once after each change ends. */
  onChange: () => void;
}

export class SketchPad {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private drawing: { pointerId: number; stroke: Point[] } | null = null;
  private frame = 0;
  private readonly abort = new AbortController();

  constructor(private readonly options: SketchPadOptions) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = PAD_SIZE;
    this.canvas.height = PAD_SIZE;
    this.canvas.className = 'pad-canvas';
    this.canvas.setAttribute('aria-label', 'Drawing area: draw one digit with the mouse, a finger or a pen');
    this.canvas.setAttribute('role', 'img');
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser gives no 2D canvas');
    this.ctx = ctx;
    const signal = this.abort.signal;
    this.canvas.addEventListener('pointerdown', (e) => this.down(e), { signal });
    this.canvas.addEventListener('pointermove', (e) => this.move(e), { signal });
    this.canvas.addEventListener('pointerup', (e) => this.up(e), { signal });
    this.canvas.addEventListener('pointercancel', (e) => this.up(e), { signal });
    this.canvas.addEventListener('lostpointercapture', (e) => this.up(e), { signal });
    this.render();
  }

  get isEmpty(): boolean {
    return layers.length === 0 && this.drawing === null;
  }

  get canUndo(): boolean {
    return layers.length > 0;
  }

  /** The bitmap's pixels, RGBA, PAD_SIZE × PAD_SIZE. */
  pixels(): ImageData {
    return this.ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE);
  }

  undo(): void {
    if (this.drawing !== null) this.drawing = null;
    else layers.pop();
    this.changed(true);
  }

  clear(): void {
    this.drawing = null;
    layers.length = 0;
    this.changed(true);
  }

  /**
   * A picture of a digit (a PNG of MNIST's white on black, a photo of ink on paper) replaces the
   * drawing, scaled to fit; the margin takes the picture's corner colour, so it stays background.
   */
  async open(picture: Blob): Promise<void> {
    const bitmap = await createImageBitmap(picture);
    const probe = document.createElement('canvas');
    probe.width = 1;
    probe.height = 1;
    const pctx = probe.getContext('2d', { willReadFrequently: true })!;
    pctx.drawImage(bitmap, 0, 0, 1, 1, 0, 0, 1, 1);
    const [r, g, b] = pctx.getImageData(0, 0, 1, 1).data;
    const background = `rgb(${r}, ${g}, ${b})`;
    const dark = 0.299 * r! + 0.587 * g! + 0.114 * b! < 128;
    this.drawing = null;
    layers.length = 0;
    layers.push({ kind: 'picture', bitmap, width: bitmap.width, height: bitmap.height, background, dark });
    this.changed(true);
  }

  dispose(): void {
    this.abort.abort();
    cancelAnimationFrame(this.frame);
  }

  /** Draws every layer again (after a change of the colour scheme, say). */
  render(): void {
    const { ctx } = this;
    const colours = themeColours();
    const picture = layers.find((l): l is Extract<Layer, { kind: 'picture' }> => l.kind === 'picture');
    ctx.save();
    ctx.fillStyle = picture?.background ?? colours.paper;
    ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
    // Strokes over a picture take the colour that stands out on it.
    const ink = picture === undefined ? colours.ink : picture.dark ? '#ffffff' : '#000000';
    for (const layer of layers) {
      if (layer.kind === 'picture') drawPicture(ctx, layer);
      else drawStroke(ctx, layer.points, ink);
    }
    if (this.drawing) drawStroke(ctx, this.drawing.stroke, ink);
    ctx.restore();
  }

  private point(e: PointerEvent): Point {
    const box = this.canvas.getBoundingClientRect();
    return [((e.clientX - box.left) / box.width) * PAD_SIZE, ((e.clientY - box.top) / box.height) * PAD_SIZE];
  }

  private down(e: PointerEvent): void {
    // One stroke at a time: a second finger does not draw; only the main mouse button does.
    if (this.drawing !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.drawing = { pointerId: e.pointerId, stroke: [this.point(e)] };
    this.changed(false);
  }

  private move(e: PointerEvent): void {
    if (this.drawing?.pointerId !== e.pointerId) return;
    e.preventDefault();
    // Coalesced events: the points the browser merged into this one event, for smooth fast strokes.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const c of events.length ? events : [e]) this.drawing.stroke.push(this.point(c));
    this.changed(false);
  }

  private up(e: PointerEvent): void {
    if (this.drawing?.pointerId !== e.pointerId) return;
    layers.push({ kind: 'stroke', points: this.drawing.stroke });
    this.drawing = null;
    this.changed(true);
  }

  /** Redraws at the next frame; `now`: also tell the page at once (a stroke ended, an undo). */
  private changed(now: boolean): void {
    if (now) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.render();
      this.options.onChange();
      return;
    }
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
      this.options.onChange();
    });
  }
}

function drawPicture(ctx: CanvasRenderingContext2D, p: Extract<Layer, { kind: 'picture' }>): void {
  const scale = Math.min(PAD_SIZE / p.width, PAD_SIZE / p.height);
  const w = p.width * scale;
  const h = p.height * scale;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(p.bitmap, (PAD_SIZE - w) / 2, (PAD_SIZE - h) / 2, w, h);
}

/** A stroke through the midpoints of its points (quadratic curves), with round ends; a tap is a dot. */
function drawStroke(ctx: CanvasRenderingContext2D, points: readonly Point[], ink: string): void {
  if (points.length === 0) return;
  ctx.strokeStyle = ink;
  ctx.fillStyle = ink;
  ctx.lineWidth = STROKE_WIDTH;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const [x0, y0] = points[0]!;
  if (points.length === 1) {
    ctx.beginPath();
    ctx.arc(x0, y0, STROKE_WIDTH / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  for (let i = 1; i < points.length - 1; i++) {
    const [x, y] = points[i]!;
    const [nx, ny] = points[i + 1]!;
    ctx.quadraticCurveTo(x, y, (x + nx) / 2, (y + ny) / 2);
  }
  const [lx, ly] = points[points.length - 1]!;
  ctx.lineTo(lx, ly);
  ctx.stroke();
}
