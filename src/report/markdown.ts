/** Small markdown builders for the reports: tables, code blocks, numbers. */

/** A table cell: pipes would end the cell and newlines the row, so both are neutralised. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured table; `align` per column ('l' or 'r', default 'l'). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** A fenced code block whose fence is longer than any backtick run inside, so no content can close it early. */
export function codeBlock(text: string, language = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${text.replace(/\n+$/, '')}\n${fence}`;
}

/** Text placed inside HTML (a <summary>, say): the three characters HTML treats specially. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "99.45%"; accuracies are already percentages. */
export function percent(value: number, digits = 2): string {
  return `${value.toFixed(digits)}%`;
}

/**
 * `value` as a percentage beside the `threshold` it is compared with: with more digits when two
 * would round a value below the threshold up to it ("99.495% < 99.50%", never "99.50% < 99.50%").
 */
export function percentAgainst(value: number, threshold: number): string {
  let digits = 2;
  while (digits < 6 && value < threshold && value.toFixed(digits) === threshold.toFixed(digits)) digits++;
  return percent(value, digits);
}
