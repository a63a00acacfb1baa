/**
 * The hmac and awsSigV4 signers on a fixed clock, checked against signatures recomputed
 * from the vendors' documented algorithms with node:crypto (test/mock-vendor/signatures.ts),
 * and what `dif validate` says of their blocks (JSON paths).
 */
import { createHmac } from 'node:crypto';
import type { BuiltRequest } from '../../../activities/http-request';
import { signerFactories } from '../../../auth/signer-registry';
import { setSigningClock } from '../../../auth/signing-clock';
import type { SignerContext } from '../../../auth/signer';
import type { AuthConfig, VendorConfig } from '../../../core/config-schema';
import { awsSignature, awsSignatureVerifies, naverSignature } from '../../mock-vendor/signatures';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const FIXED = new Date('2024-03-01T12:00:00.000Z');
beforeEach(() => setSigningClock({ now: () => FIXED }));
afterEach(() => setSigningClock());

async function signed(auth: AuthConfig, secrets: Record<string, string>, request: Partial<BuiltRequest> & { url: URL }): Promise<BuiltRequest> {
  const context = {
    deps: { credentials: { reveal: async ({ name }: { name: string }) => secrets[name] } },
    config: { vendor: 'test-vendor', auth } as unknown as VendorConfig,
    customer: 'c1',
    timeoutMs: 1000,
  } as unknown as SignerContext;
  const signer = (signerFactories[auth.kind] as (a: AuthConfig, c: SignerContext) => ReturnType<(typeof signerFactories)['none']>)(auth, context);
  await signer.prepare();
  const built: BuiltRequest = { method: 'GET', headers: { accept: 'application/json' }, label: 'test', ...request };
  await signer.sign(built);
  return built;
}

const naver: AuthConfig = {
  kind: 'hmac',
  key: 'secret_key',
  secrets: ['api_key'],
  stringToSign: '${timestamp.ms}.${request.method}.${request.path}',
  headers: { 'X-Timestamp': '${timestamp.ms}', 'X-API-KEY': '${secrets.api_key}', 'X-Signature': '${signature}' },
};

describe('hmac', () => {
  test("Naver's scheme: base64 HMAC-SHA256 of timestamp.method.path (no query), with the time in ms", async () => {
    const request = await signed(naver, { secret_key: 'naver-secret', api_key: 'license-1' }, { url: new URL('https://api.searchad.naver.com/ncc/campaigns?recordSize=10') });
    expect(request.headers['x-timestamp']).toBe('1709294400000');
    expect(request.headers['x-api-key']).toBe('license-1');
    expect(request.headers['x-signature']).toBe(naverSignature('naver-secret', '1709294400000', 'GET', '/ncc/campaigns'));
    // A third opinion: printf '%s' '1709294400000.GET./ncc/campaigns' | openssl dgst -sha256 -hmac naver-secret -binary | base64
    expect(request.headers['x-signature']).toBe('th3p0eBjr5GccqrNntCbtHo/g+PyRRZWuStMq4IpRLA=');
  });

  test('sha512 in hex over query, body, seconds and a nonce sent beside it', async () => {
    const auth: AuthConfig = {
      kind: 'hmac',
      key: 'k',
      algorithm: 'sha512',
      encoding: 'hex',
      stringToSign: '${request.method}\n${request.path}?${request.query}\n${request.body}\n${timestamp.s}\n${nonce}',
      headers: { 'X-Nonce': '${nonce}', 'X-Sig': 'v1=${signature}', 'X-Time': '${timestamp.iso}' },
    };
    const request = await signed(auth, { k: 'hex-key' }, { method: 'POST', url: new URL('https://x.example/a/b?q=1&r=two'), body: '{"n":1}' });
    const nonce = request.headers['x-nonce'];
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    const expected = createHmac('sha512', 'hex-key').update(`POST\n/a/b?q=1&r=two\n{"n":1}\n1709294400\n${nonce}`).digest('hex');
    expect(request.headers['x-sig']).toBe(`v1=${expected}`);
    expect(request.headers['x-time']).toBe('2024-03-01T12:00:00.000Z');
  });
});

