/**
 * The JWT auth kinds without services: validation names the JSON path of each mistake, the
 * credentials a block names, and the private key checks, whose failures never quote the key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { authSecretNames } from '../../../auth/grammar-registry';
import { signingKey } from '../../../auth/jwt-signing';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const serviceAccount = { kind: 'googleServiceAccount', key: 'service_account_key', scopes: ['https://www.googleapis.com/auth/analytics.readonly'] };
const clientSecret = {
  kind: 'jwtClientSecret', tokenUrl: 'https://appleid.apple.com/auth/oauth2/token', audience: 'https://appleid.apple.com',
  clientId: 'client_id', teamId: 'team_id', keyId: 'key_id', privateKey: 'private_key',
};
const withAuth = (auth: object) => ({ ...demoConfig(), auth });

test('valid blocks validate, and name their credentials', () => {
  expect(() => validateVendorConfig(withAuth({ ...serviceAccount, subject: 'delegated_user' }), 'test-config.json')).not.toThrow();
  expect(() => validateVendorConfig(withAuth({ ...clientSecret, scope: 'searchadsorg', lifetimeSeconds: 600 }), 'test-config.json')).not.toThrow();
  expect(authSecretNames({ ...serviceAccount, subject: 'delegated_user' } as never)).toEqual(['service_account_key', 'delegated_user']);
  expect(authSecretNames(clientSecret as never)).toEqual(['client_id', 'team_id', 'key_id', 'private_key']);
});

test('googleServiceAccount mistakes are reported at their JSON paths', () => {
  expect(problemsOf(withAuth({ ...serviceAccount, scopes: [], subjekt: 'x' }))).toEqual([
    { path: '$.auth.scopes', message: expect.stringMatching(/at least 1 item/) },
    { path: '$.auth.subjekt', message: 'unknown field "subjekt"; allowed: kind, key, scopes, subject, tokenUrl' },
  ]);
  expect(problemsOf(withAuth({ ...serviceAccount, tokenUrl: 'https://oauth2.googleapis.com/token?x=${secrets.service_account_key' })).map((p) => p.path)).toEqual(['$.auth.tokenUrl']);
});

test('jwtClientSecret mistakes are reported at their JSON paths', () => {
  const { keyId: _keyId, ...noKeyId } = clientSecret;
  expect(problemsOf(withAuth({ ...noKeyId, lifetimeSeconds: 10 }))).toEqual([
    { path: '$.auth', message: 'missing required field "keyId"' },
    { path: '$.auth.lifetimeSeconds', message: expect.stringMatching(/^expected integer to be greater or equal to 60/) },
  ]);
});

describe('signingKey', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

  test('takes a P-256 key for ES256 and an RSA key (PKCS#1 too) for RS256', () => {
    expect(signingKey(ec.privateKey, 'ES256', 'private_key').asymmetricKeyType).toBe('ec');
    expect(signingKey(rsa.privateKey, 'RS256', 'private_key').asymmetricKeyType).toBe('rsa');
  });

  test.each([
    ['a P-384 key for ES256', () => p384.privateKey, 'ES256', 'credential private_key is not a key for ES256 (EC P-256)'],
    ['an EC key for RS256', () => ec.privateKey, 'RS256', 'credential private_key is not a key for RS256 (RSA)'],
    ['a cut PEM', () => ec.privateKey.slice(0, 120), 'ES256', 'credential private_key is not a PEM private key'],
  ] as const)('refuses %s, final, without quoting it', (_name, pem, alg, message) => {
    let thrown: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      signingKey(pem(), alg, 'private_key');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ type: 'CredentialError', nonRetryable: true, message });
  });
});
