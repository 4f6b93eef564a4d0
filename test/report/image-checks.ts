/** Checks on written images for the report tests: SVG well-formedness and PNG decoding. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const NAME = '[A-Za-z_][\\w:.-]*';
const ATTRIBUTE = `\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*')`;
const TAG = new RegExp(`^<(/?)(${NAME})((?:${ATTRIBUTE})*)\\s*(/?)>`);
const ENTITY = /^&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);/;

/**
 * A small XML well-formedness check (no XML parser ships with Node): tags nest and close, attributes
 * are quoted, text has no stray '<' or bare '&', and there is exactly one root element. Returns the
 * root element's name.
 */
export function xmlRoot(text: string): string {
  const stack: string[] = [];
  let root: string | null = null;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '<') {
      const rest = text.slice(i, i + 100000);
      const skip = /^(<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>)/.exec(rest);
      if (skip) {
        i += skip[1]!.length;
        continue;
      }
      const m = TAG.exec(rest);
      assert.ok(m, `malformed tag at ${i}: ${JSON.stringify(rest.slice(0, 60))}`);
      const [whole, closing, name, , selfClosing] = m;
      if (closing) {
        assert.equal(stack.pop(), name, `</${name}> at ${i} closes the wrong element`);
      } else {
        if (stack.length === 0) {
          assert.equal(root, null, `a second root element <${name}> at ${i}`);
          root = name!;
        }
        if (!selfClosing) stack.push(name!);
      }
      i += whole.length;
    } else if (ch === '&') {
      assert.ok(ENTITY.test(text.slice(i, i + 12)), `bare '&' at ${i}`);
      i++;
    } else if (ch === '>') {
      // Legal in text, but vega never writes it there; a stray one means a broken tag.
      assert.fail(`stray '>' at ${i}`);
    } else {
      if (stack.length === 0) assert.match(ch, /\s/, `text outside the root element at ${i}`);
      i++;
    }
  }
  assert.equal(stack.length, 0, `unclosed elements: ${stack.join(', ')}`);
  assert.ok(root !== null, 'no root element');
  return root;
}

/** The file is a well-formed SVG document that resvg can parse too. */
export function assertSvg(path: string): void {
  const text = readFileSync(path, 'utf8');
  assert.equal(xmlRoot(text), 'svg', `${path}: the root element is not <svg>`);
  assert.match(text, /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/, `${path}: does not start with <svg`);
  assert.doesNotThrow(() => new Resvg(text, { font: { loadSystemFonts: false } }), `${path}: resvg cannot parse it`);
}

/** The file has the PNG signature and decodes to at least minSize x minSize pixels. */
export function assertPng(path: string, minSize = 100): PNG {
  const bytes = readFileSync(path);
  assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE, `${path}: no PNG signature`);
  const png = PNG.sync.read(bytes);
  assert.ok(png.width >= minSize && png.height >= minSize, `${path}: only ${png.width}x${png.height}`);
  // Not blank: some pixel differs from the first one.
  const d = png.data;
  let varied = false;
  for (let o = 4; o < d.length && !varied; o += 4) varied = d[o] !== d[0] || d[o + 1] !== d[1] || d[o + 2] !== d[2];
  assert.ok(varied, `${path}: every pixel has the same colour`);
  return png;
}

/** Every file under dir, recursively. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
