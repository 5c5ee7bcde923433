/** Small figure helpers for the benchmark report. */

export interface Summary {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

// NaN marks "not measured" (e.g. firstContentMs of a stream without content): it must not count as a value.
function sortedFinite(values: readonly number[]): number[] {
  return values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
}

function nearestRank(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Nearest-rank percentile (p in 0..100) on a sorted copy; NaN entries are ignored; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  return nearestRank(sortedFinite(values), p);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = sortedFinite(values);
  if (sorted.length === 0) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN, count: 0 };
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: nearestRank(sorted, 50),
    p99: nearestRank(sorted, 99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
    count: sorted.length,
  };
}

/** Integers as they are; fractions with fewer decimals the larger they get; non-finite as "n/a". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  return value.toFixed(magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2);
}

function cellText(cell: string | number): string {
  const text = typeof cell === 'number' ? formatNumber(cell) : cell;
  // A raw pipe or newline would break the row apart.
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** GitHub markdown table; columns holding only numbers are right-aligned. Cells are padded so it also reads well as plain text. */
export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const width = header.length;
  if (width === 0) throw new Error('markdownTable needs at least one column');
  rows.forEach((row, index) => {
    if (row.length !== width) throw new Error(`markdownTable row ${index} has ${row.length} cells, expected ${width}`);
  });
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number'));
  const head = header.map(cellText);
  const body = rows.map((row) => row.map(cellText));
  const widths = head.map((text, column) => Math.max(3, text.length, ...body.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((text, column) => (numeric[column] ? text.padStart(widths[column]!) : text.padEnd(widths[column]!))).join(' | ')} |`;
  const separator = `| ${widths.map((w, column) => (numeric[column] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), separator, ...body.map(line)].join('\n');
}

/** module / baseline as "1.12x"; "n/a" when the ratio means nothing. */
export function formatRatio(module: number, baseline: number): string {
  if (!Number.isFinite(module) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  return `${(module / baseline).toFixed(2)}x`;
}
