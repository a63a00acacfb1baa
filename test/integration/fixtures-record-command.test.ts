/**
 * `dif fixtures record`: a stream's exchanges and expected rows written as a fixture set
 * (cli/fixtures/format.ts) against a mock vendor over real HTTP (vendors/hubspot's contacts
 * search, in the shape of its fixtures), with a token and declared PII planted in the
 * answers: no file of the set holds either, in plain, URL-encoded or base64 spelling.
 * Bad input is refused as `dif try` refuses it (try-command.test.ts), naming where.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../core/run-plan';
import { VendorCallError } from '../../cli/shared/activity-failures';
import { EXIT, exitCodeFor } from '../../cli/dif';
import { FixtureServer } from '../mock-vendor/fixture-server';
import { dif } from '../setup/run-cli';
import { authoringRuntime, brokenConfigFile, mockCustomer } from '../setup/authoring-cli';
import type { Runtime } from '../../workers/wiring';

const TOKEN = 'hs-private-app-token-PLANTED';
const CONTACTS = '/crm/v3/objects/contacts/search';
const PEOPLE = [
  { id: '101', email: 'ada.lovelace@example.com', firstname: 'Augusta', lastname: 'Lovelace' },
  { id: '102', email: 'alan.turing@example.org', firstname: 'Alan', lastname: 'Turing' },
  { id: '103', email: 'grace+hopper@example.net', firstname: 'Grace', lastname: 'Hopper' },
];
const spellings = (value: string) => [value, encodeURIComponent(value), Buffer.from(value).toString('base64')];

/** A page of HubSpot's CRM search answer (fixtures/contacts-search-page-1.json's shape), the token and the emails planted elsewhere too. */
function page(people: typeof PEOPLE, after?: string): string {
  return JSON.stringify({
    total: PEOPLE.length,
    results: people.map((p, i) => ({
      id: p.id,
      properties: {
        createdate: '2024-01-05T10:00:00.000Z',
        email: p.email,
        firstname: p.firstname,
        lastname: p.lastname,
        hs_object_id: p.id,
        lastmodifieddate: `2024-03-0${i + 1}T09:00:00.000Z`,
        // Planted: a token echoed in every spelling, and the email again inside free text and a URL.
        lifecyclestage: `lead ${TOKEN} ${encodeURIComponent(TOKEN)} ${Buffer.from(TOKEN).toString('base64')} see https://example.com/u?mail=${encodeURIComponent(p.email)}`,
      },
      createdAt: '2024-01-05T10:00:00.000Z',
      updatedAt: '2024-03-01T09:00:00.000Z',
      archived: false,
    })),
    ...(after ? { paging: { next: { after, link: `https://api.hubapi.com${CONTACTS}?after=${after}&access_token=${TOKEN}` } } } : {}),
  });
}

let runtime: Runtime;
const server = new FixtureServer(os.tmpdir());

beforeAll(async () => {
  runtime = authoringRuntime('fixtures-record');
  await server.start();
  const authorized = (r: { headers: Record<string, unknown> }) => r.headers.authorization === `Bearer ${TOKEN}`;
  server.route(
    { method: 'POST', path: CONTACTS, when: (r) => authorized(r) && r.json?.after === undefined, body: page(PEOPLE.slice(0, 2), '2') },
    { method: 'POST', path: CONTACTS, when: (r) => authorized(r) && r.json?.after === '2', body: page(PEOPLE.slice(2)) },
    { method: 'POST', path: CONTACTS, status: 401, body: '{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}' },
  );
});
afterAll(async () => {
  await server.stop();
  await runtime.close();
});

