/**
 * The safetensors format (github.com/huggingface/safetensors), which PyTorch users save state dicts in:
 *
 *   8 bytes   N, the header length, little-endian u64
 *   N bytes   a JSON object: { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { str: str } }
 *   the rest  tensor data, little-endian, C order; offsets count from the first byte after the header
 *
 * The reader accepts exactly what the reference Rust crate accepts: a header of at most 100,000,000
 * bytes that is a UTF-8 JSON object, and tensors whose data, sorted by offset, covers the data
 * section from its first byte to the end of the file with no gap and no overlap, each tensor
 * spanning exactly (element count × dtype size) bytes. Anything else is refused with one line that
 * names the file and the problem.
 *
 * The writer lays a file out as the reference does (so a file we write is byte-identical to one
 * `safetensors.torch.save_file` writes): tensors ordered by descending dtype alignment then by name,
 * `__metadata__` first in the header, the header padded with spaces to a multiple of 8 bytes so every
 * tensor's data stays aligned.
 *
 * This module works on bytes only and imports nothing from Node, so the browser page can use it too;
 * safetensors.ts adds reading files and writing them atomically.
 */
import { MnistLabError } from '../util/errors.js';
import { bf16ToF32, f16ToF32 } from './half-float.js';

/** Bytes per element, in the reference crate's enum order (increasing alignment), which the writer's layout follows. */
const DTYPE_SIZES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
} as const;

export type SafetensorsDtype = keyof typeof DTYPE_SIZES;
const DTYPE_RANK = new Map((Object.keys(DTYPE_SIZES) as SafetensorsDtype[]).map((d, i) => [d, i]));

/** The reference crate's limit; a larger header means a corrupt or hostile file. */
export const MAX_HEADER_BYTES = 100_000_000;

interface TensorOf<D extends SafetensorsDtype, A> {
  readonly dtype: D;
  readonly shape: number[];
  readonly data: A;
}

/**
 * A tensor as read. Floating-point tensors of any width come back as Float32Array (`dtype` keeps the
 * stored type); integer and bool tensors keep their width. 8-bit float formats are not supported.
 */
export type SafetensorsTensor =
  | TensorOf<'F32' | 'F16' | 'BF16' | 'F64', Float32Array>
  | TensorOf<'I64', BigInt64Array>
  | TensorOf<'U64', BigUint64Array>
  | TensorOf<'I32', Int32Array>
  | TensorOf<'U32', Uint32Array>
  | TensorOf<'I16', Int16Array>
  | TensorOf<'U16', Uint16Array>
  | TensorOf<'I8', Int8Array>
  | TensorOf<'U8' | 'BOOL', Uint8Array>;

