/** Output helpers shared by the commands: one JSON line for scripts, a table for people. */
import Table from 'cli-table3';

export const printJson = (value: unknown): void => console.log(JSON.stringify(value));

export function printTable(head: string[], rows: (string | number)[][]): void {
  // No rule between rows: a plan of many windows stays one screen tall.
  const table = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  table.push(...rows.map((r) => r.map(String)));
  console.log(table.toString());
}
