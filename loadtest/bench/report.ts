import { cpus } from 'node:os';

export type Row = {
  figure: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** The ratio to print when it is not value / baseline (a median of several rounds' ratios). */
  ratio?: number;
  target?: string;
};

const format = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2));

export function machine(): string {
  const cores = cpus();
  return `${cores.length} cores, ${cores[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
}

export function markdownTable(rows: Row[]): string {
  const lines = ['| figure | value | baseline (same run) | ratio | target |', '|---|---:|---|---:|---|'];
  for (const row of rows) {
    const baseline = row.baseline ? `${row.baseline.name}: ${format(row.baseline.value)}` : '';
    const ratio = row.baseline ? `${Math.round((row.ratio ?? row.value / row.baseline.value) * 100)} %` : '';
    lines.push(`| ${row.figure} | ${format(row.value)} ${row.unit} | ${baseline} | ${ratio} | ${row.target ?? ''} |`);
  }
  return lines.join('\n');
}
