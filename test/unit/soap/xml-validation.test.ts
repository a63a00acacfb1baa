/**
 * `dif validate` on the new fields: an XML body's places, its escaping rules, one body per
 * request and `decode.format: "xml"`, each mistake named by its path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const FILE = path.join(__dirname, '..', '..', '..', 'vendors', 'microsoft-advertising', 'config.json');
const microsoft = (): any => JSON.parse(fs.readFileSync(FILE, 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any
const STEP = '$.streams.campaign_performance_daily.steps[0]';
const DEMO = '$.streams.campaign_daily.steps[0]';
const messagesAt = (config: unknown) => problemsOf(config).map((p) => [p.path, p.message]);

test('the microsoft-advertising config validates', () => {
  expect(() => validateVendorConfig(microsoft(), 'config.json', 'microsoft-advertising')).not.toThrow();
});

test('$auth{secrets.x} must name a credential the auth lists', () => {
  const config = microsoft();
  config.streams.campaign_performance_daily.steps[0].poll.request.xml = '<D>$auth{secrets.dev_token}</D>';
  expect(messagesAt(config)).toEqual([
    [`${STEP}.poll.request.xml`, '$auth{secrets.dev_token} (column 4): dev_token is not a credential this auth lists; listed: client_id, client_secret, refresh_token, developer_token'],
  ]);
});

test('$auth{token} needs an auth kind that obtains a token', () => {
  const config = demoConfig();
  config.streams.campaign_daily.steps[0].request.method = 'POST';
  config.streams.campaign_daily.steps[0].request.xml = '<T>$auth{token}</T>';
  expect(messagesAt(config)).toEqual([[`${DEMO}.request.xml`, '$auth{token} (column 4): auth kind "apiKey" obtains no token (oauth2, googleServiceAccount, jwtClientSecret and login do)']]);
});

test('$auth{} anywhere but an XML body, and $raw{} in one, are errors at their fields', () => {
  const config = microsoft();
  const submit = config.streams.campaign_performance_daily.steps[0].submit.request;
  submit.headers = { ...submit.headers, 'X-Token': '$auth{token}' };
  config.streams.campaign_performance_daily.steps[0].poll.request.xml = '<Id>$raw{job.id}</Id>';
  expect(messagesAt(config)).toEqual([
    [`${STEP}.submit.request.headers["X-Token"]`, `$auth{token} (column 1): the signer fills places only in a request's "xml" body`],
    [`${STEP}.poll.request.xml`, '$raw{job.id} (column 5) inserts its value without URL encoding; an XML body escapes every value: use ${…}'],
  ]);
});

test('a malformed place and a bad expression in an XML body are named at the body', () => {
  const config = microsoft();
  config.streams.campaign_performance_daily.steps[0].submit.request.xml = '<T>$auth{window.from}</T>';
  config.streams.campaign_performance_daily.steps[0].poll.request.xml = '<Id>${job.id +}</Id>';
  const problems = problemsOf(config);
  expect(problems.map((p) => p.path)).toEqual([`${STEP}.submit.request.xml`, `${STEP}.poll.request.xml`]);
  expect(problems[0].message).toContain('"$auth{window.from}" names neither "token" nor "secrets.<credential>"');
  expect(problems[1].message).toContain('not a JavaScript expression');
});

test('one body per request; no credential placed in a request that sends no auth', () => {
  const config = microsoft();
  const submit = config.streams.campaign_performance_daily.steps[0].submit.request;
  submit.body = { a: 1 };
  const poll = config.streams.campaign_performance_daily.steps[0].poll.request;
  poll.auth = 'none';
  expect(messagesAt(config)).toEqual([
    [`${STEP}.submit.request.xml`, 'a request has one body: give "body" or "xml", not both'],
    [`${STEP}.poll.request.xml`, '$auth{…} places a credential, but this request sends no vendor auth ("auth": "none")'],
  ]);
});

test('a decode.format that does not exist is named', () => {
  const format = microsoft();
  format.streams.campaign_performance_daily.steps[0].decode.format = 'soap';
  expect(problemsOf(format).map((p) => p.path)).toEqual([`${STEP}.decode.format`]);
});
