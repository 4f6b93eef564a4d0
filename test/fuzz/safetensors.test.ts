/**
 * Property-based tests of the safetensors reader (src/io/safetensors-format.ts): every input, however
 * broken, is read or refused with one MnistLabError line; nothing else is thrown, nothing hangs, and
 * no buffer is sized from the header before the header is checked against the file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MAX_HEADER_BYTES, parseSafetensors, serializeSafetensors, type SafetensorsTensor, type SafetensorsWritableTensor } from '../../src/io/safetensors-format.js';
import { fixturePath } from '../helpers/fixtures.js';
import { fuzzParams, largestBufferAllocation, parseOrRefuse, testTimeout } from './fuzz-config.js';
import { applyMutations, concat, mutationsArb } from './mutate.js';

const NAME = 'fuzz.safetensors';
const parse = (bytes: Uint8Array) => parseOrRefuse(() => parseSafetensors(bytes, NAME), NAME);

const DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];
const DTYPE_SIZE: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** A file: the 8-byte little-endian header length, the header, the data. */
function file(header: string | Uint8Array, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const json = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function headerLengthOf(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
}

const fixtures = [
  readFileSync(fixturePath('safetensors', 'tiny_cnn.safetensors')),
  readFileSync(fixturePath('safetensors', 'mixed_dtypes.safetensors')),
  readFileSync(fixturePath('pytorch', 'm3_trained.safetensors')),
].map((b) => new Uint8Array(b));

/** JSON number tokens a hostile or broken writer could put where a count belongs (as raw JSON text). */
const numberToken = fc.oneof(
  fc.constantFrom('0', '1', '4', '-1', '-0', '1.5', '4.0', '1e3', '1e400', '-1e400', '9007199254740991', '9007199254740993',
    '18446744073709551615', '2147483648', '4294967296', '1e-400', '0.1e1'),
  fc.integer({ min: -100, max: 1000 }).map(String),
  fc.double({ noNaN: true }).map((d) => JSON.stringify(d)),
);
/** Anything JSON can hold where a number belongs, plus a few that are not JSON at all. */
const valueToken = fc.oneof(
  { weight: 4, arbitrary: numberToken },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', '"4"', '[]', '{}', 'NaN', 'Infinity', '[1,[2]]', '"\\ud800"') },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  // Deep nesting: JSON.parse copes, anything that recurses over the value (JSON.stringify) does not.
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`) },
);
const listToken = (item: fc.Arbitrary<string>) => fc.array(item, { maxLength: 5 }).map((xs) => `[${xs.join(',')}]`);
const nameArb = fc.oneof(
  fc.constantFrom('w', 'conv.weight', '__metadata__', '__proto__', 'constructor', '0', '', 'a"b', 'é', '\u0000'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)),
);
const dtypeToken = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...DTYPES).map((d) => JSON.stringify(d)) },
  { weight: 1, arbitrary: fc.constantFrom('"f32"', '"F128"', '""', '"F32 "', '7', 'null', '["F32"]') },
);

/** A header entry whose fields are each missing, plausible or broken. */
const entryToken = fc
  .record(
    {
      dtype: dtypeToken,
      shape: fc.oneof({ weight: 3, arbitrary: listToken(numberToken) }, { weight: 1, arbitrary: valueToken }),
      data_offsets: fc.oneof(
        { weight: 3, arbitrary: fc.tuple(numberToken, numberToken).map(([a, b]) => `[${a},${b}]`) },
        { weight: 1, arbitrary: listToken(valueToken) },
        { weight: 1, arbitrary: valueToken },
      ),
      extra: valueToken,
    },
    { requiredKeys: [] },
  )
  .map((fields) => `{${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

const metadataToken = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map((m) => JSON.stringify(m)),
  fc.dictionary(fc.string({ maxLength: 6 }), valueToken).map((m) => `{${Object.entries(m).map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  valueToken,
);

const headerToken = fc
  .tuple(fc.option(metadataToken), fc.array(fc.tuple(nameArb, entryToken), { maxLength: 5 }))
  .map(([meta, entries]) => {
    const fields = entries.map(([name, entry]) => `${JSON.stringify(name)}:${entry}`);
    if (meta !== null) fields.unshift(`"__metadata__":${meta}`);
    return `{${fields.join(',')}}`;
  });

/** The header length field: right, a little off, or absurd. */
function declaredLengthArb(actual: number): fc.Arbitrary<bigint> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(BigInt(actual)) },
    { weight: 2, arbitrary: fc.integer({ min: -8, max: 8 }).map((d) => BigInt(Math.max(0, actual + d))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n, 2n ** 63n, BigInt(MAX_HEADER_BYTES), BigInt(MAX_HEADER_BYTES + 1), 2n ** 32n),
    },
  );
}

/** A well-formed layout (contiguous offsets that match the shapes), to reach the decoding stage. */
const consistentFile = fc
  .array(fc.tuple(nameArb, fc.constantFrom(...DTYPES), fc.array(fc.nat({ max: 4 }), { maxLength: 3 })), { maxLength: 5 })
  .chain((tensors) => {
    let offset = 0;
    const fields: string[] = [];
    const seen = new Set<string>();
    for (const [name, dtype, shape] of tensors) {
      if (seen.has(name) || name === '__metadata__') continue;
      seen.add(name);
      const size = shape.reduce((a, b) => a * b, DTYPE_SIZE[dtype]!);
      fields.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${offset},${offset + size}]}`);
      offset += size;
    }
    const header = `{${fields.join(',')}}`;
    return fc.tuple(
      fc.constant(header),
      fc.uint8Array({ minLength: offset, maxLength: offset }),
      fc.integer({ min: 0, max: 7 }).map((pad) => ' '.repeat(pad)),
      fc.integer({ min: -2, max: 2 }),
    );
  })
  .map(([header, data, pad, dataDelta]) => {
    const body = dataDelta >= 0 ? concat(data, new Uint8Array(dataDelta)) : data.subarray(0, Math.max(0, data.length + dataDelta));
    return file(header + pad, body);
  });

describe('safetensors reader: property-based', () => {
  it('random bytes are read or refused with one line', { timeout: testTimeout() }, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void parse(bytes)), fuzzParams());
  });

  it('a random header after a right, wrong or absurd length field', { timeout: testTimeout() }, () => {
    const header = fc.oneof(
      headerToken,
      fc.json(),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(
        header.chain((h) => fc.tuple(fc.constant(h), declaredLengthArb(typeof h === 'string' ? new TextEncoder().encode(h).length : h.length), fc.uint8Array({ maxLength: 128 }))),
        ([h, declared, data]) => void parse(file(h, data, declared)),
      ),
      fuzzParams(),
    );
  });

  it('headers with missing, mistyped, negative, fractional, huge and non-finite fields', { timeout: testTimeout() }, () => {
    fc.assert(
      fc.property(headerToken, fc.uint8Array({ maxLength: 200 }), (header, data) => void parse(file(header, data))),
      fuzzParams(),
    );
  });

  it('well-formed layouts are read, and the bytes of each tensor come back', { timeout: testTimeout() }, () => {
    fc.assert(
      fc.property(consistentFile, (bytes) => {
        const r = parse(bytes);
        if (r.ok) for (const t of r.value.tensors.values()) assert.equal(t.data.length, t.shape.reduce((a, b) => a * b, 1));
      }),
      fuzzParams(),
    );
  });

  it('mutated valid files (bit flips, overwritten length fields, truncation, extension, splices)', { timeout: testTimeout() }, () => {
    const arb = fc.nat({ max: fixtures.length - 1 }).chain((i) => fc.tuple(fc.constant(i), mutationsArb(8 + headerLengthOf(fixtures[i]!) + 16)));
    fc.assert(fc.property(arb, ([i, mutations]) => void parse(applyMutations(fixtures[i]!, mutations))), fuzzParams());
  });

  it('valid files with one header field replaced by a broken value', { timeout: testTimeout() }, () => {
    const arb = fc.record({
      which: fc.nat({ max: fixtures.length - 1 }),
      entry: fc.nat(),
      field: fc.constantFrom('dtype', 'shape', 'data_offsets', 'shape[i]', 'data_offsets[0]', 'data_offsets[1]'),
      element: fc.nat({ max: 4 }),
      value: valueToken,
      fixLength: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, ({ which, entry, field, element, value, fixLength }) => {
        const base = fixtures[which]!;
        const n = headerLengthOf(base);
        const header = JSON.parse(new TextDecoder().decode(base.subarray(8, 8 + n))) as Record<string, Record<string, unknown>>;
        const names = Object.keys(header).filter((k) => k !== '__metadata__');
        const target = header[names[entry % names.length]!]!;
        // Put a marker in, serialize, then swap the marker for the raw token (which may not even be valid JSON).
        const marker = '@@FUZZ@@';
        if (field === 'shape[i]' || field.startsWith('data_offsets[')) {
          const key = field === 'shape[i]' ? 'shape' : 'data_offsets';
          const list = target[key] as unknown[];
          const i = field === 'shape[i]' ? (list.length === 0 ? 0 : element % list.length) : Number(field.at(-2));
          list[i] = marker;
        } else {
          target[field] = marker;
        }
        const text = JSON.stringify(header).replace(`"${marker}"`, value);
        const json = new TextEncoder().encode(text);
        const data = base.subarray(8 + n);
        void parse(file(json, data, fixLength ? undefined : BigInt(n)));
      }),
      fuzzParams(),
    );
  });

  it('what the writer writes, the reader reads back unchanged', { timeout: testTimeout() }, () => {
    const tensor: fc.Arbitrary<SafetensorsWritableTensor> = fc
      .tuple(fc.boolean(), fc.array(fc.nat({ max: 4 }), { maxLength: 3 }))
      .chain(([isFloat, shape]): fc.Arbitrary<SafetensorsWritableTensor> => {
        const count = shape.reduce((a, b) => a * b, 1);
        return isFloat
          ? fc.float32Array({ minLength: count, maxLength: count }).map((data) => ({ dtype: 'F32' as const, shape, data }))
          : fc.bigInt64Array({ minLength: count, maxLength: count }).map((data) => ({ dtype: 'I64' as const, shape, data }));
      });
    const tensors = fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__metadata__'), tensor, { maxKeys: 5 });
    const metadata = fc.option(fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }), { nil: undefined });
    fc.assert(
      fc.property(tensors, metadata, (ts, meta) => {
        const r = parse(serializeSafetensors(ts, meta));
        assert.ok(r.ok, r.ok ? '' : r.error.message);
        assert.deepEqual([...r.value.tensors.keys()].sort(), Object.keys(ts).sort());
        for (const [name, t] of Object.entries(ts)) {
          const back: SafetensorsTensor = r.value.tensors.get(name)!;
          assert.deepEqual(back.shape, t.shape);
          assert.deepEqual(Array.from(back.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>));
        }
        assert.deepEqual(r.value.metadata, meta === undefined ? null : { ...meta });
      }),
      fuzzParams(0.5),
    );
  });
});

