/**
 * Decoding of the two 16-bit float formats found in safetensors files into float32, which is exact:
 * every F16 and BF16 value is representable as a float32.
 */

let f16Table: Float32Array | null = null;

function decodeF16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** IEEE 754 binary16 bit patterns → float32 values. */
export function f16ToF32(bits: Uint16Array): Float32Array {
  // 65,536 patterns: a 256 KiB table, built on first use, turns each element into one lookup.
  if (f16Table === null) {
    f16Table = new Float32Array(0x10000);
    for (let b = 0; b < 0x10000; b++) f16Table[b] = decodeF16(b);
  }
  const table = f16Table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}

/** bfloat16 bit patterns → float32 values: bfloat16 is the upper half of a float32. */
export function bf16ToF32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i]! << 16;
  return out;
}
