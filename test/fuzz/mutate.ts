/**
 * Mutations of a valid file, as fast-check arbitraries: flipped bits, overwritten bytes and 32/64-bit
 * fields, truncation, extension, insertion, deletion and duplicated ranges. Positions are biased
 * towards a "hot" prefix (the header, where parsers make their decisions) but reach the whole file.
 */
import fc from 'fast-check';

export type Mutation =
  | { readonly kind: 'flip'; readonly at: number; readonly bit: number }
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'u32'; readonly at: number; readonly value: number; readonly littleEndian: boolean }
  | { readonly kind: 'u64'; readonly at: number; readonly value: bigint }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'extend'; readonly bytes: Uint8Array }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'delete'; readonly at: number; readonly count: number }
  | { readonly kind: 'duplicate'; readonly from: number; readonly count: number; readonly at: number };

/** Interesting 32-bit values: boundaries of signed and unsigned ranges, small counts, powers of two. */
const U32_EDGES = [0, 1, 2, 3, 4, 7, 8, 28, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const U64_EDGES = [0n, 1n, 7n, 8n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];

function position(hot: number): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.nat({ max: Math.max(0, hot - 1) }) }, { weight: 1, arbitrary: fc.nat() });
}

export function mutationArb(hot: number): fc.Arbitrary<Mutation> {
  const at = position(hot);
  const bytes = fc.uint8Array({ minLength: 1, maxLength: 64 });
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at, value: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x2d), fc.nat({ max: 255 })) }),
    fc.record({
      kind: fc.constant('u32' as const),
      at,
      value: fc.oneof(fc.constantFrom(...U32_EDGES), fc.nat({ max: 0xffffffff })),
      littleEndian: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('u64' as const), at, value: fc.oneof(fc.constantFrom(...U64_EDGES), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })) }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('extend' as const), bytes }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes }),
    fc.record({ kind: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('duplicate' as const), from: at, count: fc.integer({ min: 1, max: 256 }), at }),
  );
}

/** One to `max` mutations, applied in order. */
export function mutationsArb(hot: number, max = 6): fc.Arbitrary<Mutation[]> {
  return fc.array(mutationArb(hot), { minLength: 1, maxLength: max });
}

export function applyMutations(base: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(base);
  for (const m of mutations) bytes = apply(bytes, m);
  return bytes;
}

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  const wrap = (at: number) => (n === 0 ? 0 : at % n);
  switch (m.kind) {
    case 'flip':
      if (n > 0) bytes[wrap(m.at)]! ^= 1 << m.bit;
      return bytes;
    case 'set':
      if (n > 0) bytes[wrap(m.at)] = m.value;
      return bytes;
    case 'u32':
      if (n >= 4) new DataView(bytes.buffer).setUint32(m.at % (n - 3), m.value, m.littleEndian);
      return bytes;
    case 'u64':
      if (n >= 8) new DataView(bytes.buffer).setBigUint64(m.at % (n - 7), m.value, true);
      return bytes;
    case 'truncate':
      return bytes.slice(0, wrap(m.at));
    case 'extend':
      return concat(bytes, m.bytes);
    case 'insert': {
      const at = m.at % (n + 1);
      return concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at));
    }
    case 'delete': {
      const at = wrap(m.at);
      return concat(bytes.subarray(0, at), bytes.subarray(at + m.count));
    }
    case 'duplicate': {
      const from = wrap(m.from);
      const at = m.at % (n + 1);
      return concat(bytes.subarray(0, at), bytes.subarray(from, from + m.count), bytes.subarray(at));
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
