import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MAX_HEADER_BYTES,
  parseSafetensors,
  readSafetensorsFile,
  readSafetensorsFileSync,
  serializeSafetensors,
  writeSafetensorsFile,
  writeSafetensorsFileSync,
  type SafetensorsTensor,
  type SafetensorsWritableTensor,
} from '../../src/io/safetensors.js';
import { MnistLabError } from '../../src/util/errors.js';

// Compiled to dist/test/io/, the fixtures stay in test/fixtures/.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/safetensors/', import.meta.url));

function f32Bytes(values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}

function u64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/** A file from a header (object or raw text) and data bytes, with the header length taken from the header. */
function fileOf(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  return Buffer.concat([u64(json.length), json, data]);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mnist-lab-safetensors-'));
}

function f32(shape: number[], values: number[]): SafetensorsWritableTensor {
  return { dtype: 'F32', shape, data: new Float32Array(values) };
}

test('serializes byte-for-byte like the reference crate', () => {
  const tensors = { 'attn.0': f32([1, 2, 3], [0, 1, 2, 3, 4, 5]) };
  const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'; // 64 bytes: no padding
  assert.deepEqual(Buffer.from(serializeSafetensors(tensors)), Buffer.concat([u64(64), Buffer.from(json), f32Bytes([0, 1, 2, 3, 4, 5])]));

  const shorter = { attn0: f32([1, 1, 2, 3], [0, 1, 2, 3, 4, 5]) };
  const json2 = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}'; // 65 bytes: 7 spaces
  assert.deepEqual(
    Buffer.from(serializeSafetensors(shorter)),
    Buffer.concat([u64(72), Buffer.from(json2 + ' '.repeat(7)), f32Bytes([0, 1, 2, 3, 4, 5])]),
  );

  assert.deepEqual(Buffer.from(serializeSafetensors({})), Buffer.concat([u64(8), Buffer.from('{}      ')]));
  assert.deepEqual(
    Buffer.from(serializeSafetensors({}, { framework: 'pt' })),
    Buffer.concat([u64(40), Buffer.from('{"__metadata__":{"framework":"pt"}}     ')]),
  );
});

test('orders tensors by descending dtype alignment, then name, and keeps integer-like names in that order', () => {
  const bytes = serializeSafetensors(
    new Map<string, SafetensorsWritableTensor>([
      ['b', f32([1], [1])],
      ['10', f32([1], [2])],
      ['a.num_batches_tracked', { dtype: 'I64', shape: [], data: new BigInt64Array([7n]) }],
      ['2', f32([1], [3])],
    ]),
  );
  const n = Number(Buffer.from(bytes).readBigUInt64LE(0));
  const header = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8').trimEnd();
  assert.equal(
    header,
    '{"a.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},' +
      '"10":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
      '"2":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},' +
      '"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}',
  );
});

test('sorts names by UTF-8 bytes, as Rust does, not by UTF-16 code units', () => {
  const emoji = '\u{1F600}'; // UTF-8 F0…, UTF-16 D83D…
  const fullwidth = '\uFF01'; // UTF-8 EF…, UTF-16 FF01
  const bytes = serializeSafetensors({ [emoji]: f32([1], [1]), [fullwidth]: f32([1], [2]) });
  const names = [...parseSafetensors(bytes, 'mem').tensors.keys()];
  assert.deepEqual(names, [fullwidth, emoji]);
});

test('round-trips F32 and I64 tensors with metadata through a file (sync and async)', async () => {
  const dir = tempDir();
  try {
    const tensors = new Map<string, SafetensorsWritableTensor>([
      ['conv1.weight', f32([2, 1, 2, 2], [0.5, -1.25, 3e-8, 1e30, -0, 7, 8, Number.MIN_VALUE])],
      ['bn.num_batches_tracked', { dtype: 'I64', shape: [], data: new BigInt64Array([9007199254740993n]) }],
      ['nan', f32([2], [NaN, -Infinity])],
      ['empty', f32([0, 4], [])],
    ]);
    const metadata = { epoch: '3', note: 'ünïcode "quoted"\nline' };

    const syncPath = join(dir, 'sync.safetensors');
    writeSafetensorsFileSync(syncPath, tensors, metadata);
    const asyncPath = join(dir, 'async.safetensors');
    await writeSafetensorsFile(asyncPath, tensors, metadata);
    assert.deepEqual(readFileSync(syncPath), readFileSync(asyncPath));

    for (const file of [readSafetensorsFileSync(syncPath), await readSafetensorsFile(asyncPath)]) {
      assert.deepEqual(file.metadata, metadata);
      assert.deepEqual([...file.tensors.keys()].sort(), [...tensors.keys()].sort());
      for (const [name, written] of tensors) {
        const read = file.tensors.get(name)!;
        assert.equal(read.dtype, written.dtype, name);
        assert.deepEqual(read.shape, written.shape, name);
        assert.deepEqual(read.data, written.data, name);
      }
      // deepEqual treats NaN as equal to NaN and -0 as distinct from 0, which is what a round trip must keep.
      assert.ok(Object.is(file.tensors.get('conv1.weight')!.data[4], -0));
    }
    assert.deepEqual(readdirSync(dir).sort(), ['async.safetensors', 'sync.safetensors']); // no temp files left
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file without __metadata__ reads with metadata null; a plain object works as input', () => {
  const file = parseSafetensors(serializeSafetensors({ w: f32([2], [1, 2]) }), 'mem');
  assert.equal(file.metadata, null);
  assert.deepEqual(file.tensors.get('w')!.data, new Float32Array([1, 2]));
});

interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}
interface ExpectedFile {
  metadata: Record<string, string> | null;
  tensors: Record<string, ExpectedTensor>;
}
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;

