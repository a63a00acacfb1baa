/**
 * Workflow code must keep replaying the histories of runs already in flight (DESIGN.md,
 * invariant 8). The fixtures are real histories recorded from this suite; a change to
 * workflows/ that would break a running workflow fails here and needs `patched()`.
 *
 * Record a new fixture after a deliberate, patched change:
 *   DIF_RECORD_HISTORIES=1 npx jest test/integration/replay.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { difHome } from '../../adapters/settings';
import { Worker } from '@temporalio/worker';
import { runIngestion } from '../../cli/run/run';
import { startHarness } from '../setup/harness';
import { uniqueName, WORKFLOW_BUNDLE } from '../setup/test-settings';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'histories');

if (process.env.DIF_RECORD_HISTORIES === '1') {
  test('record a completed ingest history', async () => {
    const h = await startHarness('record');
    try {
      const customer = uniqueName('replay');
      await h.seedCustomer(customer);
      const [outcome] = await runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, {
        vendor: 'demo-ads',
        customer,
        window: { from: '2026-08-01', to: '2026-08-02' },
      });
      expect(outcome.status).toBe('COMPLETED');
      // The CLI's JSON is the format the Web UI downloads and historyFromJSON reads.
      const json = execFileSync(path.join(difHome(), 'bin', 'temporal'), [
        'workflow', 'show', '--address', h.settings.temporalAddress, '-w', outcome.workflowId, '-r', outcome.runId, '-o', 'json',
      ]);
      fs.writeFileSync(path.join(FIXTURES, `ingest-completed-${new Date().toISOString().slice(0, 10)}.json`), json);
    } finally {
      await h.shutdown();
    }
  });
} else {
  const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

  test('there is at least one recorded history', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  test.each(fixtures)('%s replays with the current workflow code', async (file) => {
    // Passed as JSON: the worker decodes it with its own protobuf copy.
    const history = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: { codePath: WORKFLOW_BUNDLE } }, history, file);
  });
}
