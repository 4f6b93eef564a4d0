/**
 * Turns an arbitrary picture of one digit into an MNIST-style 28x28 image: grayscale, white digit
 * on black (inverted when the background is light), cropped to the ink, scaled so the longer side
 * is 20 px, and placed so its centre of mass sits at the centre, which is how MNIST was made.
 * A picture that is already 28x28 is taken as it is (only inverted if needed). A picture with no
 * contrast (one colour all over) holds no digit and is refused with a MnistLabError.
 */
import { MnistLabError } from '../util/errors.js';

export interface GrayImage {
  width: number;
  height: number;
  /** width*height values in [0, 1]. */
  pixels: Float32Array;
}

/**
 * The least difference between the background and the strongest ink (on a 0-1 scale, about 13 of
 * 255 grey levels) that still counts as a digit; below it the picture is taken as blank.
 */
export const MIN_INK_CONTRAST = 0.05;

/** RGBA bytes (as PNG decoders give them) to gray in [0, 1], compositing transparency onto white. */
export function rgbaToGray(rgba: Uint8Array, width: number, height: number): GrayImage {
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const a = rgba[4 * i + 3]! / 255;
    const lum = (0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!) / 255;
    pixels[i] = lum * a + (1 - a);
  }
  return { width, height, pixels };
}

/** The median of the outermost rows and columns: what a picture of one digit shows around it is background. */
function borderMedian({ width, height, pixels }: GrayImage): number {
  const border: number[] = [];
  for (let x = 0; x < width; x++) {
    border.push(pixels[x]!);
    if (height > 1) border.push(pixels[(height - 1) * width + x]!);
  }
  for (let y = 1; y < height - 1; y++) {
    border.push(pixels[y * width]!);
    if (width > 1) border.push(pixels[y * width + width - 1]!);
  }
  border.sort((a, b) => a - b);
  return border[border.length >> 1]!;
}

function blank(nameForErrors: string): MnistLabError {
  return new MnistLabError(
    `${nameForErrors}: the image is blank (all one colour, no contrast), so there is no digit to read; give a picture of one digit`,
  );
}

function sample(img: GrayImage, x: number, y: number): number {
  // Bilinear, with zero (background) outside.
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number): number => (xx < 0 || yy < 0 || xx >= img.width || yy >= img.height ? 0 : img.pixels[yy * img.width + xx]!);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** `nameForErrors` (e.g. "--image digit.png") starts the message when the picture is blank. */
export function toMnistDigit(input: GrayImage, nameForErrors = 'the image'): Float32Array {
  const { width, height } = input;
  // Light background: dark ink on paper, the opposite of MNIST.
  const lightBackground = borderMedian(input) > 0.5;
  const inverted = lightBackground ? input.pixels.map((v) => 1 - v) : Float32Array.from(input.pixels);
  const background = borderMedian({ width, height, pixels: inverted });
  let peak = 0;
  let low = 1;
  for (const v of inverted) {
    peak = Math.max(peak, v);
    low = Math.min(low, v);
  }
  if (width === 28 && height === 28) {
    if (peak - low < MIN_INK_CONTRAST) throw blank(nameForErrors);
    return inverted;
  }
  if (peak - background < MIN_INK_CONTRAST) throw blank(nameForErrors);
  // Stretch so the background is 0 and the strongest ink 1, as in MNIST, whatever the lighting.
  const ink = inverted.map((v) => Math.max(0, (v - background) / (peak - background)));
  const img: GrayImage = { width, height, pixels: ink };

  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > 0.1) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) throw blank(nameForErrors);
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const scale = 20 / Math.max(boxW, boxH);
  const outW = Math.max(1, Math.round(boxW * scale));
  const outH = Math.max(1, Math.round(boxH * scale));
  // Area-ish resampling: average a few bilinear samples per target pixel, so large images do not alias.
  const small = new Float32Array(outW * outH);
  const taps = Math.max(1, Math.ceil(1 / scale));
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let s = 0;
      for (let ty = 0; ty < taps; ty++) {
        for (let tx = 0; tx < taps; tx++) {
          s += sample(img, x0 + (x + (tx + 0.5) / taps) / scale - 0.5, y0 + (y + (ty + 0.5) / taps) / scale - 0.5);
        }
      }
      small[y * outW + x] = Math.min(1, s / (taps * taps));
    }
  }
  let mass = 0, cx = 0, cy = 0;
  for (let y = 0; y < outH; y++) for (let x = 0; x < outW; x++) {
    const v = small[y * outW + x]!;
    mass += v; cx += v * x; cy += v * y;
  }
  const offX = Math.round(14 - (mass ? cx / mass : outW / 2) - 0.5);
  const offY = Math.round(14 - (mass ? cy / mass : outH / 2) - 0.5);
  const out = new Float32Array(28 * 28);
  for (let y = 0; y < outH; y++) for (let x = 0; x < outW; x++) {
    const tx = x + offX, ty = y + offY;
    if (tx >= 0 && ty >= 0 && tx < 28 && ty < 28) out[ty * 28 + tx] = small[y * outW + x]!;
  }
  return out;
}
