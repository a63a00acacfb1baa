/**
 * The contract tables (vendors/<vendor>/contract.json) without services: each one follows the
 * grammar and names only fixture files that exist; a mistake is reported by file and JSON
 * path; the matchers compare in part and say where a value differs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';
import { loadContractTable } from '../../setup/contract-table';
import { mismatch, requestMismatch, withUrls } from '../../setup/contract-match';
import type { FixtureRequest } from '../../mock-vendor/fixture-server';
import { editAnswer } from '../../setup/contract-answer';
import { checkRequests } from '../../setup/contract-checks';
import { fillInputs } from '../../setup/contract-files';
import { getAt, setAt } from '../../setup/dotted-path';
import { signature as oauth1Signature } from '../../setup/oauth1-reference';

const vendorsDir = path.join(projectRoot(), 'vendors');
const tables = fs.readdirSync(vendorsDir).filter((v) => fs.existsSync(path.join(vendorsDir, v, 'contract.json')));

test.each(tables)('%s: contract.json follows the grammar and its fixture files exist', (vendor) => {
  const table = loadContractTable(path.join(vendorsDir, vendor, 'contract.json'));
  const routes = [...table.routes, ...Object.values(table.servers ?? {}).flat()];
  const missing = routes.filter((r) => r.file && !fs.existsSync(path.join(vendorsDir, vendor, 'fixtures', r.file))).map((r) => r.file);
  expect(missing).toEqual([]);
  expect(table.cases.map((c) => c.name)).toEqual([...new Set(table.cases.map((c) => c.name))]); // test names are unique
});

// The catalogue's fidelity rule: every fixture names the documentation its shape follows, in a
// README beside the fixtures or in a `_fixture` field of the file (which the mock ignores).
test.each(tables)('%s: its fixtures name their sources', (vendor) => {
  const dir = path.join(vendorsDir, vendor, 'fixtures');
  const readme = path.join(dir, 'README.md');
  if (fs.existsSync(readme)) {
    expect(fs.readFileSync(readme, 'utf8').trim().length).toBeGreaterThan(100);
    return;
  }
  const unnamed = fs.readdirSync(dir).filter((f) => !/"_fixture"\s*:/.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  expect(unnamed).toEqual([]);
});

test('a table mistake names the file and the JSON path', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-')), 'contract.json');
  const table = { description: 'd', routes: [{ method: 'GET', path: '/x', file: 'x.json', tims: 1 }], cases: [{ name: 'c', runs: [{ window: { from: '2024-01-01', to: '2024-01-01' }, expect: { status: 'DONE' } }] }] };
  fs.writeFileSync(file, JSON.stringify(table));
  expect(() => loadContractTable(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*\\$\\.routes\\[0\\]`));
  expect(() => loadContractTable(file)).toThrow(/\$\.cases\[0\]\.runs\[0\]\.expect\.status/);
  fs.writeFileSync(file, JSON.stringify({ ...table, routes: [{ method: 'GET', file: 'x.json' }], cases: [{ name: 'c', runs: [{ window: { from: '2024-01-01', to: '2024-01-01' }, expect: {} }] }] }));
  expect(() => loadContractTable(file)).toThrow(/\$\.routes\[0\]: a route needs path or pathPattern/);
});

describe('mismatch', () => {
  test('objects match in part, arrays item by item and as long', () => {
    expect(mismatch({ a: 1, b: { c: 'x', d: 2 } }, { b: { c: 'x' } })).toBeUndefined();
    expect(mismatch({ a: 1, b: { c: 'y' } }, { b: { c: 'x' } })).toBe('$.b.c: expected "x", got "y"');
    expect(mismatch([1, 2], [1])).toBe('$: expected 1 item(s) [1], got [1,2]');
    expect(mismatch([{ a: 1, z: 0 }], [{ a: 1 }])).toBeUndefined();
  });

  test('operators', () => {
    expect(mismatch('answered 403: denied', { $regex: 'answered 40\\d' })).toBeUndefined();
    expect(mismatch('a\nb', { $regex: 'a.b', $flags: 's' })).toBeUndefined();
    expect(mismatch('abc', { $regex: '^b' })).toBe('$: expected to match /^b/, got "abc"');
    expect(mismatch(undefined, { $absent: true })).toBeUndefined();
    expect(mismatch('', { $absent: true })).toBe('$: expected absent, got ""');
    expect(mismatch({ a: 1, b: 2 }, { $exact: { b: 2, a: 1 } })).toBeUndefined();
    expect(mismatch({ a: 1, b: 2 }, { $exact: { a: 1 } })).toMatch(/expected exactly/);
    expect(mismatch('["x","y"]', { $json: ['x', 'y'] })).toBeUndefined();
    expect(mismatch(4.2000001, { $closeTo: 4.2 })).toBeUndefined();
    expect(mismatch(4.3, { $closeTo: 4.2 })).toBe('$: expected about 4.2, got 4.3');
    expect(mismatch('secret here', { $notContains: 'secret' })).toBe('$: must not contain "secret"');
    expect(mismatch('x', { $not: 'x' })).toBe('$: expected not "x", got "x"');
    expect(mismatch('run abc failed', { $all: [{ $contains: 'abc' }, { $regex: 'failed$' }] })).toBeUndefined();
    expect(() => mismatch('x', { $nope: 1 })).toThrow(/unknown matcher operator/);
  });
});

test('requestMismatch: query, headers, JSON and XML bodies, negation', () => {
  const request: FixtureRequest = {
    method: 'POST',
    path: '/svc',
    query: { page: '2' },
    headers: { authorization: 'Bearer t', soapaction: 'Submit' },
    body: '<s:Envelope xmlns:s="x"><s:Header><Id a="1">42</Id></s:Header></s:Envelope>',
    at: 0,
  };
  expect(requestMismatch(request, { method: 'POST', query: { page: '2' }, headers: { soapaction: 'Submit' } })).toBeUndefined();
  expect(requestMismatch(request, { xml: { Envelope: { Header: { Id: { '#text': '42', '@a': '1' } } } } })).toBeUndefined();
  expect(requestMismatch(request, { query: { page: '1' } })).toBe('query.page: expected "1", got "2"');
  expect(requestMismatch(request, { not: { headers: { authorization: 'Bearer t' } } })).toMatch(/^not: matches/);
  expect(requestMismatch({ ...request, json: { startRow: 0 } }, { json: { startRow: 0 } })).toBeUndefined();
});

test('withUrls fills the mock URLs into every string', () => {
  expect(withUrls({ a: '{{baseUrl}}/token', b: ['{{url:pod}}'] }, 'http://h:1', { pod: 'http://p:2' })).toEqual({ a: 'http://h:1/token', b: ['http://p:2'] });
});

describe('grammar additions', () => {
  const write = (table: object) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'contract-')), 'contract.json');
    fs.writeFileSync(file, JSON.stringify(table));
    return file;
  };
  const base = { description: 'd', routes: [], cases: [{ name: 'c', runs: [{ window: { from: '2024-01-01', to: '2024-01-01' }, expect: {} }] }] };

  test('mistakes in the additions are named by file and JSON path', () => {
    expect(() => loadContractTable(write({ ...base, configEdits: [{ path: 'a', why: 'w' }] }))).toThrow(/: \$\.configEdits\[0\]: give value or copyOf, one of them$/);
    expect(() => loadContractTable(write({ ...base, dropTables: ['x; DROP'] }))).toThrow(/\$\.dropTables\[0\]/);
    expect(() => loadContractTable(write({ ...base, cases: [{ ...base.cases[0], files: 'ftp' }] }))).toThrow(/\$\.cases\[0\]\.files/);
    const run = (extra: object) => ({ ...base, cases: [{ ...base.cases[0], runs: [{ ...base.cases[0].runs[0], ...extra }] }] });
    expect(() => loadContractTable(write(run({ drops: [{ sftp: { name: 'a', gzp: true } }] })))).toThrow(/\$\.cases\[0\]\.runs\[0\]\.drops\[0\]/);
    expect(() => loadContractTable(write(run({ expect: { credentials: [{ name: 'refresh_token' }] } })))).toThrow(/\$\.cases\[0\]\.runs\[0\]\.expect\.credentials\[0\]/);
    expect(() => loadContractTable(write({ ...base, routes: [{ method: 'GET', path: '/x', edit: { repeat: { at: 'data', item: 0, count: 0 } } }] }))).toThrow(/\$\.routes\[0\]\.edit\.repeat\.count/);
  });

  test('a route edit repeats an item with numbered fields, then sets and removes', () => {
    const answer = JSON.stringify({ data: [{ id: 'x', meta: { n: 0 } }, { id: 'last' }], next_cursor: 'abc', keep: [1, 2, 3] });
    const edited = JSON.parse(
      editAnswer(answer, { repeat: { at: 'data', item: 0, count: 3, vary: { id: { start: 1, prefix: 'c', pad: 2 }, 'meta.n': { start: 900 } } }, set: { next_cursor: null, total: 3 }, remove: ['keep[1]'] }, 'w'),
    );
    expect(edited).toEqual({ data: [{ id: 'c01', meta: { n: 900 } }, { id: 'c02', meta: { n: 901 } }, { id: 'c03', meta: { n: 902 } }], next_cursor: null, keep: [1, 3], total: 3 });
    expect(() => editAnswer(answer, { repeat: { at: 'data', item: 5, count: 1 } }, '$.routes[2].edit')).toThrow('$.routes[2].edit.repeat: data has no item 5');
    expect(() => editAnswer(answer, { set: { 'nope.deeper': 1 } }, '$.routes[2].edit')).toThrow('$.routes[2].edit.set: nope.deeper: nothing at nope');
  });

  test('dotted paths: a typo is an error unless the field is meant to be new', () => {
    const config = { streams: { a: { steps: [{ wait: { intervalMinutes: 60 } }] } } };
    setAt(config, 'streams.a.steps[0].wait', { intervalMinutes: 0.25 }, 'configEdits');
    expect(config.streams.a.steps[0].wait).toEqual({ intervalMinutes: 0.25 });
    expect(() => setAt(config, 'streams.a.steps[0].wiat', 1, 'configEdits')).toThrow('configEdits: streams.a.steps[0].wiat: there is no such field to change');
    setAt(config, 'streams.b', getAt(config, 'streams.a', 'configEdits'), 'configEdits', true);
    expect(Object.keys(config.streams)).toEqual(['a', 'b']);
  });

  test('fillInputs: a whole port placeholder becomes a number', () => {
    expect(fillInputs({ sftp_port: '{{files.sftpPort}}', folder: '{{files.folder}}', n: 3 }, { 'files.sftpPort': '2222', 'files.folder': '/home/u/x' })).toEqual({ sftp_port: 2222, folder: '{{files.folder}}', n: 3 });
  });

  test('an oauth1 signature verifies only with the secrets it was made with', () => {
    const keys = { consumerSecret: 'cs+/=', tokenSecret: 'ts' };
    const oauth = { oauth_consumer_key: 'ck', oauth_token: 't', oauth_signature_method: 'HMAC-SHA1', oauth_timestamp: '1', oauth_nonce: 'n', oauth_version: '1.0' };
    const query = { count: '1000', cursor: 'a b' };
    const sig = oauth1Signature({ method: 'GET', baseUri: 'http://127.0.0.1:9/12/accounts', params: Object.entries(query) }, oauth, keys);
    const header = `OAuth ${Object.entries({ ...oauth, oauth_signature: sig }).map(([k, v]) => `${k}="${encodeURIComponent(v)}"`).join(', ')}`;
    const request: FixtureRequest = { method: 'GET', path: '/12/accounts', query, headers: { host: '127.0.0.1:9', authorization: header }, body: '', at: 0 };
    expect(requestMismatch(request, { signature: { oauth1: keys } })).toBeUndefined();
    expect(requestMismatch(request, { signature: { oauth1: { ...keys, tokenSecret: 'other' } } })).toBe('signature: does not verify as oauth1');
    expect(requestMismatch({ ...request, query: { ...query, count: '1' } }, { signature: { oauth1: keys } })).toBe('signature: does not verify as oauth1');
  });

  test('atMost counts the requests a check selects', () => {
    const r = (p: string): FixtureRequest => ({ method: 'GET', path: p, query: {}, headers: {}, body: '', at: 0 });
    const fail = (what: string): never => {
      throw new Error(what);
    };
    expect(() => checkRequests([r('/a'), r('/a'), r('/b')], { path: '/a', atMost: 1 }, fail)).toThrow('expected at most 1 request(s) to /a, got 2');
    expect(checkRequests([r('/a'), r('/b')], { atMost: 2 }, fail)).toEqual([]);
  });
});
