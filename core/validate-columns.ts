/**
 * Checks of one column beyond its schema: a format that fits its type, a default that is a
 * value of its type, a money transform that fits, and the combinations that contradict
 * each other. Each problem names the field's path. Pure.
 */
import type { ColumnConfig } from './config-schema';
import { checkFormat, ColumnValueError, defaultCell } from './columns';
import type { ConfigProblem } from './validate-paths';

export function columnProblems(column: ColumnConfig, at: string, out: ConfigProblem[]): void {
  try {
    checkFormat(column);
  } catch (e) {
    out.push({ path: `${at}.format`, message: (e as Error).message });
  }
  if (column.default !== undefined) {
    if (column.required) out.push({ path: `${at}.default`, message: 'a column with a default may be absent from the input, so it cannot also be `required`: drop one of them' });
    if (column.metadata) out.push({ path: `${at}.default`, message: 'a metadata column is always filled from the run: it takes no default' });
    if (column.pii) out.push({ path: `${at}.default`, message: 'a personal (pii) column takes no default: a made-up personal value would be protected and joined like a real one' });
    try {
      defaultCell(column);
    } catch (e) {
      if (!(e instanceof ColumnValueError)) throw e;
      out.push({ path: `${at}.default`, message: `${JSON.stringify(column.default)} is not a value of a ${column.type} column` });
    }
  }
  if (column.money) {
    if (column.format !== undefined) out.push({ path: `${at}.format`, message: 'a money column is converted by its currency: it takes no format' });
    if (column.metadata || column.pii) out.push({ path: `${at}.money`, message: 'money applies to amounts read from the record, not to metadata or pii columns' });
    const wanted = column.money.amountIn === 'minor' ? 'decimal' : 'integer';
    if (column.type !== wanted)
      out.push({ path: `${at}.type`, message: `a money column with amountIn "${column.money.amountIn}" holds ${wanted === 'decimal' ? 'major units: type must be decimal' : 'minor units: type must be integer'}` });
  }
}
