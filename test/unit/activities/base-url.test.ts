/**
 * A vendor baseUrl with templates over inputs (a regional host per customer) is rendered
 * once when a run is pinned, and the result is held to the rules of a customer's
 * overrides.baseUrl: an input can choose the region, not another host or scheme.
 */
import { withRenderedBaseUrl } from '../../../activities/base-url';
import { CustomerValueError } from '../../../runtime/customer-values';
import type { VendorConfig } from '../../../core/config-schema';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const TEMPLATE = 'https://sellingpartnerapi-${inputs.region}.amazon.com';
const config = (baseUrl: string) => ({ ...demoConfig(), vendor: 'sp', baseUrl }) as VendorConfig;
const render = (baseUrl: string, region: unknown) => withRenderedBaseUrl(config(baseUrl), { inputs: { region } }, 'acme');

test('the region input chooses the host; the rest of the config is untouched', () => {
  for (const region of ['na', 'eu', 'fe']) {
    const base = config(TEMPLATE);
    const rendered = withRenderedBaseUrl(base, { inputs: { region } }, 'acme');
    expect(rendered.baseUrl).toBe(`https://sellingpartnerapi-${region}.amazon.com`);
    expect(rendered.streams).toBe(base.streams);
    expect(base.baseUrl).toBe(TEMPLATE); // the loaded config is not changed
  }
});

test('a baseUrl without templates is returned as it is (same object)', () => {
  const plain = config('https://api.example.com');
  expect(withRenderedBaseUrl(plain, { inputs: {} }, 'acme')).toBe(plain);
});

test.each([
  ['a host of its own choosing (the slash is encoded, so no URL parses)', 'evil.example/'],
  ['a user name smuggled before the host', 'x@evil.example#'],
])('an input that would leave the template’s host fails naming the customer and $.baseUrl: %s', (_label, region) => {
  expect(() => render(TEMPLATE, region)).toThrow(CustomerValueError);
  expect(() => render(TEMPLATE, region)).toThrow(/^customer "acme", vendor "sp": \$\.baseUrl rendered from the customer's inputs/);
});

test('a template that makes the whole URL from an input must still give https', () => {
  expect(() => render('${inputs.region}', 'http://169.254.169.254')).toThrow(/169\.254\.169\.254 is a link-local or cloud metadata address/);
  expect(() => render('${inputs.region}', 'ftp://files.example.com')).toThrow(/must be an https URL, not ftp/);
});

test('validation parses a baseUrl template and names an undeclared input at $.baseUrl', () => {
  const c = demoConfig();
  c.baseUrl = 'https://sellingpartnerapi-${inputs.region}.amazon.com';
  const problems = problemsOf(c);
  expect(problems.map((p) => p.path)).toEqual(['$.baseUrl']);
  expect(problems[0].message).toMatch(/region/);
});
