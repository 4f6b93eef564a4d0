/**
 * Number formatting that matches Python's, for text that must read exactly like the PyTorch tools
 * users know (torchsummary, tqdm). JavaScript's `toFixed` rounds an exact tie away from zero
 * (0.125 → "0.13"); Python rounds it to even ("0.12").
 */

/** Python's `'%.{digits}f' % x` (also `'{:.{digits}f}'.format(x)`). */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const magnitude = Math.abs(x);
  // An exact tie at `digits` decimals means |x| = j / 2^(digits+1) with j odd (j·5^digits / 2 has
  // fraction .5 and the value must be a dyadic rational to be a double). Scaling by a power of two is exact.
  const scaled = magnitude * 2 ** (digits + 1);
  if (Number.isInteger(scaled) && scaled % 2 === 1) {
    const twice = BigInt(scaled) * 5n ** BigInt(digits); // 2·|x|·10^digits, an odd integer
    let units = (twice - 1n) / 2n;
    if (units % 2n === 1n) units += 1n;
    const text = units.toString().padStart(digits + 1, '0');
    return sign + (digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text);
  }
  const text = magnitude.toFixed(digits);
  return sign + text;
}

/** Python's `'{:,}'.format(n)` for integers: 7944 → "7,944". */
export function formatThousands(n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`formatThousands expects an integer, got ${n}`);
  const sign = n < 0 ? '-' : '';
  return sign + BigInt(Math.abs(n)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
