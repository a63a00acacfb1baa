/**
 * The `login` kind's `basic`: the two credentials it names must be among the kind's
 * `secrets` (revealed and scrubbed with them), and the grammar pairs them so the Basic
 * header's base64 is scrubbed whole. The signing itself is proven end to end by
 * vendors/outbrain-amplify/contract.json (the mock answers only the right Basic header).
 */
import { validateVendorConfig } from '../../../core/validate';
import { authSecretPairs } from '../../../auth/grammar-registry';

const config = (auth: Record<string, unknown>) => ({
  vendor: 'x', title: 'x', baseUrl: 'https://api.example.com', auth, inputs: [], semaphore: { scope: 'customer', limit: 1 },
  streams: { s: { steps: [{ kind: 'single', name: 'a', request: { path: '/r' } }], table: { name: 'x_s', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] } } },
});

const login = { kind: 'login', request: { method: 'GET', path: '/login' }, token: "response['OB-TOKEN-V1']", header: 'OB-TOKEN-V1' };

test('basic naming credentials the kind lists is valid, and the pair is registered whole', () => {
  const auth = { ...login, secrets: ['username', 'password'], basic: { username: 'username', password: 'password' } };
  expect(() => validateVendorConfig(config(auth), 'test')).not.toThrow();
  expect(authSecretPairs(auth as never)).toEqual([['username', 'password']]);
});

test('basic naming a credential the kind does not list is refused at $.auth.basic', () => {
  const auth = { ...login, secrets: ['username'], basic: { username: 'username', password: 'password' } };
  expect(() => validateVendorConfig(config(auth), 'test')).toThrow(/\$\.auth\.basic: names credential "password", which \$\.auth\.secrets does not list/);
});
