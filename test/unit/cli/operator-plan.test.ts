/** The pure decisions behind the operator commands: windows, ids, visibility queries, exit codes. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { logicalWindow } from '../../../core/logical-window';
import { backfillWorkflowId, parseWindowDays } from '../../../cli/backfill/backfill';
import { listQuery, PART_WORKFLOW_TYPES } from '../../../cli/runs/runs';
import * as workflows from '../../../workflows';
import { EXIT, exitCodeFor } from '../../../cli/shared/exit-codes';

test('a scheduled run loads yesterday minus the lookback .. yesterday, whatever the hour', () => {
  expect(logicalWindow(new Date('2026-11-28T03:00:00Z'), 0)).toEqual({ from: '2026-11-27', to: '2026-11-27' });
  expect(logicalWindow(new Date('2026-11-28T23:59:59Z'), 2)).toEqual({ from: '2026-11-25', to: '2026-11-27' });
  expect(logicalWindow(new Date('2026-03-01T00:00:00Z'), 1)).toEqual({ from: '2026-02-27', to: '2026-02-28' });
});

test('--window takes days, with or without the d', () => {
  expect(parseWindowDays('7d')).toBe(7);
  expect(parseWindowDays('30')).toBe(30);
  expect(() => parseWindowDays('0d')).toThrow(/number of days/);
  expect(() => parseWindowDays('1w')).toThrow(/number of days/);
});

test('a backfill id is the same for the same request, and differs when the request does', () => {
  const r = { vendor: 'demo-ads', customer: 'acme', from: '2026-01-01', to: '2026-03-31', windowDays: 7 };
  expect(backfillWorkflowId(r)).toBe('backfill/demo-ads/acme/2026-01-01..2026-03-31/7d');
  expect(backfillWorkflowId({ ...r, windowDays: undefined })).toBe('backfill/demo-ads/acme/2026-01-01..2026-03-31');
  expect(backfillWorkflowId({ ...r, streams: ['b', 'a'] })).toBe(backfillWorkflowId({ ...r, streams: ['a', 'b'] }));
});

test('list filters become a visibility query; a quote cannot get in', () => {
  expect(listQuery({ vendor: 'demo-ads', customer: 'acme', status: 'failed', since: '2026-11-01' })).toBe(
    'DifVendor = "demo-ads" AND DifCustomer = "acme" AND WorkflowType != "fanOutChunk" AND WorkflowType != "jobPolls" AND ExecutionStatus = "Failed" AND StartTime >= "2026-11-01T00:00:00.000Z"',
  );
  expect(listQuery({})).toBe('WorkflowType != "fanOutChunk" AND WorkflowType != "jobPolls"');
  expect(listQuery({ type: 'jobPolls' })).toBe('WorkflowType = "jobPolls"');
  expect(listQuery({ taskQueue: 'dif-ingest' })).toBe('WorkflowType != "fanOutChunk" AND WorkflowType != "jobPolls" AND TaskQueue = "dif-ingest"');
  expect(() => listQuery({ taskQueue: 'q" OR 1=1' })).toThrow(/task queue .* may only hold/);
  expect(() => listQuery({ customer: 'x" OR 1=1' })).toThrow(/may only hold/);
  expect(() => listQuery({ status: 'broken' })).toThrow(/--status must be one of/);
  expect(() => listQuery({ since: '2026-13-01' })).toThrow(/YYYY-MM-DD/);
});

test('the parts of a run that lists leave out are workflow types the worker registers', () => {
  for (const type of PART_WORKFLOW_TYPES) expect(typeof (workflows as Record<string, unknown>)[type]).toBe('function');
});

test('an id that names no run exits 2, not 1', () => {
  expect(exitCodeFor(new WorkflowNotFoundError('no run', 'x', undefined))).toBe(EXIT.usage);
  expect(exitCodeFor(new Error('boom'))).toBe(EXIT.runFailed);
});
