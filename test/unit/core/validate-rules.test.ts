/**
 * The rule groups added for issue 12 (items 2, 5 and 6): every expression and template
 * field parsed (validate-expressions.ts), names (validate-names.ts), numbers
 * (config-schema.ts bounds and validate-limits.ts). Each test names the problem's path
 * and checks the message, so a rule that stops firing, or fires elsewhere, fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkVendorConfig } from '../../../core/validate';
import { STREAM_NAMES_BUDGET, TEMPORAL_MAX_ID } from '../../../core/validate-names';
import { backfillWorkflowId } from '../../../cli/backfill/backfill';
import { ingestWorkflowId } from '../../../core/run-plan';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const DEMO_FILE = path.join(__dirname, '..', '..', '..', 'vendors', 'demo-ads', 'config.json');
const STREAM = '$.streams.campaign_daily';
const STEP = `${STREAM}.steps[0]`;
const TABLE = `${STREAM}.table`;
/** Closes the wrapper an engine that spliced text would put around an expression. */
const ESCAPE = 'x}); process.exit(1); ({';
/** The same inside a template: the parser finds where `${` really ends, so this is refused there. */
const ESCAPE_T = '${x)}); process.exit(1); ({}';

function demo(): any {
  return JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8'));
}

const oauth2 = (extra: Record<string, unknown> = {}) => ({
  kind: 'oauth2', grant: 'client_credentials', tokenUrl: 'https://auth.example.com/token', clientId: 'client_id', clientSecret: 'client_secret', ...extra,
});

describe('every expression and template field is parsed (wrapper-closing text refused, with its path)', () => {
  test.each<[string, (c: any) => void, string]>([
    ['auth.value (header auth)', (c) => (c.auth = { kind: 'header', name: 'Authorization', value: ESCAPE_T, secrets: ['api_key'] }), '$.auth.value'],
    ['login request path', (c) => (c.auth = { kind: 'login', request: { path: `/login/${ESCAPE_T}` }, secrets: ['user'], token: 'response.t', header: 'X-T' }), '$.auth.request.path'],
    ['login request form value', (c) => (c.auth = { kind: 'login', request: { path: '/login', form: { u: ESCAPE_T } }, secrets: ['user'], token: 'response.t', header: 'X-T' }), '$.auth.request.form.u'],
    ['login token expression', (c) => (c.auth = { kind: 'login', request: { path: '/login' }, secrets: ['user'], token: ESCAPE, header: 'X-T' }), '$.auth.token'],
    ['oauth2 tokenUrl', (c) => (c.auth = oauth2({ tokenUrl: ESCAPE_T })), '$.auth.tokenUrl'],
    ['top-level headers', (c) => (c.headers = { 'x-account': ESCAPE_T }), '$.headers["x-account"]'],
    ['request body leaf', (c) => (c.streams.campaign_daily.steps[0].request.body = { filter: [{ id: ESCAPE_T }] }), `${STEP}.request.body.filter[0].id`],
    ['records', (c) => (c.streams.campaign_daily.steps[0].records = ESCAPE), `${STEP}.records`],
    ['column source', (c) => (c.streams.campaign_daily.table.columns[1].source = ESCAPE), `${TABLE}.columns[1].source`],
    ['errors.retryWhen', (c) => (c.errors = { retryWhen: ESCAPE }), '$.errors.retryWhen'],
  ])('%s', (_label, mutate, where) => {
    const config = demo();
    mutate(config);
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([where]);
    expect(problems[0].message).toMatch(/^(unexpected text after the expression|expected "}" to close "\$\{")/);
  });

  test('in a template, text after a well-closed ${…} is literal text, not code', () => {
    const config = demo();
    config.headers = { 'x-account': '${inputs.account_id}); process.exit(1); ({' };
    expect(() => checkVendorConfig(config, 'x.json')).not.toThrow();
  });

  test('a request with an empty ${} is refused at its path', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.query.start_date = '${}';
    expect(problemsOf(config)).toEqual([{ path: `${STEP}.request.query.start_date`, message: expect.stringContaining('empty "${}"') }]);
  });

  test('a body nested deeper than 32 levels is refused', () => {
    const config = demo();
    let body: unknown = 'leaf';
    for (let i = 0; i < 40; i++) body = [body];
    config.streams.campaign_daily.steps[0].request.body = body;
    const [problem] = problemsOf(config);
    expect(problem.path).toBe(`${STEP}.request.body${'[0]'.repeat(32)}`);
    expect(problem.message).toBe('nested more than 32 levels deep');
  });
});

