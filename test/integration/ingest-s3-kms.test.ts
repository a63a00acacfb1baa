/**
 * The same ingestion with the production adapters chosen by configuration: the object store
 * on the S3 API (versitygw) and secrets under the AWS KMS API (local-kms).
 */
import { gunzipSync } from 'node:zlib';
import { runIngestion } from '../../cli/run/run';
import type { PageSet } from '../../core/contracts';
import { pageKey } from '../../core/run-plan';
import { S3ObjectStore } from '../../adapters/object-store';
import { startHarness, type Harness } from '../setup/harness';
import { KMS_ENDPOINT, S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY, uniqueName } from '../setup/test-settings';

let h: Harness;
const s3 = { bucket: 'dif-test-e2e', region: 'us-east-1', endpoint: S3_ENDPOINT, accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY, forcePathStyle: true };

beforeAll(async () => {
  const store = new S3ObjectStore(s3);
  await store.ensureBucket();
  store.destroy();
  h = await startHarness('s3kms', {
    settings: {
      objectStore: { kind: 's3', ...s3 },
      kms: { kind: 'aws', keyId: 'alias/dif-local', region: 'us-east-1', endpoint: KMS_ENDPOINT, accessKeyId: 'local', secretAccessKey: 'local' },
    },
  });
});
afterAll(() => h?.shutdown());

test('raw response and CSV land in S3, the key is decrypted through KMS, rows load', async () => {
  const customer = uniqueName('s3');
  await h.seedCustomer(customer);
  const [outcome] = await runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, {
    vendor: 'demo-ads',
    customer,
    window: { from: '2026-09-01', to: '2026-09-03' },
    options: { semaphoreRetryMs: 100, maxAttempts: 3 },
  });
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.rowsLoaded).toBe(15);

  const store = h.runtime.deps.objectStore;
  expect(store.location).toBe('s3://dif-test-e2e');
  const [listKey] = JSON.parse(await store.getText(outcome.summary!.rawLists.key)) as string[];
  const [pageSet] = JSON.parse(await store.getText(listKey)) as PageSet[];
  const raw = await store.getText(pageKey(pageSet.prefix, 1));
  expect(JSON.parse(raw).data).toHaveLength(15);
  // The CSV is gzip parts listed in a Redshift-style manifest.
  const manifest = JSON.parse(await store.getText(outcome.summary!.csvObject));
  expect(manifest.entries).toHaveLength(1);
  expect(manifest.entries[0]).toEqual({ url: expect.stringMatching(/^s3:\/\/dif-test-e2e\/csv\/.*part-000001\.csv\.gz$/), mandatory: true });
  const part = manifest.entries[0].url.slice('s3://dif-test-e2e/'.length);
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream(part)) chunks.push(Buffer.from(chunk));
  const csv = gunzipSync(Buffer.concat(chunks)).toString('utf8');
  expect(csv.split('\n')[0]).toBe('campaign_id,campaign_name,date,spend,impressions,clicks,_dif_customer,_dif_run_id,_dif_extracted_at');
  expect(csv.trim().split('\n')).toHaveLength(16);
  expect(raw + csv).not.toContain(h.apiKey);
});
