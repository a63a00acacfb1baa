/**
 * A request's own headers and `auth: "none"`: the grammar accepts them, names the path of
 * mistakes, and buildRequest lets a step's header replace (or null drop) the vendor's.
 */
import { buildRequest } from '../../../activities/http-request';
import type { VendorConfig } from '../../../core/config-schema';
import { validateVendorConfig } from '../../../core/validate';
import { usingScope } from '../../../runtime/expression/expression';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const STEP = '$.streams.campaign_daily.steps[0]';

describe('grammar', () => {
  test('auth "none", a replacing header and a null (dropped) header validate', () => {
    const config = demoConfig();
    config.headers = { Accept: 'application/json', 'X-Trace': 'on' };
    config.streams.campaign_daily.steps[0].request.auth = 'none';
    config.streams.campaign_daily.steps[0].request.headers = { accept: 'text/csv', 'x-trace': null };
    expect(() => validateVendorConfig(config, 'x.json', 'demo-ads')).not.toThrow();
  });

  test('an auth other than "none" is reported at request.auth', () => {
    const config = demoConfig();
    config.streams.campaign_daily.steps[0].request.auth = 'vendor';
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([`${STEP}.request.auth`]);
    expect(problems[0].message).toContain('"none"');
  });

  test('a header value that is neither a template nor null is reported at its name', () => {
    const config = demoConfig();
    config.streams.campaign_daily.steps[0].request.headers = { accept: 5 };
    expect(problemsOf(config).map((p) => p.path)).toEqual([`${STEP}.request.headers.accept`]);
  });

  test('a bad header template is reported at its name', () => {
    const config = demoConfig();
    config.streams.campaign_daily.steps[0].request.headers = { 'x-account': '${inputs.account_id' };
    expect(problemsOf(config).map((p) => p.path)).toEqual([`${STEP}.request.headers["x-account"]`]);
  });

  test('vendor-level headers may not be null: nothing to drop there', () => {
    const config = demoConfig();
    config.headers = { accept: null };
    expect(problemsOf(config).map((p) => p.path)).toEqual(['$.headers.accept']);
  });

  test('rateLimit.usageHeaders: an unknown format and a threshold over 100 are reported at their paths', () => {
    const config = demoConfig();
    config.rateLimit = { requestsPerSecond: 5, usageHeaders: { formats: ['hubspot', 'github'], thresholdPercent: 120 } };
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path).sort()).toEqual(['$.rateLimit.usageHeaders.formats[1]', '$.rateLimit.usageHeaders.thresholdPercent']);
    expect(problems.find((p) => p.path.endsWith('[1]'))!.message).toContain('"ietf"');
  });

  test('rateLimit.usageHeaders validates with its defaults', () => {
    const config = demoConfig();
    config.rateLimit = { requestsPerSecond: 5, usageHeaders: { formats: ['meta', 'ietf'] } };
    expect(() => validateVendorConfig(config, 'x.json', 'demo-ads')).not.toThrow();
  });
});

describe('buildRequest', () => {
  const config = { vendor: 'v', baseUrl: 'https://api.example.com', headers: { Accept: 'application/json', 'X-Trace': 'on', 'X-Account': '${inputs.id}' } } as unknown as VendorConfig;
  const build = (headers?: Record<string, string | null>) =>
    usingScope({ inputs: { id: 'a1' } }, (scope) => buildRequest(config, { path: '/x', headers }, scope, 'v: $.streams.s.steps[0].request').headers);

  test('vendor headers are sent when the step says nothing', () => {
    expect(build()).toMatchObject({ accept: 'application/json', 'x-trace': 'on', 'x-account': 'a1' });
  });

  test('a step’s header replaces the vendor’s of the same name, whatever its case; null drops one', () => {
    const headers = build({ ACCEPT: 'text/csv', 'x-trace': null });
    expect(headers.accept).toBe('text/csv');
    expect(headers).not.toHaveProperty('x-trace');
    expect(headers['x-account']).toBe('a1');
  });
});
