/**
 * Per-customer overrides from MySQL (customer_vendors.overrides): columns may be replaced
 * or added per stream; the table's name and key cannot change, so loads still merge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyOverrides } from '../../../adapters/vendor-configs';
import { validateVendorConfig } from '../../../core/validate';

const DEMO_FILE = path.join(__dirname, '..', '..', '..', 'vendors', 'demo-ads', 'config.json');
const demo = () => validateVendorConfig(JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8')), DEMO_FILE);

test('a column with a known name is replaced, a new one is added', () => {
  const config = applyOverrides(
    demo(),
    { columns: { campaign_daily: [{ name: 'spend', type: 'decimal', source: 'record.spend_cents', format: 'cents' }, { name: 'region', type: 'string', metadata: 'customer' }] } },
    'overrides of acme',
  );
  const columns = config.streams.campaign_daily.table.columns;
  expect(columns.find((c) => c.name === 'spend')).toEqual({ name: 'spend', type: 'decimal', source: 'record.spend_cents', format: 'cents' });
  expect(columns.at(-1)).toEqual({ name: 'region', type: 'string', metadata: 'customer' });
  expect(columns).toHaveLength(7);
  expect(demo().streams.campaign_daily.table.columns).toHaveLength(6); // the vendor's config is untouched
});

test('bad column overrides are refused with their path', () => {
  expect(() => applyOverrides(demo(), { columns: { nope: [] } }, 'overrides of acme')).toThrow(/\$\.columns\.nope: no stream "nope"; streams: campaign_daily/);
  expect(() => applyOverrides(demo(), { columns: { campaign_daily: [{ name: 'spend', type: 'money' }] } }, 'overrides of acme')).toThrow(
    /\$\.streams\.campaign_daily\.table\.columns\[3\]\.type/,
  );
  expect(() => applyOverrides(demo(), { columns: { campaign_daily: [{ name: 'spend', type: 'string', format: 'micros' }] } }, 'overrides of acme')).toThrow(
    /columns\[3\]\.format: format "micros" does not apply to a string column/,
  );
  expect(() => applyOverrides(demo(), { streams: {} }, 'overrides of acme')).toThrow(/\$\.streams: cannot be overridden per customer; allowed: baseUrl, semaphore, concurrency, headers, rateLimit, timeoutSeconds, columns, tokenUrl, authVariant/);
});
