import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { checkVendorConfig } from '../../../interpreter/validate';
import { openSigner } from '../../../auth/signer-registry';

test('a config with hmac auth validates, and its signer signs', async () => {
  const raw = JSON.parse(fs.readFileSync('vendors/demo-ads/config.json', 'utf8'));
  raw.auth = { kind: 'hmac', keyId: 'key_id', key: 'signing_key' };
  const { config } = checkVendorConfig(raw, 'scratch', 'demo-ads');
  const deps = { credentials: { reveal: async ({ name }: { name: string }) => `v-${name}` } } as never;
  const signer = await openSigner({ deps, config, customer: 'c', timeoutMs: 1000 });
  const request = { method: 'GET', url: new URL('https://x.test/a?b=1'), headers: {} as Record<string, string>, label: 'GET /a' };
  await signer.sign(request);
  const expected = createHmac('sha256', 'v-signing_key').update(`${request.headers['x-timestamp']}\nGET\n/a?b=1`).digest('hex');
  expect(request.headers).toMatchObject({ 'x-key-id': 'v-key_id', 'x-signature': expected });
  raw.auth = { kind: 'hmac', keyId: 'key_id' };
  expect(() => checkVendorConfig(raw, 'scratch', 'demo-ads')).toThrow(/key/);
});