describe('static references: inputs, secrets, window', () => {
  test('an undeclared input (a typo) is refused, naming the declared ones', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.path = '/v1/accounts/${inputs.acount_id}/campaign-stats';
    expect(problemsOf(config)).toEqual([
      { path: `${STEP}.request.path`, message: 'inputs.acount_id is not a declared input (it would be empty); declared: account_id' },
    ]);
  });

  test('computed access with a string literal counts; a declared input passes', () => {
    const config = demo();
    config.streams.campaign_daily.table.columns[1].source = 'inputs["account_id"] + inputs["nope"]';
    expect(problemsOf(config).map((p) => p.message)).toEqual(['inputs.nope is not a declared input (it would be empty); declared: account_id']);
  });

  test('a parameter named inputs shadows the run variable and is not checked', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].records = 'response.data.map(inputs => inputs.whatever)';
    expect(() => checkVendorConfig(config, 'x.json')).not.toThrow();
  });

  test('secrets: only credentials the auth lists, and only in auth fields', () => {
    const config = demo();
    config.auth = oauth2({ headers: { 'developer-token': '${secrets.developer_tokn}' }, secrets: ['developer_token'] });
    config.headers = { 'x-leak': '${secrets.client_secret}' };
    expect(problemsOf(config)).toEqual([
      { path: '$.auth.headers["developer-token"]', message: 'secrets.developer_tokn is not a credential this auth lists; listed: client_id, client_secret, developer_token' },
      { path: '$.headers["x-leak"]', message: "secrets.client_secret: credentials are visible only in the auth block's fields" },
    ]);
  });

  test('window has from, to, start and end only', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.query.start_date = '${window.start_date}';
    expect(problemsOf(config)).toEqual([{ path: `${STEP}.request.query.start_date`, message: 'window.start_date does not exist; window has from, to, start, end' }]);
  });
});

describe('$raw{}: an error except in fields that take a whole URL, where it is a warning', () => {
  test('in a path it is refused', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.path = '/v1/accounts/$raw{inputs.account_id}/campaign-stats';
    expect(problemsOf(config)).toEqual([
      {
        path: `${STEP}.request.path`,
        message: `$raw{inputs.account_id} (column 14) inserts its value without URL encoding; $raw{} is allowed only in fields that take a whole URL (a request's "url", "tokenUrl"): use \${…} here`,
      },
    ]);
  });

  test('in a request url it validates and comes back as a warning', () => {
    const config = demo();
    const request = config.streams.campaign_daily.steps[0].request;
    delete request.path;
    request.url = '$raw{inputs.account_id}';
    const { warnings } = checkVendorConfig(config, 'x.json');
    expect(warnings).toEqual([
      { path: `${STEP}.request.url`, message: '$raw{inputs.account_id} (column 1) inserts its value without URL encoding; make sure it is a whole URL the vendor sent' },
    ]);
  });

  test('the committed demo config has no warnings', () => {
    expect(checkVendorConfig(demo(), 'x.json').warnings).toEqual([]);
  });
});

