/**
 * Typed values in JSON bodies: `{"$value": "<expression>"}` puts the expression's JSON value
 * (a number, as Intercom's search wants for `updated_at`) where a template would give a
 * string. Validation names a malformed one by its path; a result JSON cannot carry fails
 * naming the field.
 */
import { buildRequest } from '../../../activities/http-request';
import type { RequestConfig, VendorConfig } from '../../../core/config-schema';
import { validateVendorConfig } from '../../../core/validate';
import { usingScope } from '../../../runtime/expression/expression';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const STEP = '$.streams.campaign_daily.steps[0]';
const requestOf = (config: VendorConfig): RequestConfig => (config.streams.campaign_daily.steps[0] as { request: RequestConfig }).request;

/** The demo config with its first step's request a POST of `body`. */
function withBody(body: unknown): any {
  const config = demoConfig();
  const step = config.streams.campaign_daily.steps[0];
  step.request = { ...step.request, method: 'POST', body };
  return config;
}

const searchBody = {
  query: { operator: 'AND', value: [{ field: 'updated_at', operator: '>', value: { $value: 'Math.floor(Date.parse(window.from + "T00:00:00Z") / 1000)' } }] },
  pagination: { per_page: 150 },
};

test('a typed value validates, and its expression is checked like any other', () => {
  expect(() => validateVendorConfig(withBody(searchBody), 'x.json')).not.toThrow();
  const problems = problemsOf(withBody({ a: { $value: 'inputs.nope + 1' } }));
  expect(problems).toEqual([{ path: `${STEP}.request.body.a.$value`, message: expect.stringContaining('inputs.nope is not a declared input') }]);
});

test('an object with $value and other fields, or a $value that is no expression, is named at its path', () => {
  expect(problemsOf(withBody({ a: [{ $value: '1', unit: 's' }], b: { $value: 5 } }))).toEqual([
    { path: `${STEP}.request.body.a[0]`, message: 'an object with "$value" is a typed value and holds nothing else; found "unit"' },
    { path: `${STEP}.request.body.b`, message: '"$value" holds an expression (a non-empty string), not 5' },
  ]);
});

test('the body carries the number, not its text; strings stay templates', () => {
  const config = withBody({ ...searchBody, note: '${window.from}' }) as VendorConfig;
  const built = usingScope({ window: { from: '2026-11-01' }, inputs: { account_id: 'a1' } }, (scope) => buildRequest(config, requestOf(config), scope, STEP));
  expect(JSON.parse(built.body!)).toEqual({
    query: { operator: 'AND', value: [{ field: 'updated_at', operator: '>', value: 1793491200 }] },
    pagination: { per_page: 150 },
    note: '2026-11-01',
  });
});

test('an expression that gives undefined fails naming the field; NaN becomes null, as JSON.stringify writes it', () => {
  const config = withBody({ since: { $value: 'inputs.account_id === "a1" ? undefined : 1' }, n: { $value: 'Number(window.from)' } }) as VendorConfig;
  expect(() => usingScope({ window: { from: '2026-11-01' }, inputs: { account_id: 'a1' } }, (scope) => buildRequest(config, requestOf(config), scope, STEP))).toThrow(
    `${STEP}.body.since.$value: inputs.account_id === "a1" ? undefined : 1 gave undefined, which JSON cannot carry (use null for an empty value)`,
  );
  delete (requestOf(config).body as Record<string, unknown>).since;
  const built = usingScope({ window: { from: '2026-11-01' }, inputs: { account_id: 'a1' } }, (scope) => buildRequest(config, requestOf(config), scope, STEP));
  expect(built.body).toBe('{"n":null}');
});
