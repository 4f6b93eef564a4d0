/**
 * Turns a zod validation failure into the lines a user reads: one per mistake, each naming the
 * field by its dotted path and quoting the value that was given, e.g.
 * `recipe.scheduler.maxLr must be > 0, got -1`. zod does the checking (a well-kept library that
 * never throws on hostile input); only the wording is ours.
 */
import type { ZodError, ZodIssue } from 'zod';

/** A short, bounded rendering of a value a user wrote, for "got ..." (never the whole file). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON quoting keeps a value on one line whatever it holds (newlines, quotes).
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value).replace(/^"|"$/g, "'");
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'an object';
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function fieldName(path: readonly (string | number)[], prefix: string): string {
  // A key a user typed is shown JSON-quoted when it is not a plain name, so it cannot break the line.
  const segment = (p: string | number): string => (typeof p === 'number' ? `[${p}]` : /^[\w-]{1,60}$/.test(p) ? p : JSON.stringify(p.slice(0, 60)));
  const parts = [prefix, ...path.map(segment)].filter((p) => p !== '');
  return parts.join('.').replace(/\.\[/g, '[') || '(the whole value)';
}

function issueLine(issue: ZodIssue, root: unknown, prefix: string): string[] {
  const field = fieldName(issue.path, prefix);
  const got = describeValue(valueAt(root, issue.path));
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => `${fieldName([...issue.path, k], prefix)} is not a known field; remove it or check its spelling`);
    case 'invalid_type':
      if (issue.expected === 'integer') return [`${field} must be a whole number, got ${got}`];
      return [issue.received === 'undefined' ? `${field} is missing (${issue.expected} expected)` : `${field} must be ${article(issue.expected)}, got ${got}`];
    case 'invalid_enum_value':
      return [`${field} must be one of ${issue.options.map(String).join(', ')}, got ${got}`];
    case 'invalid_literal':
      return [`${field} must be ${JSON.stringify(issue.expected)}, got ${got}`];
    case 'invalid_union':
      return [`${field} has the wrong form, got ${got}`];
    default:
      return [`${field} ${issue.message}, got ${got}`];
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** At most this many lines: a file with thousands of mistakes is not read line by line. */
const MAX_LINES = 20;

/** One line per mistake: the first problem zod found with each field (a 0.5 batch size is not also "< 1"). */
export function schemaErrorLines(error: ZodError, root: unknown, prefix = ''): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of error.issues) {
    const key = issue.code === 'unrecognized_keys' ? `${issue.path.join('.')}:${issue.keys.join(',')}` : issue.path.join('.');
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(...issueLine(issue, root, prefix));
  }
  return lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES - 1), `... and ${lines.length - MAX_LINES + 1} more mistakes`] : lines;
}

/** A JSON.parse error as one short line (V8 quotes the input, newlines and all). */
export function jsonErrorReason(err: unknown): string {
  return String((err as Error).message).replace(/\s+/g, ' ').slice(0, 200);
}
