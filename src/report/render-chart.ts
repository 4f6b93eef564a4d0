/**
 * Turns a Vega-Lite spec into files: vega-lite compiles it to a Vega spec, vega's headless View
 * (renderer 'none', no canvas, no DOM) lays it out and writes the SVG, and resvg rasterises that
 * SVG to PNG. No chart geometry is computed here.
 *
 * Fonts. The SVG names its font ("DejaVu Sans", then generic fallbacks) and any SVG viewer uses its
 * own fonts, so the SVG is always complete. resvg needs a font file to draw text into the PNG: it
 * loads the system fonts, and the Debian images we run on have DejaVu (fonts-dejavu-core, which
 * fontconfig depends on). On a machine with no font at all the PNG still renders, with every mark
 * in place but without its text; `fontStatus()` detects that so the report can say so, and the fix
 * is to install any TrueType font (e.g. `apt-get install fonts-dejavu-core`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { ViewOptions } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../util/atomic-write.js';

export type { TopLevelSpec };

/** The font list written into every chart; the first entry is the one the Debian image has. */
export const CHART_FONT = 'DejaVu Sans, Verdana, Helvetica, Arial, sans-serif';
const PREFERRED_FONT = 'DejaVu Sans';

/** PNGs are drawn at twice the SVG's size, so they stay sharp on high-density screens. */
const PNG_ZOOM = 2;

const FONT_DIRS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  join(homedir(), '.fonts'),
  join(homedir(), '.local/share/fonts'),
  '/System/Library/Fonts',
  '/Library/Fonts',
  'C:\\Windows\\Fonts',
];
const FONT_FILE = /\.(ttf|otf|ttc|otc)$/i;

export interface FontStatus {
  /** Whether a font file was found, so PNG text will render. */
  available: boolean;
  /** The first font file found (for the report's environment section), or null. */
  example: string | null;
}

let cachedFontStatus: FontStatus | null = null;

/** Looks for any font file in the usual places (stopping at the first), once per process. */
export function fontStatus(): FontStatus {
  if (cachedFontStatus !== null) return cachedFontStatus;
  const preferred = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
  let example: string | null = existsSync(preferred) ? preferred : null;
  for (const dir of FONT_DIRS) {
    if (example !== null) break;
    example = findFontFile(dir, 4);
  }
  cachedFontStatus = { available: example !== null, example };
  return cachedFontStatus;
}

function findFontFile(dir: string, depth: number): string | null {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return null;
  }
  for (const name of names) if (FONT_FILE.test(name)) return join(dir, name);
  if (depth === 0) return null;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!statSync(path).isDirectory()) continue;
    } catch {
      continue;
    }
    const found = findFontFile(path, depth - 1);
    if (found !== null) return found;
  }
  return null;
}

type Logger = NonNullable<ViewOptions['logger']>;

/** A vega/vega-lite logger that records warnings and errors instead of printing them. */
function collectingLogger(sink: string[]): Logger {
  let level = 2; // vega's Warn
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error: (...args: readonly unknown[]) => (sink.push(`error: ${args.map(String).join(' ')}`), logger),
    warn: (...args: readonly unknown[]) => (sink.push(`warning: ${args.map(String).join(' ')}`), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger as Logger;
}

export interface RenderedSvg {
  svg: string;
  /** What vega-lite and vega warned about while compiling and laying out (empty for a clean spec). */
  warnings: string[];
}

/** The chart as SVG text. */
export async function chartSvg(spec: TopLevelSpec): Promise<RenderedSvg> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  // Loaded on first use: vega and vega-lite add about 35 MB to a process, and most commands (train) never draw.
  const [{ View, parse }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec, { logger }).spec), { renderer: 'none', logger, logLevel: 2 });
  try {
    return { svg: await view.toSVG(), warnings };
  } finally {
    view.finalize();
  }
}

/** An SVG rasterised to PNG bytes on a white background. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: PNG_ZOOM },
    font: { loadSystemFonts: true, defaultFontFamily: PREFERRED_FONT, sansSerifFamily: PREFERRED_FONT },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

export interface ChartFiles {
  svg: string;
  png: string;
  warnings: string[];
}

/** Writes `<basePath>.svg` and `<basePath>.png`, each atomically. */
export async function writeChart(spec: TopLevelSpec, basePath: string): Promise<ChartFiles> {
  const { svg, warnings } = await chartSvg(spec);
  const files = { svg: `${basePath}.svg`, png: `${basePath}.png`, warnings };
  await writeFileAtomic(files.svg, svg);
  await writeFileAtomic(files.png, svgToPng(svg));
  return files;
}