describe('names', () => {
  test.each([
    ['a column named constructor', (c: any) => (c.streams.campaign_daily.table.columns[1].name = 'constructor'), `${TABLE}.columns[1].name`, 'column'],
    ['an input named constructor', (c: any) => (c.inputs[0].name = 'constructor'), '$.inputs[0].name', 'input'],
    ['a step named prototype', (c: any) => (c.streams.campaign_daily.steps[0].name = 'prototype'), `${STEP}.name`, 'step'],
  ])('%s is refused', (_label, mutate, where, what) => {
    const config = demo();
    mutate(config);
    const problems = problemsOf(config).filter((p) => p.path === where);
    expect(problems).toEqual([{ path: where, message: expect.stringMatching(new RegExp(`cannot be an? ${what} name: every JavaScript object already has a property of that name`)) }]);
  });

  test('a stream named constructor is refused at its key', () => {
    const config = demo();
    config.streams = { constructor: config.streams.campaign_daily };
    expect(problemsOf(config)).toContainEqual({ path: '$.streams.constructor', message: '"constructor" cannot be a stream name: every JavaScript object already has a property of that name' });
  });

  test('a "constructor" key where fields are expected is an unknown field, not a crash', () => {
    const config = demo();
    config.semaphore.constructor = 1;
    expect(problemsOf(config)).toEqual([{ path: '$.semaphore.constructor', message: expect.stringMatching(/^unknown field "constructor"/) }]);
  });

  test('DIF\'s own tables and their prefix are refused', () => {
    for (const name of ['dif_load_audit', 'dif_fencing', 'dif_anything']) {
      const config = demo();
      config.streams.campaign_daily.table.name = name;
      expect(problemsOf(config)).toEqual([{ path: `${TABLE}.name`, message: `"${name}": names starting with "dif_" are DIF's own tables (dif_load_audit, dif_fencing, dif_schema_history); choose another` }]);
    }
  });

  test('a primary-key column listed twice', () => {
    const config = demo();
    config.streams.campaign_daily.table.primaryKey = ['campaign_id', 'date', 'campaign_id'];
    expect(problemsOf(config)).toEqual([{ path: `${TABLE}.primaryKey[2]`, message: '"campaign_id" is already in the primary key' }]);
  });

  test('more columns than a warehouse table holds (DIF adds 4)', () => {
    const config = demo();
    const columns = config.streams.campaign_daily.table.columns;
    for (let i = columns.length; i < 1_597; i++) columns.push({ name: `c${i}`, type: 'string' });
    expect(problemsOf(config)).toEqual([{ path: `${TABLE}.columns`, message: '1597 columns plus DIF\'s 4 make 1601; a warehouse table holds at most 1600' }]);
    columns.pop();
    expect(() => checkVendorConfig(config, 'x.json')).not.toThrow();
  });

  test('two streams writing one table must declare it alike', () => {
    const config = demo();
    const copy = JSON.parse(JSON.stringify(config.streams.campaign_daily));
    copy.table.columns[2].type = 'string';
    config.streams.campaign_daily_again = copy;
    expect(problemsOf(config)).toEqual([
      { path: '$.streams.campaign_daily_again.table', message: 'writes table "demo_ads_campaign_daily" like stream "campaign_daily" but with other columns (names, types or pii); streams sharing a table must declare it alike' },
    ]);
    copy.table.columns[2].type = 'date';
    expect(() => checkVendorConfig(config, 'x.json')).not.toThrow();
  });

  test('a stream name longer than 63 characters', () => {
    const config = demo();
    config.streams = { ['s'.repeat(64)]: config.streams.campaign_daily };
    expect(problemsOf(config)).toEqual([{ path: `$.streams.${'s'.repeat(64)}`, message: 'stream name is 64 characters; at most 63' }]);
  });

  test('stream names past the workflow-id budget; at the budget the longest real backfill id fits Temporal', () => {
    const config = demo();
    const stream = config.streams.campaign_daily;
    // Names of 63 characters, each plus a separator, filling the budget exactly.
    const names: string[] = [];
    let used = 0;
    for (let i = 0; used + 64 <= STREAM_NAMES_BUDGET; i++, used += 64) names.push(`s${String(i).padStart(62, '0')}`);
    const last = STREAM_NAMES_BUDGET - used - 1;
    if (last > 0) names.push('t'.repeat(last));
    config.streams = Object.fromEntries(names.map((n) => [n, stream]));
    expect(() => checkVendorConfig(config, 'x.json')).not.toThrow();
    const id = backfillWorkflowId({ vendor: 'v'.repeat(63), customer: 'c'.repeat(100), from: '2026-01-01', to: '2026-12-31', windowDays: 999_999, streams: names });
    expect(id.length).toBeLessThanOrEqual(TEMPORAL_MAX_ID);
    expect(ingestWorkflowId({ vendor: 'v'.repeat(63), customer: 'c'.repeat(100), stream: names[0], window: { from: '2026-01-01', to: '2026-12-31' } }).length).toBeLessThan(TEMPORAL_MAX_ID);
    config.streams.u = stream; // one more name: over the budget
    expect(problemsOf(config)).toEqual([{ path: '$.streams', message: `stream names take ${STREAM_NAMES_BUDGET + 2} characters in all (each plus one); at most ${STREAM_NAMES_BUDGET} fit in a Temporal workflow id of a backfill (limit 1000)` }]);
  });
});

