/**
 * `decode.lines` holds regular expressions run on every line of a report file: each must
 * compile, and it only means something for the row formats it cuts (csv, tsv). Pure.
 */
import type { ConfigProblem } from './validate-paths';

interface StepWithDecode {
  decode?: { format?: string; lines?: { after?: string; until?: string } };
}

export function decodeLinesProblems(step: StepWithDecode, at: string, out: ConfigProblem[]): void {
  const lines = step.decode?.lines;
  if (!lines) return;
  const format = step.decode?.format;
  if (format !== 'csv' && format !== 'tsv') out.push({ path: `${at}.decode.lines`, message: `cuts the lines of a csv or tsv file; decode.format is ${JSON.stringify(format)}` });
  for (const key of ['after', 'until'] as const) {
    const pattern = lines[key];
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern);
    } catch (e) {
      out.push({ path: `${at}.decode.lines.${key}`, message: `is not a regular expression: ${(e as Error).message}` });
    }
  }
}
