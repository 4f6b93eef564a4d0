import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFixed, formatThousands } from '../../src/util/python-format.js';

test("formatFixed matches Python's '%.Nf', including round-half-to-even on exact ties", () => {
  // Expected strings are what CPython 3 prints.
  const cases: [number, number, string][] = [
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [0.625, 2, '0.62'],
    [0.875, 2, '0.88'],
    [2.675, 2, '2.67'], // not a tie: the double is 2.67499999...
    [1.005, 2, '1.00'],
    [0.6538, 2, '0.65'],
    [0.5, 0, '0'],
    [1.5, 0, '2'],
    [2.5, 0, '2'],
    [99.5, 0, '100'],
    [12.5, 0, '12'],
    [100, 0, '100'],
    [54.5, 2, '54.50'],
    [0.0625, 3, '0.062'],
    [-0.125, 2, '-0.12'],
    [-0, 2, '-0.00'],
    [-0.001, 2, '-0.00'],
    [0.00299072265625, 2, '0.00'],
    [123456.789, 1, '123456.8'],
  ];
  for (const [x, digits, want] of cases) assert.equal(formatFixed(x, digits), want, `${x} with ${digits} digits`);
  assert.equal(formatFixed(Infinity, 2), 'inf');
  assert.equal(formatFixed(-Infinity, 2), '-inf');
  assert.equal(formatFixed(NaN, 2), 'nan');
});

test("formatThousands matches Python's '{:,}'", () => {
  assert.equal(formatThousands(0), '0');
  assert.equal(formatThousands(999), '999');
  assert.equal(formatThousands(1000), '1,000');
  assert.equal(formatThousands(7944), '7,944');
  assert.equal(formatThousands(6379786), '6,379,786');
  assert.equal(formatThousands(-1234567), '-1,234,567');
  assert.throws(() => formatThousands(1.5), RangeError);
});
