/**
 * The merge's floor: `psql` running by hand the very statements DIF's loader runs for a
 * merge (table-plan.ts loadPlan, Postgres dialect: lock, temporary staging table, COPY,
 * DELETE … USING, INSERT of the latest copy per key, audit rows, one transaction), the
 * rows `\copy`'d from one plain CSV file. No Node, no gzip, no pool: what is left is
 * Postgres's work, so DIF's time over this one is DIF's own cost.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TableConfig } from '../core/config-schema';
import { auditRow, loadPlan, type LoadStatement } from '../adapters/warehouse/table-plan';
import type { LoadAudit } from '../adapters/warehouse/warehouse';
import { timed } from './report';

const run = promisify(execFile);

const quoted = (value: string | number): string => `'${String(value).replace(/'/g, "''")}'`;

/**
 * The script, one statement per plan step. The audit row's counts are the expected ones,
 * written as literals (psql cannot read them back without extra round trips DIF does not
 * make); what they cost the insert does not depend on their values.
 */
export function psqlMergeScript(
  schema: string,
  table: TableConfig,
  file: string,
  audit: LoadAudit,
  expected: { files: number; staged: number; inserted: number; replaced: number },
): { script: string; steps: LoadStatement['step'][] } {
  if (table.load?.checks?.length) throw new Error(`psql merge floor: table ${table.name} has data checks, which the floor does not run`);
  if (file.includes("'") || file.includes('\n')) throw new Error(`psql merge floor: the CSV path ${JSON.stringify(file)} cannot be quoted for \\copy`);
  // The audit is the scope, as SqlWarehouse.load passes it: the same statements as DIF's.
  const plan = loadPlan('postgres', schema, table, { kind: 'stdin' }, audit);
  const values = auditRow(audit, table.name, { ...expected, durationMs: 0 });
  const lines = plan.map(({ step, sql }) => {
    // psql's \copy is COPY … FROM STDIN on the same session, fed from the client's file; it must stay on one line.
    if (step === 'copy') return sql.replace(/^COPY /, '\\copy ').replace(' FROM STDIN ', ` FROM '${file}' `);
    return `${sql.replace(/\$(\d+)/g, (_, n: string) => quoted(values[Number(n) - 1]))};`;
  });
  return { script: `${lines.join('\n')}\n`, steps: plan.map((s) => s.step) };
}

/**
 * Runs the script (written to `scriptFile`) under `\timing` and reads each statement's
 * command tag and time, in plan order (`DELETE 500000`, then `Time: 812.3 ms`): the seconds
 * it took, the rows the key delete replaced, the rows the insert wrote, and the seconds of
 * each step (the COPY's, the delete's, the insert's…), to set beside DIF's.
 */
export async function runPsqlMerge(
  url: string,
  scriptFile: string,
  steps: LoadStatement['step'][],
): Promise<{ seconds: number; replaced: number; written: number; steps: Partial<Record<LoadStatement['step'], number>> }> {
  const { result, seconds } = await timed(() => run('psql', [url, '-X', '-v', 'ON_ERROR_STOP=1', '-c', '\\timing on', '-f', scriptFile]));
  const lines = result.stdout.trim().split('\n').filter((l) => l !== 'Timing is on.');
  const tags = lines.filter((l) => !l.startsWith('Time: '));
  const times = lines.filter((l) => l.startsWith('Time: ')).map((l) => Number(/^Time: ([\d.]+) ms/.exec(l)?.[1]) / 1000);
  if (tags.length !== steps.length || times.length !== steps.length) {
    throw new Error(`psql merge floor: ${steps.length} statements but ${tags.length} command tags and ${times.length} times:\n${result.stdout}`);
  }
  const rows = (i: number) => Number(tags[i].split(' ').pop());
  const bySteps: Partial<Record<LoadStatement['step'], number>> = {};
  steps.forEach((step, i) => (bySteps[step] = (bySteps[step] ?? 0) + times[i]));
  return { seconds, replaced: rows(steps.indexOf('delete')), written: rows(steps.indexOf('insert')), steps: bySteps };
}
