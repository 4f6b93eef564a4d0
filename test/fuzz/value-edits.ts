/**
 * Structural mutations of a valid value (a parsed spec, checkpoint or experiment): replace, delete
 * or add a field anywhere in the tree, with values chosen to break parsers: wrong types, numbers at
 * the edges (-0, 2^53+1, 1e400 written as JSON), NaN and Infinity, huge strings, deep nesting,
 * objects whose keys are `toString`, `valueOf` or `__proto__`, and (for in-memory values) what
 * JSON cannot hold: undefined, bigints, functions, Maps, cycles.
 */
import fc from 'fast-check';

/** JSON text to splice in as is, for what a JSON value cannot express (1e400, -0, 20 000 nested brackets). */
export class RawJson {
  constructor(readonly text: string) {
    Object.freeze(this);
  }

  [fc.toStringMethod](): string {
    return `RawJson(${this.text.length > 60 ? `${this.text.slice(0, 60)}... (${this.text.length} characters)` : this.text})`;
  }
}

export interface Edit {
  /** Which child to descend into at each level (modulo the number of children). */
  readonly path: readonly number[];
  readonly op: 'replace' | 'delete' | 'add';
  readonly key: string;
  readonly value: unknown;
}

const deepText = (d: number) => `${'['.repeat(d)}${']'.repeat(d)}`;
const deepValue = (d: number): unknown => {
  let v: unknown[] = [];
  for (let i = 0; i < d; i++) v = [v];
  // fast-check prints a failing case by recursing into it, which this depth would overflow.
  Object.defineProperty(v, fc.toStringMethod, { value: () => `<${d + 1} nested arrays>` });
  return v;
};
const own = (entries: Record<string, unknown>): object => JSON.parse(JSON.stringify(entries)) as object; // own "__proto__" keys too

/** One of the values `make` builds, built afresh for each case: edits change values in place, so no two cases may share one. */
const fresh = (...make: (() => unknown)[]): fc.Arbitrary<unknown> => fc.constantFrom(...make).map((f) => f());

/** Values JSON can hold, plus raw JSON text. */
export const jsonWeirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<unknown>(0, -1, 1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1e308, 5e-324, '', '0', '1', 'NaN', 'null', 'true', '\n', 'a\nb', null, true, false) },
  { weight: 1, arbitrary: fresh(() => [], () => ({}), () => [0], () => [null], () => ['x'], () => ({ a: 1 })) },
  { weight: 1, arbitrary: fc.constantFrom(new RawJson('1e400'), new RawJson('-1e400'), new RawJson('-0'), new RawJson('9007199254740993'), new RawJson('1e-400'), new RawJson('0.1e1'), new RawJson('"\\ud800"'), new RawJson('"\\u0000"')) },
  { weight: 1, arbitrary: fresh(() => own({ toString: 1 }), () => own({ valueOf: 1 }), () => own({ toString: 'x', valueOf: 'y' }), () => JSON.parse('{"__proto__":{"polluted":1}}') as unknown, () => own({ constructor: 1 }), () => own({ hasOwnProperty: 1 })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((d) => new RawJson(deepText(d))) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((n) => new Array<number>(n).fill(0)) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 })) },
);

/** In-memory values: everything above (raw JSON parsed), and what only code can build. */
export const anyWeirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: jsonWeirdValue.map((v) => (v instanceof RawJson ? rawToValue(v) : v)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -0, undefined, 1n, -(2n ** 64n), Symbol('s')) },
  { weight: 1, arbitrary: fresh(() => () => 1, () => new Date(NaN), () => new Map([[1, 2]]), () => new Set([1]), () => new Uint8Array(3), () => Object.create(null) as unknown, () => Object.freeze({ a: 1 }), () => new (class Foo {})()) },
  { weight: 1, arbitrary: fc.constant(null).map(() => { const c: Record<string, unknown> = { a: 1 }; c.self = c; return c; }) },
  { weight: 1, arbitrary: fc.constant(null).map(() => { const a: unknown[] = [1]; a.push(a); return a; }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map(deepValue) },
  { weight: 1, arbitrary: fc.constant(null).map(() => { const s: unknown[] = []; s[5] = 1; return s; }) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, withDate: true, withObjectString: true }) },
);

function rawToValue(raw: RawJson): unknown {
  try {
    return JSON.parse(raw.text);
  } catch {
    return raw.text;
  }
}

export function editArb(value: fc.Arbitrary<unknown>): fc.Arbitrary<Edit> {
  return fc.record({
    path: fc.array(fc.nat(), { maxLength: 6 }),
    op: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'add' as const),
    key: fc.oneof(fc.constantFrom('__proto__', 'toString', 'constructor', 'format', 'x', ''), fc.string({ maxLength: 8 })),
    value,
  });
}

function isContainer(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof RawJson) && !ArrayBuffer.isView(v); // a typed array would coerce what is put in
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  const existing = Object.getOwnPropertyDescriptor(target, key);
  if (existing !== undefined && !existing.configurable) return; // e.g. a typed array's elements
  if (existing === undefined && !Object.isExtensible(target)) return;
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies the edits to a deep copy of `root` (which must be plain data). */
export function applyEdits(root: unknown, edits: readonly Edit[]): unknown {
  let copy: unknown = structuredClone(root);
  for (const e of edits) {
    try {
      copy = applyEdit(copy, e);
    } catch (err) {
      // A weird value an earlier edit put in may refuse this one (a typed array's elements cannot be deleted).
      if (!(err instanceof TypeError)) throw err;
    }
  }
  return copy;
}

function applyEdit(root: unknown, e: Edit): unknown {
  if (!isContainer(root) || e.path.length === 0) return e.op === 'replace' ? e.value : root;
  let parent: Record<string, unknown> = root;
  for (let i = 0; ; i++) {
    const keys = Object.keys(parent);
    if (keys.length === 0 || i >= e.path.length) {
      if (e.op === 'add' && Object.isExtensible(parent)) {
        if (Array.isArray(parent)) parent.push(e.value);
        else setOwn(parent, e.key, e.value);
      }
      return root;
    }
    const k = keys[e.path[i]! % keys.length]!;
    const child = parent[k];
    if (i === e.path.length - 1 || !isContainer(child)) {
      if (Object.isFrozen(parent)) return root; // a frozen weird value put there by an earlier edit
      if (e.op === 'replace') setOwn(parent, k, e.value);
      else if (e.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(k), 1);
        else delete parent[k];
      } else if (Array.isArray(parent)) parent.splice(Number(k), 0, e.value);
      else setOwn(parent, e.key, e.value);
      return root;
    }
    parent = child;
  }
}

/** JSON text of a value that may hold RawJson pieces. */
export function toJsonText(value: unknown, indent?: number): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `@@RAW${raws.push(v.text) - 1}@@` : v), indent);
  if (text === undefined) return 'null';
  return text.replace(/"@@RAW(\d+)@@"/g, (_m, i: string) => raws[Number(i)]!);
}
