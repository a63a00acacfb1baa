/**
 * The async step's multi-hop download (`download.resolve`), the compression an answer names
 * (`download.compression`) and a request's rate-limit `cost`: validation names each mistake
 * by its JSON path, the catalogue says how many calls lead to the file, and the answer's
 * compression is read strictly (an unknown value fails, naming the field).
 */
import { ApplicationFailure } from '@temporalio/common';
import { demoConfig, problemsOf } from '../helpers/config-problems';
import { checkVendorConfig } from '../../../core/validate';
import { describeAsync, MAX_RESOLVE_HOPS, type AsyncStepConfig } from '../../../steps/async/grammar';
import { answeredCompression } from '../../../steps/async/download-hops';

const STEP = '$.streams.campaign_daily.steps[0]';

const hop = (extra: Record<string, unknown> = {}) => ({ value: 'response.reportDocumentId', request: { path: '/documents/${value}' }, ...extra });

/** The demo vendor whose one stream is an async report reached through `download`. */
function withDownload(download: Record<string, unknown>): any {
  const config = demoConfig();
  config.streams.campaign_daily.steps = [
    {
      kind: 'async',
      name: 'report',
      submit: { request: { method: 'POST', path: '/v1/reports', cost: 120 }, jobId: 'response.reportId' },
      poll: { request: { path: '/v1/reports/${job.id}' }, status: 'response.processingStatus', done: ['DONE'], failed: ['FATAL'], intervalSeconds: 30, timeoutMinutes: 60 },
      download,
      decode: { format: 'tsv' },
    },
  ];
  config.rateLimit = { requestsPerSecond: 2 }; // what the costs count against
  return config;
}

describe('validation of download.resolve, download.compression and cost', () => {
  test('a two-hop download with an answered compression and costs validates', () => {
    const config = withDownload({
      resolve: [hop({ request: { path: '/documents/${value}', cost: 120 } }), hop({ value: 'response.next', request: { url: '$raw{value}', auth: 'none' } })],
      url: 'response.url',
      compression: "response.compressionAlgorithm === 'GZIP' ? 'gzip' : 'none'",
      cost: 0,
    });
    const { config: checked } = checkVendorConfig(config, 'x.json');
    expect(describeAsync(checked.streams.campaign_daily.steps[0] as AsyncStepConfig)).toBe('async, download after 2 calls');
  });

  test.each<[string, Record<string, unknown>, { path: string; message: RegExp }[]]>([
    ['no hops at all', { resolve: [], url: 'response.url' }, [{ path: `${STEP}.download.resolve`, message: /at least 1/ }]],
    [
      `more than ${MAX_RESOLVE_HOPS} hops`,
      { resolve: Array.from({ length: MAX_RESOLVE_HOPS + 1 }, () => hop()), url: 'response.url' },
      [{ path: `${STEP}.download.resolve`, message: new RegExp(`holds ${MAX_RESOLVE_HOPS + 1} items; at most ${MAX_RESOLVE_HOPS} allowed`) }],
    ],
    ['a hop without its value', { resolve: [{ request: { path: '/d' } }], url: 'response.url' }, [{ path: `${STEP}.download.resolve[0]`, message: /missing required field "value"/ }]],
    ['a hop with an unknown field', { resolve: [hop({ next: 'x' })], url: 'response.url' }, [{ path: `${STEP}.download.resolve[0].next`, message: /unknown field "next"; allowed: value, request/ }]],
    [
      'a negative cost',
      { resolve: [hop({ request: { path: '/d/${value}', cost: -1 } })], url: 'response.url' },
      [{ path: `${STEP}.download.resolve[0].request.cost`, message: /greater or equal to 0.*Slots of the vendor’s `rateLimit`/ }],
    ],
    ['a download cost that is not a number', { url: 'response.url', cost: 'free' }, [{ path: `${STEP}.download.cost`, message: /expected number/ }]],
    ['a hop request going nowhere', { resolve: [hop({ request: { method: 'GET' } })], url: 'response.url' }, [{ path: `${STEP}.download.resolve[0].request`, message: /needs a "path" \(relative to baseUrl\) or a "url"/ }]],
    ['a value that is not one expression', { resolve: [hop({ value: 'response.(' })], url: 'response.url' }, [{ path: `${STEP}.download.resolve[0].value`, message: /./ }]],
    ['a compression that is not one expression', { url: 'response.url', compression: "'gzip'); x(" }, [{ path: `${STEP}.download.compression`, message: /./ }]],
    ['a hop path template left open', { resolve: [hop({ request: { path: '/d/${value' } })], url: 'response.url' }, [{ path: `${STEP}.download.resolve[0].request.path`, message: /unclosed "\$\{"/ }]],
  ])('%s is named at its path', (_label, download, expected) => {
    const problems = problemsOf(withDownload(download));
    expect(problems.map((p) => p.path)).toEqual(expected.map((e) => e.path));
    problems.forEach((p, i) => expect(p.message).toMatch(expected[i].message));
  });
});

describe('the compression an answer names', () => {
  const where = 'v: $.streams.s.steps[0]';
  /** Stands in for the expression engine: the expression is the value's key in `answer`. */
  const over = (answer: Record<string, unknown>) => ({ where, evaluate: (expression: string) => answer[expression] });
  const download = (compression?: string) => ({ url: 'response.url', ...(compression ? { compression } : {}) });

  test('follows the answer: gzip, none, zip, auto', () => {
    for (const value of ['gzip', 'none', 'zip', 'auto']) expect(answeredCompression(download('c'), over({ c: value }))).toBe(value);
  });

  test('null, undefined or no expression keep decode.compression', () => {
    expect(answeredCompression(download('c'), over({ c: null }))).toBeUndefined();
    expect(answeredCompression(download('c'), over({}))).toBeUndefined();
    expect(answeredCompression(download(), over({ c: 'gzip' }))).toBeUndefined();
  });

  test('a value DIF does not know fails as data, naming the field and the value', () => {
    let failure: unknown;
    try {
      answeredCompression(download('c'), over({ c: 'GZIP' }));
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('DataError');
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as Error).message).toBe(`${where}.download.compression gave "GZIP"; expected one of gzip, zip, none, auto (or null to keep decode.compression)`);
  });
});

test('a request cost on a vendor without rateLimit is named (it would count against nothing); a "cost" in a JSON body is data', () => {
  const config = withDownload({ url: 'response.url', cost: 0 });
  config.streams.campaign_daily.steps[0].submit.request.body = { cost: 5 };
  delete config.rateLimit;
  expect(problemsOf(config)).toEqual([
    { path: `${STEP}.submit.request.cost`, message: 'has no effect: the vendor has no `rateLimit` to count it against' },
    { path: `${STEP}.download.cost`, message: 'has no effect: the vendor has no `rateLimit` to count it against' },
  ]);
});
