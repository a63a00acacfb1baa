/**
 * The step kinds as the registry holds them (steps/registry.ts): each kind's own checks
 * fire through validation at the step's path, each planner gives the workflow its plan
 * variant, and activities get their step by kind (stepConfigOf) or a ConfigError naming
 * what the plan and the config disagree on.
 */
import { ApplicationFailure } from '@temporalio/common';
import { demoConfig, problemsOf } from '../helpers/config-problems';
import { validateVendorConfig } from '../../../core/validate';
import type { VendorConfig } from '../../../core/config-schema';
import type { RunContext } from '../../../core/contracts';
import { stepKindOf, stepKinds } from '../../../steps/registry';
import { stepConfigOf } from '../../../activities/pinned-config';
import { cleanRoomActivityNames, type ActivityDeps } from '../../../activities';
import { stepActivities } from '../../../steps/activity-registry';

const STREAM = '$.streams.campaign_daily';

/** The demo vendor with the given steps in its one stream. */
function withSteps(steps: unknown[]): any {
  const config = demoConfig();
  config.streams.campaign_daily.steps = steps;
  return config;
}

const single = (name: string, request: Record<string, unknown> = { path: '/v1/accounts' }) => ({ kind: 'single', name, request });
const dependent = (name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'dependent', name, request: { path: '/v1/campaigns/${parent.id}' }, items: 'response.data', ...extra,
});
const asyncStep = (poll: Record<string, unknown> = {}) => ({
  kind: 'async',
  name: 'report',
  submit: { request: { method: 'POST', path: '/v1/reports' }, jobId: 'response.id' },
  poll: { request: { path: '/v1/reports/${job.id}' }, status: 'response.status', done: ['DONE'], failed: ['FAILED'], intervalSeconds: 30, timeoutMinutes: 60, ...poll },
});

describe('checks of each kind, through validation', () => {
  test('a dependent step first in its stream has nothing to take items from', () => {
    expect(problemsOf(withSteps([dependent('campaigns')]))).toEqual([
      { path: `${STREAM}.steps[0].kind`, message: 'a dependent step needs an earlier step to take its items from' },
    ]);
  });

  test('a dependent step names an earlier step in `from`, not itself or a later one', () => {
    expect(problemsOf(withSteps([single('accounts'), dependent('campaigns', { from: 'campaigns' }), single('later')]))).toEqual([
      { path: `${STREAM}.steps[1].from`, message: '"campaigns" is not an earlier step of this stream' },
    ]);
  });

  test('a request of an API step names where it goes', () => {
    expect(problemsOf(withSteps([single('accounts', { method: 'GET' })]))).toEqual([
      { path: `${STREAM}.steps[0].request`, message: 'needs a "path" (relative to baseUrl) or a "url"' },
    ]);
  });

  test('an async step waits no longer between polls than its longest wait allows', () => {
    expect(problemsOf(withSteps([asyncStep({ intervalSeconds: 60, maxIntervalSeconds: 10 })]))).toEqual([
      { path: `${STREAM}.steps[0].poll.maxIntervalSeconds`, message: 'the longest wait between polls (10 s) is below the first (60 s)' },
    ]);
  });

  test('a files step that would look for late files more than 300 times is refused: the run\'s history stays bounded', () => {
    const files = (wait: Record<string, number>) => ({
      kind: 'files', name: 'drops', source: { kind: 'sftp', host: 'sftp.example.com', username: 'u', password: 'p', folder: '/out' },
      match: '^orders_.*\\.csv$', expect: 'wait', wait, decode: { format: 'csv' },
    });
    expect(problemsOf(withSteps([files({ intervalMinutes: 1, timeoutMinutes: 10_080 })]))).toEqual([
      { path: `${STREAM}.steps[0].wait`, message: 'looks 10080 times (every 1 min for 10080 min); at most 300: look less often' },
    ]);
    expect(() => validateVendorConfig(withSteps([files({ intervalMinutes: 15, timeoutMinutes: 360 })]), 'test-config.json')).not.toThrow();
  });

  test('a vendor of files steps only needs no baseUrl or auth: files steps do not call the API', () => {
    expect(stepKinds.files.callsApi).toBe(false);
    expect(Object.entries(stepKinds).filter(([, kind]) => kind.callsApi).map(([name]) => name)).toEqual(['single', 'paginated', 'dependent', 'async']);
  });
});

