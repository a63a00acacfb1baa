/**
 * A dependent step that fetches pre-signed download links found in a body, on the real
 * Temporal server: with `auth: "none"` the links are fetched without the vendor's
 * Authorization (a pre-signed URL carries its own; S3 refuses a second one, and the vendor
 * token must not leave for a storage host). HubSpot's config, its deals stream rewritten
 * into "list links, then fetch each link" (the shape of HubSpot's CRM exports:
 * https://developers.hubspot.com/docs/api/crm/exports, a status answer whose `result` is a
 * download link; the link here serves the documented deals page instead of an export file).
 */
import { startVendorContract, type VendorContract } from '../setup/vendor-contract';

let c: VendorContract;
const TOKEN = 'pat-na1-presigned-SECRET';
const SIGNATURE = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=fixture';
beforeAll(async () => {
  c = await startVendorContract('hubspot', (config) => {
    config.streams.deals.steps = [
      { kind: 'single', name: 'export', request: { path: '/crm/v3/exports/export/async/tasks/77/status' } },
      {
        kind: 'dependent',
        name: 'deals',
        items: '[{ url: response.result }]',
        request: { url: '$raw{parent.url}', auth: 'none', headers: { accept: '*/*' } },
        records: 'response.results',
      },
    ];
  });
  c.server.route(
    {
      method: 'GET',
      path: '/crm/v3/exports/export/async/tasks/77/status',
      body: JSON.stringify({ id: '77', status: 'COMPLETE', result: `{{baseUrl}}/hubspot-exports/77/deals.json?${SIGNATURE}` }),
    },
    { method: 'GET', path: '/hubspot-exports/77/deals.json', file: 'deals-page-1.json' },
  );
});
afterAll(() => c?.shutdown());

test('the pre-signed link is fetched without the vendor Authorization; the vendor call carries it', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 2, 'deals');
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('hubspot_deals', customer, 'id')).toHaveLength(1);

  expect(c.server.sent('/crm/v3/exports/export/async/tasks/77/status')[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
  const [download] = c.server.sent('/hubspot-exports/77/deals.json');
  expect(download.query).toMatchObject({ 'X-Amz-Signature': 'fixture' });
  expect(download.headers).not.toHaveProperty('authorization');
  expect(download.headers.accept).toBe('*/*');
});
