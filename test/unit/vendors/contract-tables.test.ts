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

const vendorsDir = path.join(projectRoot(), 'vendors');
const tables = fs.readdirSync(vendorsDir).filter((v) => fs.existsSync(path.join(vendorsDir, v, 'contract.json')));

test.each(tables)('%s: contract.json follows the grammar and its fixture files exist', (vendor) => {
  const table = loadContractTable(path.join(vendorsDir, vendor, 'contract.json'));
  const routes = [...table.routes, ...Object.values(table.servers ?? {}).flat()];
  const missing = routes.filter((r) => r.file && !fs.existsSync(path.join(vendorsDir, vendor, 'fixtures', r.file))).map((r) => r.file);
  expect(missing).toEqual([]);
  expect(table.cases.map((c) => c.name)).toEqual([...new Set(table.cases.map((c) => c.name))]); // test names are unique
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