/** What the writer stores: float32 parameters and buffers, and int64 counters such as `num_batches_tracked`. */
export type SafetensorsWritableTensor =
  | { readonly dtype: 'F32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'I64'; readonly shape: readonly number[]; readonly data: BigInt64Array };

export interface SafetensorsFile {
  /** In the order of their data in the file. */
  readonly tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` map, or null when the file has none. */
  readonly metadata: Record<string, string> | null;
}

export type TensorEntries<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Reading

interface HeaderEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
  readonly byteLength: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isDtype(value: string): value is SafetensorsDtype {
  return Object.prototype.hasOwnProperty.call(DTYPE_SIZES, value);
}

/** Longest rendering of an untrusted name or value that goes into an error message. */
const MESSAGE_PIECE_CHARS = 80;

function quote(name: string): string {
  // JSON quoting keeps odd names (quotes, newlines) on one readable line; a hostile header may hold
  // megabyte-long names, so the message shows only their start.
  return JSON.stringify(name.length > MESSAGE_PIECE_CHARS ? `${name.slice(0, MESSAGE_PIECE_CHARS)}...` : name);
}

/**
 * An untrusted JSON value for an error message, as JSON.stringify writes it when it is small; bounded
 * in depth and length because JSON.stringify recurses (a header of 10^5 nested brackets overflows the
 * stack) and would copy a 100 MB value into the message.
 */
function preview(value: unknown): string {
  const text = render(value, 4);
  return text.length > MESSAGE_PIECE_CHARS ? `${text.slice(0, MESSAGE_PIECE_CHARS)}...` : text;
}

function render(value: unknown, depth: number): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value !== 'object' || value === null) return String(JSON.stringify(value));
  if (depth === 0) return Array.isArray(value) ? '[...]' : '{...}';
  const items: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 8)) items.push(render(item, depth - 1));
    if (value.length > 8) items.push('...');
    return `[${items.join(',')}]`;
  }
  for (const key in value) {
    if (items.length === 8) {
      items.push('...');
      break;
    }
    items.push(`${quote(key)}:${render((value as Record<string, unknown>)[key], depth - 1)}`);
  }
  return `{${items.join(',')}}`;
}

function shapeText(shape: readonly number[]): string {
  const text = shape.length > 16 ? [...shape.slice(0, 16), '...'].join(', ') : shape.join(', ');
  return `[${text}]`;
}

function parseEntry(name: string, value: unknown, bad: (problem: string) => MnistLabError): HeaderEntry {
  const what = `tensor ${quote(name)}`;
  if (!isRecord(value)) throw bad(`header entry ${quote(name)} is ${preview(value)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') throw bad(`${what} has no "dtype" string`);
  if (!isDtype(dtype)) {
    throw bad(`${what} has unknown dtype ${quote(dtype)} (known: ${Object.keys(DTYPE_SIZES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw bad(`${what} has shape ${preview(shape)}; a shape is a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw bad(`${what} has data_offsets ${preview(offsets)}; expected [begin, end], non-negative integers`);
  }
  let byteLength = DTYPE_SIZES[dtype];
  for (const dim of shape as number[]) {
    byteLength *= dim;
    if (!Number.isSafeInteger(byteLength)) throw bad(`${what} has shape ${shapeText(shape as number[])}, too large to address`);
  }
  const [begin, end] = offsets as [number, number];
  return { name, dtype, shape: [...(shape as number[])], begin, end, byteLength };
}

function parseMetadata(value: unknown, bad: (problem: string) => MnistLabError): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw bad(`"${METADATA_KEY}" is ${preview(value)}, not an object of strings`);
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw bad(`"${METADATA_KEY}" entry ${quote(key)} is ${preview(v)}, not a string`);
    Object.defineProperty(metadata, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return metadata;
}

function offsetsText(e: HeaderEntry): string {
  return `data_offsets [${e.begin}, ${e.end}]`;
}

/** Sorted by offset, the tensors must tile [0, dataLength) exactly, as the reference crate demands. */
function checkLayout(entries: HeaderEntry[], dataLength: number, bad: (problem: string) => MnistLabError): void {
  let covered = 0;
  let previous: HeaderEntry | null = null;
  for (const e of entries) {
    const what = `tensor ${quote(e.name)} (${offsetsText(e)})`;
    if (e.end < e.begin) throw bad(`${what} ends before it begins`);
    if (e.begin < covered && previous !== null) {
      throw bad(`${what} overlaps tensor ${quote(previous.name)} (${offsetsText(previous)})`);
    }
    if (e.begin > covered) {
      throw bad(
        previous === null
          ? `${what} leaves bytes 0..${e.begin} unused; tensor data must start right after the header`
          : `${what} leaves a gap of ${e.begin - covered} unused bytes after tensor ${quote(previous.name)}; tensor data must be contiguous`,
      );
    }
    if (e.end - e.begin !== e.byteLength) {
      throw bad(
        `tensor ${quote(e.name)} has shape ${shapeText(e.shape)} of ${e.dtype} (${e.byteLength} bytes) ` +
          `but its ${offsetsText(e)} span ${e.end - e.begin} bytes`,
      );
    }
    if (e.end > dataLength) {
      throw bad(`${what} runs past the end of the file, which holds ${dataLength} bytes of tensor data (truncated?)`);
    }
    covered = e.end;
    previous = e;
  }
  if (covered !== dataLength) {
    throw bad(`${dataLength - covered} bytes after the last tensor are not described by the header`);
  }
}

type ViewConstructor<T> = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T;

/**
 * The elements in bytes [begin, end) of `data` as a typed array: a view when the bytes are aligned
 * for the element type (and the host is little-endian), otherwise an aligned copy.
 */
function elements<T>(data: Uint8Array, begin: number, end: number, size: number, View: ViewConstructor<T>): T {
  const count = (end - begin) / size;
  const absolute = data.byteOffset + begin;
  if (LITTLE_ENDIAN_HOST && absolute % size === 0) return new View(data.buffer, absolute, count);
  const copy = data.slice(begin, end);
  if (!LITTLE_ENDIAN_HOST) swapByteOrder(copy, size);
  return new View(copy.buffer, 0, count);
}

function swapByteOrder(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

function decode(e: HeaderEntry, data: Uint8Array, bad: (problem: string) => MnistLabError): SafetensorsTensor {
  const { begin, end, shape } = e;
  switch (e.dtype) {
    case 'F32':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 4, Float32Array) };
    case 'F64':
      return { dtype: e.dtype, shape, data: new Float32Array(elements(data, begin, end, 8, Float64Array)) };
    case 'F16':
      return { dtype: e.dtype, shape, data: f16ToF32(elements(data, begin, end, 2, Uint16Array)) };
    case 'BF16':
      return { dtype: e.dtype, shape, data: bf16ToF32(elements(data, begin, end, 2, Uint16Array)) };
    case 'I64':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 8, BigInt64Array) };
    case 'U64':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 8, BigUint64Array) };
    case 'I32':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 4, Int32Array) };
    case 'U32':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 4, Uint32Array) };
    case 'I16':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 2, Int16Array) };
    case 'U16':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 2, Uint16Array) };
    case 'I8':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 1, Int8Array) };
    case 'U8':
    case 'BOOL':
      return { dtype: e.dtype, shape, data: elements(data, begin, end, 1, Uint8Array) };
    case 'F8_E5M2':
    case 'F8_E4M3':
      throw bad(`tensor ${quote(e.name)} has dtype ${e.dtype}, which mnist-lab cannot read; save it as F32, F16 or BF16`);
  }
}

