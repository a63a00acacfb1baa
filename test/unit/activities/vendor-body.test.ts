/** A body that breaks off (activities/vendor-body.ts): a retryable VendorUnavailable naming the request, the slot given back, nothing stored. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { VendorZoo } from '../../mock-vendor/vendor-zoo';
import { guardedBody } from '../../../activities/vendor-body';
import { sendHttp } from '../../../activities/vendor-http';
import { LocalObjectStore } from '../../../adapters/object-store/local-object-store';

let zoo: VendorZoo;
let base: string;
beforeAll(async () => {
  zoo = new VendorZoo({ campaigns: { campaigns: 400, pageSize: 400 } });
  base = await zoo.start();
});
afterAll(() => zoo.stop());

async function guarded(timeoutMs = 5_000) {
  // As the vendor client sends it (vendor-http.ts), the timeout covering the body too.
  const response = await sendHttp({ method: 'GET', url: new URL(`${base}/mis/v1/campaigns`), headers: {}, signal: AbortSignal.timeout(timeoutMs) });
  let released = 0;
  const body = guardedBody(response.body!, 'GET /mis/v1/campaigns', (t) => t, () => released++);
  return { ...body, released: () => released };
}

test('a reset mid-body fails the store with a retryable VendorUnavailable; the slot is given back and no object is left', async () => {
  zoo.failNext('campaigns.list', 1, { cut: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-body-'));
  const store = new LocalObjectStore(dir);
  const { body, broken, released } = await guarded();
  const error = await store.put('raw/page-000001.json', body).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect((error as ApplicationFailure).type).toBe('VendorUnavailable');
  expect((error as ApplicationFailure).nonRetryable).toBe(false);
  expect((error as Error).message).toMatch(/^GET \/mis\/v1\/campaigns: the answer broke off while it was read: /);
  expect(broken()).toBe(error);
  expect(released()).toBe(1);
  expect(fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.json'))).toEqual([]);
});

test('a body slower than the timeout breaks off the same way, naming the timeout', async () => {
  zoo.failNext('campaigns.list', 1, { stallMs: 1_000 });
  const { body, released } = await guarded(300);
  const chunks: Buffer[] = [];
  const error = await (async () => {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  })().catch((e: unknown) => e);
  expect((error as ApplicationFailure).type).toBe('VendorUnavailable');
  expect((error as Error).message).toMatch(/broke off while it was read: TimeoutError/);
  expect(released()).toBe(1);
});

test('a whole body passes unchanged, and gives the slot back once', async () => {
  const { body, released } = await guarded();
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  expect(JSON.parse(Buffer.concat(chunks).toString()).data).toHaveLength(400);
  expect(released()).toBe(1);
});