test('the set holds the exchanges and the expected rows, and no secret or declared PII in any spelling', async () => {
  const customer = await mockCustomer(runtime, 'hubspot', server.url, {}, { access_token: TOKEN });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-fixtures-'));
  const printed = await dif('fixtures', 'record', 'hubspot', '--customer', customer, '--stream', 'contacts', '--out', out, '--from', '2024-03-01');
  expect(printed).toBe([`recorded 2 exchange(s) and 3 expected row(s) in ${out}:`, '  recording.json', '  01-contacts.json', '  02-contacts.json', '  expected-rows.json'].join('\n'));

  const files = fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
  const everything = files.join('\n');
  for (const planted of [TOKEN, ...PEOPLE.flatMap((p) => [p.email, p.firstname, p.lastname])]) {
    for (const spelling of spellings(planted)) expect(everything).not.toContain(spelling);
  }

  const recording = JSON.parse(fs.readFileSync(path.join(out, 'recording.json'), 'utf8'));
  expect(recording).toMatchObject({ format: 'dif-fixtures/1', vendor: 'hubspot', stream: 'contacts', pages: 3 });
  expect(recording.exchanges).toHaveLength(2);
  expect(recording.exchanges[0]).toMatchObject({
    step: 'contacts',
    request: { method: 'POST', url: `{{baseUrl}}${CONTACTS}`, headers: { authorization: 'Bearer [redacted]', 'content-type': 'application/json' } },
    response: { status: 200, contentType: expect.stringContaining('application/json'), file: '01-contacts.json' },
  });
  expect(JSON.parse(recording.exchanges[1].request.body)).toMatchObject({ after: '2' });
  expect(Object.keys(recording.placeholders)).toEqual(expect.arrayContaining(['[redacted]', '{{baseUrl}}', '[pii:email]', '[pii:name]']));

  const first = JSON.parse(fs.readFileSync(path.join(out, '01-contacts.json'), 'utf8'));
  expect(first.results[0].properties).toMatchObject({ email: '[pii:email]', firstname: '[pii:name]', lastname: '[pii:name]' });
  expect(first.results[0].properties.lifecyclestage).toBe('lead [redacted] [redacted] [redacted] see https://example.com/u?mail=[pii:email]');
  expect(first.paging.next.link).toBe(`https://api.hubapi.com${CONTACTS}?after=2&access_token=[redacted]`);

  const expected = JSON.parse(fs.readFileSync(path.join(out, 'expected-rows.json'), 'utf8'));
  expect(expected.columns).toEqual(['id', 'email', 'email_sha256', 'firstname', 'lastname', 'lifecyclestage', 'created_at', 'updated_at', 'lastmodifieddate', 'archived']);
  expect(expected.rows.map((r: { id: string }) => r.id)).toEqual(['101', '102', '103']);
  // Pseudonyms and hashes, as the table would get them, never the address.
  expect(expected.rows[0].email).toMatch(/^[0-9a-f]{64}$/);
  expect(expected.rows[0].email_sha256).toMatch(/^[0-9a-f]{64}$/);
});

/** The error `dif <args>` ends with: the message the CLI prints (`dif: …`) and the exit code it maps to. */
async function refusal(...args: string[]): Promise<{ error: Error; code: number }> {
  const error = await dif(...args).then(
    () => new Error('expected a refusal'),
    (e: Error) => e,
  );
  expect(error.message).not.toMatch(/\n\s+at /);
  return { error, code: exitCodeFor(error) };
}

describe('bad input: a clear message naming where, never a stack trace', () => {
  test('an unknown stream: exit 2', async () => {
    await expect(dif('fixtures', 'record', 'hubspot', '--customer', 'anyone', '--stream', 'companies')).rejects.toThrow(
      new InputError('hubspot has no stream "companies" ($.streams.companies); streams: contacts, deals, contacts_all_properties'),
    );
    expect((await refusal('fixtures', 'record', 'hubspot', '--customer', 'anyone', '--stream', 'companies')).code).toBe(EXIT.usage);
  });

  test('a missing credential: exit 2, naming it, and nothing written', async () => {
    const customer = await mockCustomer(runtime, 'hubspot', server.url, {}, {});
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-fixtures-')), 'set');
    const { error, code } = await refusal('fixtures', 'record', 'hubspot', '--customer', customer, '--stream', 'contacts', '--out', out);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^dif fixtures record hubspot --stream contacts: .*access_token/);
    expect(code).toBe(EXIT.usage);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a config error names its JSON path: exit 2', async () => {
    const file = brokenConfigFile('hubspot', 'contacts');
    const { error, code } = await refusal('fixtures', 'record', file, '--customer', 'anyone', '--stream', 'contacts');
    expect(error.message).toMatch(/\$\.streams\.contacts\.steps\[0\]\.pagination/);
    expect(code).toBe(EXIT.usage);
  });

  test("the vendor's 401, and nothing written", async () => {
    const customer = await mockCustomer(runtime, 'hubspot', server.url, {}, { access_token: 'revoked-token' });
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-fixtures-')), 'set');
    const error = await dif('fixtures', 'record', 'hubspot', '--customer', customer, '--stream', 'contacts', '--out', out).catch((e: Error) => e);
    expect(error).toBeInstanceOf(VendorCallError);
    expect((error as Error).message).toMatch(/^dif fixtures record hubspot --stream contacts: POST \/crm\/v3\/objects\/contacts\/search answered 401: .*Authentication credentials not found/);
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    expect(exitCodeFor(error)).toBe(EXIT.runFailed);
    expect(fs.existsSync(out)).toBe(false);
  });
});
