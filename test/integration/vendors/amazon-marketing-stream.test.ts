/**
 * Contract test of vendors/amazon-marketing-stream: SQS ReceiveMessage signed with the
 * awsSigV4 auth kind. The mock recomputes the SigV4 signature from AWS's documented
 * algorithm (test/mock-vendor/signatures.ts, node:crypto, not @smithy/signature-v4) and
 * answers 403 SignatureDoesNotMatch when it does not verify; the signing clock is fixed, so
 * X-Amz-Date and the signature are known.
 */
import { setSigningClock } from '../../../auth/signing-clock';
import { awsSignature, awsSignatureVerifies } from '../../mock-vendor/signatures';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY-SECRET';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/marketing-stream-sp-traffic';
const FIXED = new Date('2024-03-01T12:00:00.000Z');
const expected = { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'us-east-1', service: 'sqs' };

beforeAll(async () => {
  setSigningClock({ now: () => FIXED });
  c = await startVendorContract('amazon-marketing-stream');
  c.server.route(
    { method: 'POST', path: '/', when: (r) => !awsSignatureVerifies(r, expected), status: 403, file: 'error-403-signature.json' },
    { method: 'POST', path: '/', when: (r) => r.headers['x-amz-target'] === 'AmazonSQS.ReceiveMessage' && r.json?.QueueUrl === QUEUE, file: 'receive-message.json' },
  );
});
afterAll(async () => {
  setSigningClock();
  await c?.shutdown();
});

test('sp_traffic: ReceiveMessage signed with SigV4, verified by the mock, message bodies loaded as rows', async () => {
  const customer = await c.customer({ queue_url: QUEUE }, { aws_access_key_id: KEY_ID, aws_secret_access_key: SECRET });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('amazon_marketing_stream_sp_traffic', customer, 'idempotency_id');
  expect(rows.map((r) => [r.idempotency_id, r.campaign_id, Number(r.clicks), Number(r.impressions), Number(r.cost)])).toEqual([
    ['9f6c2a1e-1d2b-4c3d-8e4f-000000000001', '170000000000001', 12, 3400, 8.75],
    ['9f6c2a1e-1d2b-4c3d-8e4f-000000000002', '170000000000002', 3, 950, 1.2],
  ]);
  expect(new Date(rows[0].time_window_start).toISOString()).toBe('2024-03-01T10:00:00.000Z');

  const [sent] = c.server.sent('/').filter((r) => r.json?.QueueUrl === QUEUE);
  expect(sent.json).toEqual({ QueueUrl: QUEUE, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
  expect(sent.headers['x-amz-date']).toBe('20240301T120000Z');
  const match = /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20240301\/us-east-1\/sqs\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(String(sent.headers.authorization));
  expect(match).not.toBeNull();
  expect(match![1]).toBe('accept;content-type;host;x-amz-date;x-amz-target');
  // Recomputed here from the documented algorithm, on the fixed clock.
  const scope = { accessKeyId: KEY_ID, date: '20240301', region: 'us-east-1', service: 'sqs' };
  expect(match![2]).toBe(awsSignature(sent, SECRET, '20240301T120000Z', scope, match![1].split(';')));
  expect(c.storedText()).not.toContain(SECRET);
});

test('a wrong secret access key: the mock answers 403 SignatureDoesNotMatch and the run fails with AWS’s message, the key nowhere in it', async () => {
  const customer = await c.customer({ queue_url: QUEUE }, { aws_access_key_id: KEY_ID, aws_secret_access_key: 'not-the-secret-SECRET' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/POST \/ answered 403: .*SignatureDoesNotMatch.*The request signature we calculated does not match the signature you provided/);
  expect(outcome.error).not.toContain('not-the-secret-SECRET');
});