function assertMatches(actual: SafetensorsTensor, expected: ExpectedTensor, name: string): void {
  assert.equal(actual.dtype, expected.dtype, name);
  assert.deepEqual(actual.shape, expected.shape, name);
  const got = Array.from(actual.data as ArrayLike<number | bigint>);
  let want: (number | bigint)[];
  if (expected.dtype === 'I64') want = expected.values.map((v) => BigInt(v));
  else if (actual.data instanceof Float32Array) want = expected.values.map((v) => Math.fround(v as number));
  else want = expected.values as number[];
  assert.deepEqual(got, want, name);
}

test('reads a state_dict saved from PyTorch (Conv2d + BatchNorm2d + Linear, int64 num_batches_tracked)', () => {
  const path = join(FIXTURES, 'tiny_cnn.safetensors');
  const expected = EXPECTED['tiny_cnn.safetensors'];
  const file = readSafetensorsFileSync(path);
  assert.deepEqual(file.metadata, expected.metadata);
  assert.deepEqual([...file.tensors.keys()].sort(), Object.keys(expected.tensors).sort());
  for (const [name, want] of Object.entries(expected.tensors)) assertMatches(file.tensors.get(name)!, want, name);

  const tracked = file.tensors.get('bn.num_batches_tracked')!;
  assert.ok(tracked.data instanceof BigInt64Array);
  assert.deepEqual(tracked.shape, []);
  assert.equal(tracked.data[0], 2n);
});

test('writing what was read from the PyTorch file reproduces it byte for byte', () => {
  const original = readFileSync(join(FIXTURES, 'tiny_cnn.safetensors'));
  const file = parseSafetensors(original, 'tiny_cnn.safetensors');
  const writable = new Map<string, SafetensorsWritableTensor>();
  for (const [name, t] of file.tensors) {
    if (t.dtype === 'F32') writable.set(name, { dtype: 'F32', shape: t.shape, data: t.data });
    else if (t.dtype === 'I64') writable.set(name, { dtype: 'I64', shape: t.shape, data: t.data });
    else assert.fail(`unexpected dtype ${t.dtype}`);
  }
  assert.deepEqual(Buffer.from(serializeSafetensors(writable, file.metadata ?? undefined)), original);
});

test('reads F16, BF16, F64, I32, I64, U8, BOOL, scalar and empty tensors saved from PyTorch', () => {
  const file = readSafetensorsFileSync(join(FIXTURES, 'mixed_dtypes.safetensors'));
  const expected = EXPECTED['mixed_dtypes.safetensors'];
  assert.equal(file.metadata, null);
  assert.deepEqual([...file.tensors.keys()].sort(), Object.keys(expected.tensors).sort());
  for (const [name, want] of Object.entries(expected.tensors)) assertMatches(file.tensors.get(name)!, want, name);
  assert.ok(Object.is(file.tensors.get('half')!.data[1], -0));
  assert.ok(file.tensors.get('mask')!.data instanceof Uint8Array);
  assert.ok(file.tensors.get('int32')!.data instanceof Int32Array);
});

test('decodes F16 and BF16 special values exactly', () => {
  const f16Bits = new Uint16Array([0x7c00, 0xfc00, 0x7e00, 0x0001, 0x03ff, 0x3c00, 0xc000, 0x7bff, 0x8000]);
  const bf16Bits = new Uint16Array([0x7f80, 0xff80, 0x7fc0, 0x3f80, 0xc040, 0x0001]);
  const bytes = fileOf(
    {
      bf: { dtype: 'BF16', shape: [6], data_offsets: [0, 12] },
      h: { dtype: 'F16', shape: [9], data_offsets: [12, 30] },
    },
    Buffer.concat([Buffer.from(bf16Bits.buffer), Buffer.from(f16Bits.buffer)]),
  );
  const file = parseSafetensors(bytes, 'mem');
  assert.deepEqual(
    Array.from(file.tensors.get('h')!.data as Float32Array),
    [Infinity, -Infinity, NaN, 2 ** -24, 1023 * 2 ** -24, 1, -2, 65504, -0],
  );
  assert.deepEqual(
    Array.from(file.tensors.get('bf')!.data as Float32Array),
    [Infinity, -Infinity, NaN, 1, -3, Math.fround(2 ** -133)],
  );
});