describe('plans', () => {
  test('a dependent step finds its `from` by name, or takes the step before; batching has defaults', () => {
    const steps = withSteps([single('accounts'), single('campaigns'), dependent('stats', { from: 'accounts', concurrency: 2 }), dependent('ads')]).streams.campaign_daily.steps;
    expect(stepKindOf('dependent').plan(steps[2], { index: 2, all: steps })).toEqual({ name: 'stats', kind: 'dependent', from: 0, concurrency: 2, batchSize: 200 });
    expect(stepKindOf('dependent').plan(steps[3], { index: 3, all: steps })).toEqual({ name: 'ads', kind: 'dependent', from: 2, concurrency: 4, batchSize: 200 });
  });

  test('an async step plans its polling schedule and whether it can be cancelled, never its requests', () => {
    const step = { ...asyncStep({ backoff: 2 }), cancel: { request: { method: 'DELETE', path: '/v1/reports/${job.id}' } } } as any;
    expect(stepKindOf('async').plan(step, { index: 0, all: [step] })).toEqual({
      name: 'report',
      kind: 'async',
      poll: { intervalSeconds: 30, backoff: 2, maxIntervalSeconds: undefined, timeoutMinutes: 60 },
      cancellable: true,
    });
  });
});

describe('stepConfigOf', () => {
  const config = withSteps([single('accounts'), dependent('campaigns')]) as VendorConfig;
  const pinned = { config, inputs: {} };
  const run = { vendor: 'demo-ads', stream: 'campaign_daily' } as RunContext;

  test('gives the step when it is of a kind asked for', () => {
    expect(stepConfigOf(pinned, run, 1, 'dependent').items).toBe('response.data');
    expect(stepConfigOf(pinned, run, 0, ['single', 'paginated']).name).toBe('accounts');
  });

  test('a step of another kind is a final ConfigError naming the step, its kind and the kind planned', () => {
    const failure = (() => {
      try {
        stepConfigOf(pinned, run, 0, 'async');
      } catch (e) {
        return e;
      }
    })();
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'ConfigError',
      nonRetryable: true,
      message: 'demo-ads: $.streams.campaign_daily.steps[0] is of kind single, where the plan has kind async',
    });
  });

  test('a step index past the stream is a ConfigError too, not a read of undefined', () => {
    expect(() => stepConfigOf(pinned, run, 5, ['single', 'dependent'])).toThrow(
      'demo-ads: $.streams.campaign_daily.steps[5] is missing, where the plan has kind single or dependent',
    );
  });
});

describe('clean-room activities', () => {
  // The factories only close over their deps: none is called here.
  const deps = {} as ActivityDeps;

  test('a clean room registers every step kind\'s activities (all scheduled in the room), CSV writing and export; never prepareRun or loadCsv', () => {
    const names = cleanRoomActivityNames(deps);
    expect(names).toEqual(expect.arrayContaining([...Object.keys(stepActivities(deps)), 'toCsv', 'exportCsv', 'storeRawLists']));
    expect(names).not.toContain('prepareRun');
    expect(names).not.toContain('loadCsv');
  });

  test('the step activities keep the names recorded histories and clean rooms know them by', () => {
    expect(Object.keys(stepActivities(deps))).toEqual(
      expect.arrayContaining(['fetchPages', 'fetchFiles', 'planItems', 'submitJob', 'pollJob', 'cancelJob', 'downloadResult']),
    );
  });
});