describe('safetensors reader: sizes from the header are checked before anything is allocated', () => {
  const refusedWithoutAllocating = (bytes: Uint8Array, pattern: RegExp) => {
    let message = '';
    const largest = largestBufferAllocation(() => {
      const r = parse(bytes);
      assert.ok(!r.ok, 'refused');
      message = r.error.message;
    });
    assert.match(message, pattern);
    assert.ok(largest < 4096, `allocated a ${largest}-byte buffer`);
  };

  it('a header length of 2^53, 2^64-1, or above the 100 MB limit', () => {
    refusedWithoutAllocating(file('{}', new Uint8Array(0), 2n ** 53n), /header length is 9007199254740992 bytes, above the 100000000-byte limit/);
    refusedWithoutAllocating(file('{}', new Uint8Array(0), 2n ** 64n - 1n), /above the 100000000-byte limit/);
    refusedWithoutAllocating(file('{}', new Uint8Array(0), BigInt(MAX_HEADER_BYTES)), /header length is 100000000 bytes but only 2 bytes follow/);
  });

  it('a shape of 2^31 x 2^31 x 2^31, and data_offsets near 2^53', () => {
    const huge = '{"w":{"dtype":"F32","shape":[2147483648,2147483648,2147483648],"data_offsets":[0,4]}}';
    refusedWithoutAllocating(file(huge, new Uint8Array(4)), /shape \[2147483648, 2147483648, 2147483648\], too large to address/);
    const far = '{"w":{"dtype":"U8","shape":[9007199254740991],"data_offsets":[0,9007199254740991]}}';
    refusedWithoutAllocating(file(far, new Uint8Array(4)), /runs past the end of the file, which holds 4 bytes/);
    const unsafe = '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,9007199254740993]}}';
    refusedWithoutAllocating(file(unsafe, new Uint8Array(1)), /data_offsets \[0,9007199254740992\]; expected \[begin, end\]/);
  });

  it('negative, fractional and non-finite numbers in the header', () => {
    refusedWithoutAllocating(file('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', new Uint8Array(4)), /shape \[-1\]/);
    refusedWithoutAllocating(file('{"w":{"dtype":"F32","shape":[1e400],"data_offsets":[0,4]}}', new Uint8Array(4)), /shape \[null\]/);
    refusedWithoutAllocating(file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.5]}}', new Uint8Array(4)), /data_offsets \[0,4.5\]/);
    refusedWithoutAllocating(file('{"w":{"dtype":"F32","shape":[NaN],"data_offsets":[0,4]}}', new Uint8Array(4)), /not valid JSON/);
  });

  it('found while writing these tests: deeply nested values no longer overflow the stack, and huge names stay out of the message', () => {
    // Was: RangeError "Maximum call stack size exceeded" from JSON.stringify of the value in the message.
    const deep = `{"w":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    refusedWithoutAllocating(file(deep), /header entry "w" is \[\[\[\[\[\.\.\.\]\]\]\]\], not an object/);
    const deepShape = `{"w":{"dtype":"F32","shape":${'['.repeat(100_000)}${']'.repeat(100_000)},"data_offsets":[0,4]}}`;
    refusedWithoutAllocating(file(deepShape, new Uint8Array(4)), /has shape \[\[\[\[\[\.\.\.\]\]\]\]\]; a shape is a list/);
    const longName = 'x'.repeat(1_000_000);
    refusedWithoutAllocating(file(`{"${longName}":1}`), /^fuzz.safetensors: not a valid safetensors file: header entry "x{80}\.\.\." is 1, not an object$/);
  });
});