test('handles tensor data at offsets that are not aligned for its type (copies), and aligned data (views)', () => {
  const u8 = Buffer.from([42]);
  const floats = f32Bytes([1.5, -2.25, 3]);
  const longs = Buffer.from(new BigInt64Array([-5n, 6n]).buffer);
  const header = {
    a_byte: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
    floats: { dtype: 'F32', shape: [3], data_offsets: [1, 13] },
    longs: { dtype: 'I64', shape: [2], data_offsets: [13, 29] },
  };
  for (const shift of [0, 1, 2, 3]) {
    // Also misalign the whole buffer, as a Buffer sliced out of a pool would be.
    const file = fileOf(header, Buffer.concat([u8, floats, longs]));
    const backing = new Uint8Array(file.length + shift);
    backing.set(file, shift);
    const parsed = parseSafetensors(backing.subarray(shift), 'mem');
    assert.deepEqual(parsed.tensors.get('floats')!.data, new Float32Array([1.5, -2.25, 3]));
    assert.deepEqual(parsed.tensors.get('longs')!.data, new BigInt64Array([-5n, 6n]));
    assert.deepEqual(parsed.tensors.get('a_byte')!.data, new Uint8Array([42]));
  }
  const aligned = serializeSafetensors({ w: f32([2], [1, 2]) });
  assert.equal(parseSafetensors(aligned, 'mem').tensors.get('w')!.data.buffer, aligned.buffer);
});

// ---------------------------------------------------------------------------------------------
// Malformed files: one MnistLabError, one line, naming the file and the problem.

function assertRefused(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => parseSafetensors(bytes, 'checkpoints/model.safetensors'),
    (err: unknown) => {
      assert.ok(err instanceof MnistLabError, `expected MnistLabError, got ${String(err)}`);
      assert.ok(err.message.startsWith('checkpoints/model.safetensors: not a valid safetensors file: '), err.message);
      assert.ok(!err.message.includes('\n'), `message spans lines: ${err.message}`);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

const GOOD_DATA = f32Bytes([1, 2, 3, 4]);
const goodEntry = (begin: number, end: number, shape = [(end - begin) / 4]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

test('refuses a file too short to hold the header length', () => {
  assertRefused(new Uint8Array(0), /0 bytes long/);
  assertRefused(new Uint8Array(7), /7 bytes long/);
});

test('refuses a header length larger than the file or above 100 MB', () => {
  const json = Buffer.from('{}');
  assertRefused(Buffer.concat([u64(1000), json]), /header length is 1000 bytes but only 2 bytes follow/);
  assertRefused(Buffer.concat([u64(MAX_HEADER_BYTES + 1), json]), /above the 100000000-byte limit/);
  assertRefused(Buffer.concat([u64(2n ** 64n - 1n), json]), /18446744073709551615 bytes, above the 100000000-byte limit/);
});

test('refuses a header that is not UTF-8 or not JSON or not an object', () => {
  const invalidUtf8 = Buffer.concat([u64(3), Buffer.from([0x7b, 0xff, 0x7d])]);
  assertRefused(invalidUtf8, /not valid UTF-8/);
  assertRefused(fileOf('{"w": {"dtype": "F32",'), /not valid JSON/);
  assertRefused(fileOf('\ufeff{}'), /not valid JSON/);
  assertRefused(fileOf('a\nb'), /not valid JSON/); // V8 quotes the input, newline included
  assertRefused(fileOf('[1, 2]'), /header is not a JSON object/);
  assertRefused(fileOf('null'), /header is not a JSON object/);
});

test('refuses entries that are not objects or lack a valid dtype, shape or data_offsets', () => {
  assertRefused(fileOf({ w: 5 }), /header entry "w" is 5, not an object/);
  assertRefused(fileOf({ w: [0, 4] }), /header entry "w" is \[0,4\], not an object/);
  assertRefused(fileOf({ w: { shape: [1], data_offsets: [0, 4] } }, GOOD_DATA.subarray(0, 4)), /tensor "w" has no "dtype" string/);
  assertRefused(fileOf({ w: { dtype: 'F99', shape: [1], data_offsets: [0, 4] } }, GOOD_DATA.subarray(0, 4)), /unknown dtype "F99"/);
  assertRefused(fileOf({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }), /shape \[-1\]/);
  assertRefused(fileOf({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }), /shape \[1.5\]/);
  assertRefused(fileOf({ w: { dtype: 'F32', shape: '4', data_offsets: [0, 16] } }), /shape "4"/);
  assertRefused(fileOf({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }), /data_offsets \[0,4,8\]/);
  assertRefused(fileOf({ w: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }), /data_offsets \[-4,0\]/);
  assertRefused(fileOf({ w: { dtype: 'F32', shape: [1] } }), /data_offsets undefined/);
  assertRefused(fileOf({ __metadata__: { epoch: 3 } }), /"__metadata__" entry "epoch" is 3, not a string/);
  assertRefused(fileOf({ __metadata__: ['x'] }), /"__metadata__" is \["x"\], not an object/);
});

test('refuses offsets that end before they begin, overlap, or leave gaps', () => {
  assertRefused(fileOf({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, GOOD_DATA), /ends before it begins/);
  assertRefused(
    fileOf({ a: goodEntry(0, 8), b: goodEntry(4, 12) }, GOOD_DATA),
    /tensor "b" \(data_offsets \[4, 12\]\) overlaps tensor "a" \(data_offsets \[0, 8\]\)/,
  );
  assertRefused(fileOf({ a: goodEntry(0, 8), b: goodEntry(0, 8) }, GOOD_DATA.subarray(0, 8)), /overlaps tensor "a"/);
  assertRefused(fileOf({ a: goodEntry(0, 4), b: goodEntry(8, 16) }, GOOD_DATA), /gap of 4 unused bytes after tensor "a"/);
  assertRefused(fileOf({ b: goodEntry(4, 16) }, GOOD_DATA), /leaves bytes 0\.\.4 unused/);
});

test('refuses a shape whose size does not match its offsets', () => {
  assertRefused(
    fileOf({ w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 16] } }, GOOD_DATA),
    /tensor "w" has shape \[2, 3\] of F32 \(24 bytes\) but its data_offsets \[0, 16\] span 16 bytes/,
  );
  assertRefused(fileOf({ w: { dtype: 'I64', shape: [4], data_offsets: [0, 16] } }, GOOD_DATA), /of I64 \(32 bytes\)/);
  assertRefused(
    fileOf({ w: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 16] } }, GOOD_DATA),
    /too large to address/,
  );
});

