/** The contract tests trust the fixture server's routing; these pin it down. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FixtureServer } from '../../mock-vendor/fixture-server';

let server: FixtureServer;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fixtures-'));
  fs.writeFileSync(path.join(dir, 'page.json'), '{"next":"{{baseUrl}}/p2"}');
  server = new FixtureServer(dir).route(
    { method: 'GET', path: '/p', status: 429, body: '{"error":"slow down"}', headers: { 'Retry-After': '1' }, times: 1 },
    { method: 'GET', path: '/p', when: (r) => r.query.x === '1', file: 'page.json' },
    { method: 'POST', path: /^\/gz/, when: (r) => r.json?.a === 1, file: 'page.json', gzip: true },
  );
  await server.start();
});
afterAll(() => server.stop());

test('routes answer in order; `times` lets a later route take over; {{baseUrl}} is the server', async () => {
  const first = await fetch(`${server.url}/p?x=1`);
  expect(first.status).toBe(429);
  expect(first.headers.get('retry-after')).toBe('1');
  const second = await fetch(`${server.url}/p?x=1`);
  expect(await second.json()).toEqual({ next: `${server.url}/p2` });
  expect((await fetch(`${server.url}/p?x=2`)).status).toBe(404); // the predicate failed: no route
});

test('gzip routes send compressed bytes; requests are recorded with their parsed body', async () => {
  const response = await fetch(`${server.url}/gz/report`, { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(JSON.parse(gunzipSync(bytes).toString('utf8'))).toEqual({ next: `${server.url}/p2` });
  expect(server.sent('/gz/report')[0].json).toEqual({ a: 1 });
  expect(server.sent(/^\/p$/).map((r) => r.query.x)).toEqual(['1', '1', '2']);
});
