/** Flag value parsers: each rejects a bad value with one line naming the flag and what it expects. */
import { InvalidArgumentError } from 'commander';

export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} must be a whole number >= 1, got '${value}'`);
    }
    return n;
  };
}

export function nonNegativeInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${flag} must be a whole number >= 0, got '${value}'`);
    return n;
  };
}

export function number(flag: string, check: (n: number) => boolean = () => true, expectation = 'a number'): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new InvalidArgumentError(`${flag} must be ${expectation}, got '${value}'`);
    return n;
  };
}

export const positiveNumber = (flag: string): ((value: string) => number) => number(flag, (n) => n > 0, 'a number > 0');
export const probability = (flag: string): ((value: string) => number) => number(flag, (n) => n >= 0 && n < 1, 'a number in [0, 1)');

export function numberList(flag: string, count?: number): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((s) => s.trim());
    const nums = parts.map(Number);
    if (parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n)) || (count !== undefined && nums.length !== count)) {
      throw new InvalidArgumentError(`${flag} must be ${count ?? 'a list of'} comma-separated numbers, got '${value}'`);
    }
    return nums;
  };
}

export function choice<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
    return value as T;
  };
}

export function wholeInRange(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
    return n;
  };
}