describe('awsSigV4', () => {
  const auth: AuthConfig = { kind: 'awsSigV4', region: 'us-east-1', service: 'sqs', accessKeyId: 'key_id', secretAccessKey: 'secret', sessionToken: 'token' };
  const secrets = { key_id: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', token: 'session-token-1' };
  const sqs = () => ({
    method: 'POST',
    url: new URL('https://sqs.us-east-1.amazonaws.com/?Action=x&b=2 3'),
    headers: { accept: 'application/json', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ReceiveMessage', 'user-agent': 'dif/0.1' },
    body: '{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q","MaxNumberOfMessages":10}',
  });
  const received = (r: BuiltRequest) => ({ method: r.method, path: r.url.pathname, query: Object.fromEntries(r.url.searchParams), headers: { ...r.headers, host: r.url.host }, body: r.body ?? '' });

  test('signs method, path, query, headers and body as AWS documents it; the session token is sent and signed', async () => {
    const request = await signed(auth, secrets, sqs());
    expect(request.headers['x-amz-date']).toBe('20240301T120000Z');
    expect(request.headers['x-amz-security-token']).toBe('session-token-1');
    const match = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20240301\/us-east-1\/sqs\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(request.headers.authorization);
    expect(match).not.toBeNull();
    const signedHeaders = match![1].split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target', 'content-type']));
    expect(signedHeaders).not.toContain('user-agent');
    const scope = { accessKeyId: 'AKIDEXAMPLE', date: '20240301', region: 'us-east-1', service: 'sqs' };
    expect(match![2]).toBe(awsSignature(received(request), secrets.secret, '20240301T120000Z', scope, signedHeaders));
    expect(awsSignatureVerifies(received(request), { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secrets.secret, region: 'us-east-1', service: 'sqs' })).toBe(true);
  });

  test("AWS's published example (SigV4 test suite, get-vanilla) comes out of both the signer and the test's recomputation", async () => {
    const vanilla = { kind: 'awsSigV4', region: 'us-east-1', service: 'service', accessKeyId: 'key_id', secretAccessKey: 'secret' } as const;
    setSigningClock({ now: () => new Date('2015-08-30T12:36:00Z') });
    const request = await signed(vanilla, secrets, { url: new URL('https://example.amazonaws.com/'), headers: {} });
    const published = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    expect(request.headers.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${published}`);
    const scope = { accessKeyId: 'AKIDEXAMPLE', date: '20150830', region: 'us-east-1', service: 'service' };
    expect(awsSignature(received(request), secrets.secret, '20150830T123600Z', scope, ['host', 'x-amz-date'])).toBe(published);
  });

  test('a signature made with another secret, or another body, does not verify', async () => {
    const request = await signed(auth, { ...secrets, secret: 'not-the-secret' }, sqs());
    const expected = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: secrets.secret, region: 'us-east-1', service: 'sqs' };
    expect(awsSignatureVerifies(received(request), expected)).toBe(false);
    const good = await signed(auth, secrets, sqs());
    expect(awsSignatureVerifies({ ...received(good), body: good.body + ' ' }, expected)).toBe(false);
  });
});

describe('dif validate', () => {
  test('names the JSON path of a bad hmac or awsSigV4 field', () => {
    const config = demoConfig();
    config.auth = { ...naver, algorithm: 'md5' };
    expect(problemsOf(config).map((p) => p.path)).toContain('$.auth.algorithm');
    config.auth = { ...naver, headers: { 'X-Signature': '${signature' } };
    expect(problemsOf(config).map((p) => p.path)).toContain('$.auth.headers["X-Signature"]');
    config.auth = { ...naver, stringToSign: '${secrets.api_kye}' };
    expect(problemsOf(config)).toContainEqual({ path: '$.auth.stringToSign', message: 'secrets.api_kye is not a credential this auth lists; listed: secret_key, api_key' });
    config.auth = { kind: 'awsSigV4', region: 'US East', service: 'sqs', accessKeyId: 'a', secretAccessKey: 'b' };
    expect(problemsOf(config).map((p) => p.path)).toContain('$.auth.region');
  });
});
