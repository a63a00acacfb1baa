/**
 * Workflow code must keep replaying the histories of runs already in flight (DESIGN.md,
 * invariant 8). The fixtures are real histories, one or more per workflow shape (completed,
 * dependent, async done/failed/cancelled, files wait, clean room, backfill,
 * scheduledIngest, and the bounded-history children: fan-out chunks, continued job polls); a change to workflows/ that would break a running workflow fails here
 * and needs `patched()`.
 *
 * Record fixtures from today's (unmodified) workflow code with test/record/histories.record.ts:
 *   npx jest --testMatch '**\/test/record/*.record.ts'
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { HISTORY_FIXTURES } from '../setup/record-history';
import { WORKFLOW_BUNDLE } from '../setup/test-settings';

const fixtures = fs.readdirSync(HISTORY_FIXTURES).filter((f) => f.endsWith('.json'));

test('every workflow shape has a recorded history', () => {
  const shapes = ['ingest-completed', 'ingest-dependent', 'ingest-async-done', 'ingest-async-failed', 'ingest-async-cancelled', 'ingest-files-wait', 'ingest-clean-room', 'backfill', 'scheduled-ingest', 'ingest-dependent-chunked', 'fan-out-chunk', 'ingest-async-polls-child', 'job-polls'];
  expect(shapes.filter((shape) => !fixtures.some((f) => f.startsWith(`${shape}-2`)))).toEqual([]);
});

test.each(fixtures)('%s replays with the current workflow code', async (file) => {
  // Passed as JSON: the worker decodes it with its own protobuf copy.
  const history = JSON.parse(fs.readFileSync(path.join(HISTORY_FIXTURES, file), 'utf8'));
  await Worker.runReplayHistory({ workflowBundle: { codePath: WORKFLOW_BUNDLE } }, history, file);
});