/**
 * Parses a whole safetensors file held in memory. `nameForErrors` (usually the path) starts every
 * error message. Aligned tensor data is returned as views into `bytes`, not copies: copy a tensor
 * before changing `bytes` if it must outlive the change.
 */
export function parseSafetensors(bytes: Uint8Array, nameForErrors: string): SafetensorsFile {
  const bad = (problem: string) => new MnistLabError(`${nameForErrors}: not a valid safetensors file: ${problem}`);
  if (bytes.length < 8) {
    throw bad(`it is ${bytes.length} bytes long, too short for the 8-byte header length`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw bad(`the header length is ${headerLength} bytes, above the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const n = Number(headerLength);
  if (8 + n > bytes.length) {
    throw bad(`the header length is ${n} bytes but only ${bytes.length - 8} bytes follow the length field`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw bad('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    // V8 quotes a bit of the input in its message; keep that on one line.
    const reason = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 2 * MESSAGE_PIECE_CHARS);
    throw bad(`the header is not valid JSON (${reason})`);
  }
  if (!isRecord(header)) throw bad('the header is not a JSON object');

  const metadata = parseMetadata(header[METADATA_KEY], bad);
  const entries: HeaderEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name !== METADATA_KEY) entries.push(parseEntry(name, value, bad));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const data = bytes.subarray(8 + n);
  checkLayout(entries, data.length, bad);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) tensors.set(e.name, decode(e, data, bad));
  return { tensors, metadata };
}

// ---------------------------------------------------------------------------------------------
// Writing

function entriesOf<T>(tensors: TensorEntries<T>): [string, T][] {
  return tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Readonly<Record<string, T>>);
}

const utf8 = new TextEncoder();

// Rust compares strings by their UTF-8 bytes; JavaScript's `<` compares UTF-16 code units, which
// orders some non-BMP characters differently.
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function checkWritable(name: string, t: SafetensorsWritableTensor): void {
  if (name === METADATA_KEY) throw new RangeError(`"${METADATA_KEY}" cannot be a tensor name`);
  const expected = t.dtype === 'F32' ? Float32Array : t.dtype === 'I64' ? BigInt64Array : null;
  if (expected === null) throw new TypeError(`tensor ${quote(name)}: cannot write dtype ${String(t.dtype)} (only F32 and I64)`);
  if (!(t.data instanceof expected)) throw new TypeError(`tensor ${quote(name)}: ${t.dtype} data must be a ${expected.name}`);
  let count = 1;
  for (const dim of t.shape) {
    if (!isCount(dim)) throw new RangeError(`tensor ${quote(name)}: invalid shape [${t.shape.join(', ')}]`);
    count *= dim;
  }
  if (count !== t.data.length) {
    throw new RangeError(`tensor ${quote(name)}: shape [${t.shape.join(', ')}] has ${count} elements but the data has ${t.data.length}`);
  }
}

/** Serializes tensors (and optional string metadata) into the bytes of a safetensors file. */
export function serializeSafetensors(
  tensors: TensorEntries<SafetensorsWritableTensor>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const list = entriesOf(tensors);
  for (const [name, t] of list) checkWritable(name, t);
  list.sort(([an, a], [bn, b]) => DTYPE_RANK.get(b.dtype)! - DTYPE_RANK.get(a.dtype)! || compareUtf8(an, bn));

  const fields: string[] = [];
  if (metadata !== undefined) {
    const pairs = Object.entries(metadata).sort(([a], [b]) => compareUtf8(a, b));
    for (const [key, value] of pairs) {
      if (typeof value !== 'string') throw new TypeError(`metadata ${quote(key)} must be a string, got ${typeof value}`);
    }
    fields.push(`"${METADATA_KEY}":{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let dataLength = 0;
  for (const [name, t] of list) {
    const begin = dataLength;
    dataLength += t.data.byteLength;
    // Built by hand: a JS object would put integer-like names ("0") first, whatever their order.
    fields.push(`${JSON.stringify(name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${begin},${dataLength}]}`);
  }
  const json = utf8.encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) throw new RangeError(`safetensors header of ${headerLength} bytes exceeds the format's limit`);

  const out = new Uint8Array(8 + headerLength + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces, as the reference pads
  let offset = 8 + headerLength;
  for (const [, t] of list) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(raw, offset);
    if (!LITTLE_ENDIAN_HOST) swapByteOrder(out.subarray(offset, offset + raw.length), t.data.BYTES_PER_ELEMENT);
    offset += raw.length;
  }
  return out;
}
