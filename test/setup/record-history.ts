/**
 * Saves a finished run's history as a replay fixture (test/fixtures/histories), in the JSON
 * the Temporal CLI prints: the format the Web UI downloads and the replayer reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { difHome, type Settings } from '../../adapters/settings';

export const HISTORY_FIXTURES = path.join(__dirname, '..', 'fixtures', 'histories');

/** Writes `<name>-<today>.json` and gives its path; `name` says the workflow shape it holds. */
export function saveHistory(settings: Settings, name: string, run: { workflowId: string; runId: string }): string {
  const json = execFileSync(path.join(difHome(), 'bin', 'temporal'), [
    'workflow', 'show', '--address', settings.temporalAddress, '--namespace', settings.temporalNamespace,
    '-w', run.workflowId, '-r', run.runId, '-o', 'json',
  ]);
  const file = path.join(HISTORY_FIXTURES, `${name}-${new Date().toISOString().slice(0, 10)}.json`);
  fs.writeFileSync(file, json);
  return file;
}