test('refuses offsets out of range, truncated data and trailing bytes', () => {
  assertRefused(
    fileOf({ w: goodEntry(0, 4000) }, GOOD_DATA),
    /tensor "w" \(data_offsets \[0, 4000\]\) runs past the end of the file, which holds 16 bytes of tensor data/,
  );
  const whole = serializeSafetensors({ a: f32([2], [1, 2]), b: f32([3], [3, 4, 5]) });
  assertRefused(whole.subarray(0, whole.length - 1), /tensor "b" \(data_offsets \[8, 20\]\) runs past the end .* 19 bytes/);
  assertRefused(whole.subarray(0, whole.length - 12), /tensor "b" .* runs past the end/);
  assertRefused(Buffer.concat([whole, Buffer.from([0, 0, 0, 0])]), /4 bytes after the last tensor are not described by the header/);
  assertRefused(fileOf({}, GOOD_DATA), /16 bytes after the last tensor/);
});

test('refuses 8-bit float tensors, which it cannot convert', () => {
  assertRefused(fileOf({ q: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)), /dtype F8_E4M3, which mnist-lab cannot read/);
});

test('file errors are one-line user errors naming the path', async () => {
  const dir = tempDir();
  try {
    const missing = join(dir, 'nope.safetensors');
    assert.throws(() => readSafetensorsFileSync(missing), new MnistLabError(`cannot read ${missing}: no such file or directory`));
    await assert.rejects(readSafetensorsFile(missing), new MnistLabError(`cannot read ${missing}: no such file or directory`));
    const inMissingDir = join(dir, 'no-such-dir', 'out.safetensors');
    assert.throws(() => writeSafetensorsFileSync(inMissingDir, {}), /cannot write .*out\.safetensors: no such file or directory/);
    await assert.rejects(writeSafetensorsFile(inMissingDir, {}), MnistLabError);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the writer rejects inconsistent tensors (programming errors, not user errors)', () => {
  assert.throws(() => serializeSafetensors({ w: f32([3], [1, 2]) }), /shape \[3\] has 3 elements but the data has 2/);
  assert.throws(() => serializeSafetensors({ w: f32([-1], []) }), /invalid shape/);
  assert.throws(
    () => serializeSafetensors({ w: { dtype: 'I64', shape: [1], data: new Float32Array(1) as unknown as BigInt64Array } }),
    /I64 data must be a BigInt64Array/,
  );
  assert.throws(() => serializeSafetensors({ __metadata__: f32([1], [1]) }), /cannot be a tensor name/);
  assert.throws(() => serializeSafetensors({}, { a: 1 as unknown as string }), /metadata "a" must be a string/);
});
