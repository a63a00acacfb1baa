/**
 * The `oauth1` signer on a fixed clock and nonce: X's worked example from "Creating a
 * signature" reproduced exactly (a query and a form body in the base string), each
 * signature equal to one recomputed by test/setup/oauth1-reference.ts from RFC 5849, a
 * JSON body left out of the base string, and `+` in a query read as a space.
 */
import type { BuiltRequest } from '../../../activities/http-request';
import { OAuth1Signer } from '../../../auth/oauth1/signer';
import { setSigningClock } from '../../../auth/signing-clock';
import type { OAuth1AuthConfig } from '../../../auth/oauth1/grammar';
import type { SignerContext } from '../../../auth/signer';
import { authorizationParams, signature } from '../../setup/oauth1-reference';

// The values of X's example (https://developer.x.com/en/docs/authentication/oauth-1-0a/creating-a-signature).
const X = {
  consumer_key: 'xvz1evFS4wEEPTGEFPHBog',
  consumer_secret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  access_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  access_token_secret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};
const auth: OAuth1AuthConfig = { kind: 'oauth1', consumerKey: 'consumer_key', consumerSecret: 'consumer_secret', token: 'access_token', tokenSecret: 'access_token_secret' };

async function signer(secrets: Record<string, string> = X): Promise<OAuth1Signer> {
  const context = {
    deps: { credentials: { reveal: async ({ name }: { name: string }) => secrets[name] } },
    config: { vendor: 'x-ads' },
    customer: 'c1',
    timeoutMs: 1000,
  } as unknown as SignerContext;
  const s = new OAuth1Signer(auth, context);
  await s.prepare();
  return s;
}

const request = (method: string, url: string, body?: string, contentType?: string): BuiltRequest => ({
  method,
  url: new URL(url),
  headers: contentType ? { 'content-type': contentType } : {},
  body,
  label: method,
});

async function signed(r: BuiltRequest, secrets?: Record<string, string>): Promise<Record<string, string>> {
  await (await signer(secrets)).sign(r);
  return authorizationParams(r.headers.authorization);
}

beforeAll(() => setSigningClock({ now: () => new Date(1318622958 * 1000), nonce: () => 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg' }));
afterAll(() => setSigningClock());

test("X's worked example: query and form body signed, the documented signature", async () => {
  const r = request('POST', 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true', 'status=Hello+Ladies+%2B+Gentlemen%2C+a+signed+OAuth+request%21', 'application/x-www-form-urlencoded');
  const oauth = await signed(r);
  expect(oauth).toEqual({
    oauth_consumer_key: X.consumer_key,
    oauth_nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg',
    oauth_signature: 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=',
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: '1318622958',
    oauth_token: X.access_token,
    oauth_version: '1.0',
  });
  // The header's values are percent-encoded (the signature's + / =).
  expect(r.headers.authorization).toContain('oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"');
  const params: [string, string][] = [['include_entities', 'true'], ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']];
  const keys = { consumerSecret: X.consumer_secret, tokenSecret: X.access_token_secret };
  expect(signature({ method: 'POST', baseUri: 'https://api.twitter.com/1.1/statuses/update.json', params }, oauth, keys)).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
});

test('a JSON body is not in the base string; its query is', async () => {
  const url = 'https://ads-api.x.com/12/accounts/18ce54d4x5t/campaigns?count=200&with_deleted=true';
  const withJson = await signed(request('POST', url, '{"name":"x"}', 'application/json'));
  const without = await signed(request('POST', url));
  expect(withJson.oauth_signature).toBe(without.oauth_signature);
  const keys = { consumerSecret: X.consumer_secret, tokenSecret: X.access_token_secret };
  const params: [string, string][] = [['count', '200'], ['with_deleted', 'true']];
  expect(withJson.oauth_signature).toBe(signature({ method: 'POST', baseUri: 'https://ads-api.x.com/12/accounts/18ce54d4x5t/campaigns', params }, withJson, keys));
});

test('a + in the query is a space, repeated names are all signed, a default port is dropped', async () => {
  const plus = await signed(request('GET', 'https://ads-api.x.com:443/12/stats?q=a+b&id=2&id=1'));
  const space = await signed(request('GET', 'https://ads-api.x.com/12/stats?q=a%20b&id=2&id=1'));
  expect(plus.oauth_signature).toBe(space.oauth_signature);
  const keys = { consumerSecret: X.consumer_secret, tokenSecret: X.access_token_secret };
  const params: [string, string][] = [['q', 'a b'], ['id', '2'], ['id', '1']];
  expect(plus.oauth_signature).toBe(signature({ method: 'GET', baseUri: 'https://ads-api.x.com/12/stats', params }, plus, keys));
});

test('the secrets are the key: another token secret, another signature', async () => {
  const r = 'https://ads-api.x.com/12/accounts';
  const right = await signed(request('GET', r));
  const wrong = await signed(request('GET', r), { ...X, access_token_secret: 'not-the-secret' });
  expect(wrong.oauth_signature).not.toBe(right.oauth_signature);
  expect(JSON.stringify(wrong)).not.toContain('not-the-secret');
});