describe('numbers within what their consumers accept', () => {
  test.each([
    ['timeoutSeconds past a day (AbortSignal.timeout overflows at 24.8 days)', (c: any) => (c.timeoutSeconds = 3e6), '$.timeoutSeconds'],
    ['a lease longer than a day', (c: any) => (c.semaphore.leaseSeconds = 1e12), '$.semaphore.leaseSeconds'],
    ['an integer past 2^53', (c: any) => (c.semaphore.limit = 1e300), '$.semaphore.limit'],
    ['a vanishing request rate', (c: any) => (c.rateLimit = { requestsPerSecond: 1e-300 }), '$.rateLimit.requestsPerSecond'],
    ['a window of ten thousand days', (c: any) => (c.window.maxDays = 10_000), '$.window.maxDays'],
  ])('%s', (_label, mutate, where) => {
    const config = demo();
    mutate(config);
    expect(problemsOf(config)).toEqual([{ path: where, message: expect.stringMatching(/^expected (integer|number) to be (less|greater) or equal to/) }]);
  });

  test('retry.maxIntervalSeconds below the initial interval (Temporal would throw inside the workflow)', () => {
    const config = demo();
    config.retry = { initialIntervalSeconds: 30, maxIntervalSeconds: 5 };
    expect(problemsOf(config)).toEqual([{ path: '$.retry.maxIntervalSeconds', message: 'the longest retry delay (5 s) is below the first (30 s); Temporal refuses that policy' }]);
    config.retry = { initialIntervalSeconds: 90 }; // against the default maximum of 60
    expect(problemsOf(config)).toEqual([{ path: '$.retry.initialIntervalSeconds', message: 'the longest retry delay (60 s) is below the first (90 s); Temporal refuses that policy' }]);
  });

  test('retry.perRequest.maxIntervalSeconds below its initial interval, given or by default', () => {
    const config = demo();
    config.retry = { perRequest: { initialIntervalSeconds: 2, maxIntervalSeconds: 1 } };
    expect(problemsOf(config)).toEqual([{ path: '$.retry.perRequest.maxIntervalSeconds', message: "the longest delay between a request's attempts (1 s) is below the first (2 s)" }]);
    config.retry = { perRequest: { initialIntervalSeconds: 45 } }; // against the default maximum of 30
    expect(problemsOf(config)).toEqual([{ path: '$.retry.perRequest.initialIntervalSeconds', message: "the longest delay between a request's attempts (30 s) is below the first (45 s)" }]);
    config.retry = { perRequest: { initialIntervalSeconds: 0.01, maxIntervalSeconds: 0.01 } };
    expect(() => checkVendorConfig(config, 'demo-ads')).not.toThrow();
  });
});

test('a category outside the catalogue\'s list is named at $.category', () => {
  const config = demoConfig();
  config.category = 'adtech';
  const problems = problemsOf(config);
  expect(problems.map((p) => p.path)).toEqual(['$.category']);
});
