/**
 * A loader process (test/setup/load-child.ts) started on one CSV file and awaited until its
 * rows are staged: it then holds the table lock inside its transaction, to be killed.
 */
import { spawn } from 'node:child_process';
import { projectRoot } from '../../adapters/settings';
import type { TableConfig } from '../../core/config-schema';
import type { LoadAudit } from '../../adapters/warehouse/warehouse';

export async function stagedLoader(
  schema: string,
  table: TableConfig,
  file: string,
  audit?: LoadAudit,
  /** A table with child tables: each child's CSV file by its table name. */
  childFiles?: Record<string, string>,
): Promise<{ kill(): Promise<NodeJS.Signals | null> }> {
  const extra = childFiles ? [JSON.stringify(audit ?? null), JSON.stringify(childFiles)] : audit ? [JSON.stringify(audit)] : [];
  const args = ['-r', './test/setup/ts-register.js', 'test/setup/load-child.ts', schema, JSON.stringify(table), file, ...extra];
  const child = spawn(process.execPath, args, { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('staged') && resolve());
    child.on('exit', (code) => reject(new Error(`the loader process exited (${code}) before staging`)));
  });
  return {
    kill() {
      child.kill('SIGKILL');
      return exited;
    },
  };
}
