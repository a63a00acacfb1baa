/**
 * The checks of a stream's `incremental` block a schema cannot express; each problem names
 * its JSON path (`$.streams.contacts.incremental.cursor`).
 */
import type { StreamConfig } from './config-schema';
import { lookbackSeconds } from './incremental';
import type { ConfigProblem } from './validate-paths';

export function incrementalProblems(stream: StreamConfig, at: string, out: ConfigProblem[]): void {
  const incremental = stream.incremental;
  if (!incremental) return;
  const where = `${at}.incremental`;
  const column = stream.table.columns.find((c) => c.name === incremental.cursor);
  if (!column) {
    out.push({ path: `${where}.cursor`, message: `"${incremental.cursor}" is not one of the table's columns (${stream.table.columns.map((c) => c.name).join(', ')})` });
  } else if (column.type !== 'timestamp') {
    out.push({ path: `${where}.cursor`, message: `column "${column.name}" is of type ${column.type}; a timestamp cursor needs a timestamp column` });
  }
  const lookback = lookbackSeconds(incremental.lookback);
  if (typeof lookback === 'string') out.push({ path: `${where}.lookback`, message: lookback });
}
