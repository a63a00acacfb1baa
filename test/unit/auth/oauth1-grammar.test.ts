/**
 * `dif validate` on an `oauth1` block: each problem names its JSON path, the committed
 * x-ads config validates, and its credentials stay out of request templates.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateVendorConfig } from '../../../core/validate';
import { problemsOf } from '../helpers/config-problems';

const X_ADS = path.join(__dirname, '..', '..', '..', 'vendors', 'x-ads', 'config.json');
const xAds = (): any => JSON.parse(fs.readFileSync(X_ADS, 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any

test('the committed x-ads config validates', () => {
  expect(() => validateVendorConfig(xAds(), X_ADS, 'x-ads')).not.toThrow();
});

test('a missing credential, a bad credential name and an unknown field are named by path', () => {
  const config = xAds();
  delete config.auth.tokenSecret;
  config.auth.consumerSecret = 'Consumer-Secret';
  config.auth.signatureMethod = 'PLAINTEXT';
  const problems = problemsOf(config, 'x-ads');
  expect(problems.map((p) => [p.path, p.message.split(' — ')[0]])).toEqual(
    expect.arrayContaining([
      ['$.auth', 'missing required field "tokenSecret"'],
      ['$.auth.consumerSecret', `expected string to match '^[a-z][a-z0-9_]*$' (for example "consumer_secret")`],
    ]),
  );
  expect(problems.some((p) => p.path.startsWith('$.auth') && /signatureMethod/.test(`${p.path} ${p.message}`))).toBe(true);
});

test('a request template reading one of its credentials is refused, naming the path', () => {
  const config = xAds();
  config.streams.campaigns.steps[0].request.headers = { 'X-Debug': '${secrets.access_token_secret}' };
  const problems = problemsOf(config, 'x-ads');
  expect(problems).toEqual([
    { path: '$.streams.campaigns.steps[0].request.headers["X-Debug"]', message: "secrets.access_token_secret: credentials are visible only in the auth block's fields" },
  ]);
});
