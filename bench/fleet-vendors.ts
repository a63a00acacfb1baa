/**
 * The fleet bench's six vendors: copies of the vendor zoo's configs (test/fixtures/vendors,
 * whose mocks follow each vendor's documented shapes), with the limits each vendor documents
 * put on them, and the misbehaviour scripted on the mock. One VendorZoo per vendor, so each
 * counts its own requests. Every request carries X-Fleet-Customer (a config header, a bench
 * device: real vendors know the account from the token), from which the mock counts the
 * requests in flight per semaphore scope: the account for account-scoped vendors, the
 * customer otherwise.
 *
 * The limits, and where their vendors say so (checked 2026-12-03):
 * - meta: Business Manager agencies share one limit (scope account, 3 runs at once). Meta throttles with error codes in 400s, not 429s: none scripted.
 * - google-ads: each customer one run at a time; one developer token for every customer, so
 *   one request rate for all (rateLimit scope account, 10 requests/s); every 20th search is
 *   429 RESOURCE_EXHAUSTED without Retry-After, as Google Ads answers (its docs give no
 *   Retry-After, only a retryDelay in the error details: DIF backs off).
 * - amazon: reports are asynchronous and slow (4 polls before COMPLETED, polled from 2 s,
 *   backing off); every 10th status poll 429 with Retry-After: 2 (Amazon Ads "rate limiting":
 *   429 with a Retry-After). Identical report bodies of different profiles are not duplicates
 *   here (duplicate425 off): Amazon's 425 is per profile.
 * - linkedin: agencies share one token (scope account, 2 runs, and 3 requests in flight
 *   across them, `concurrency.requests`, since its dependent steps fan out); DOWN (503) for a
 *   while during the run (DIF_BENCH_FLEET_OUTAGE_SECONDS).
 * - github: one token per organisation (scope account, 1 run); every 7th request 429 with
 *   Retry-After: 1 (GitHub REST "secondary rate limits": a retry-after header, no more than 100
 *   concurrent requests).
 * - orders (a shop): each customer its own store, 2 requests/s (Shopify REST's leaky bucket
 *   leaks 2 requests per second).
 * Every answer takes the time a real API's does (100 to 300 ms, insights the slowest): with
 * instant answers requests would seldom overlap, and the mocks' count of requests in flight
 * could not catch a semaphore letting too many runs through.
 * Every vendor keeps DIF's default lease (300 s) unless DIF_BENCH_FLEET_LEASE_SECONDS says
 * otherwise. A shorter lease notices a killed worker sooner (the heartbeat timeout is half the
 * lease, at most 120 s), but measured on this machine under load, 30 s failed 150 of 240 runs
 * with PermitLost: the permit lapsed between its acquisition and the first vendor activity,
 * which waited that long in a backed-up task queue.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../adapters/settings';
import {
  AMAZON_DEFAULTS,
  expectedAmazonRows,
  expectedGithubIssues,
  expectedGoogleAdsRows,
  expectedLinkedinAnalytics,
  expectedMetaInsights,
  GITHUB_DEFAULTS,
  LINKEDIN_DEFAULTS,
  linkedinCampaignId,
  META_DEFAULTS,
  ORDERS_DEFAULTS,
  expectedOrders,
  VendorZoo,
  type VendorZooOptions,
} from '../test/mock-vendor/vendor-zoo';

/** The day every customer's schedule loads: the zoo's data are fixed functions of it. */
export const FLEET_DAY = '2024-03-01';
const LEASE_SECONDS = leaseSeconds();
const CUSTOMER_HEADER = 'x-fleet-customer';

export interface FleetCustomerValues {
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface FleetVendor {
  /** DIF's vendor name (bench-owned, apart from the zoo's). */
  vendor: string;
  stream: string;
  table: string;
  primaryKey: string[];
  scope: 'account' | 'customer';
  /** The limit the mock's per-scope count of requests in flight is held to. */
  requestLimit: number;
  /** Runs at once per scope (semaphore.limit). */
  runLimit: number;
  config: Record<string, unknown>;
  zooOptions: VendorZooOptions;
  /** Customer number `i`'s inputs and secrets for this vendor. */
  customer(i: number): FleetCustomerValues;
  /** Rows the mock serves one customer for FLEET_DAY. */
  expectedRows: number;
  /** Scripted misbehaviour for the whole run (not the outage). */
  misbehave(zoo: VendorZoo): void;
}

interface VendorSpec extends Omit<FleetVendor, 'config' | 'table' | 'primaryKey' | 'stream' | 'requestLimit'> {
  zooVendor: string;
  /** Edits to the copied config beyond the limits. */
  limits: Record<string, unknown>;
}

const SPECS: VendorSpec[] = [
  {
    vendor: 'fleet-meta',
    zooVendor: 'zoo-meta',
    scope: 'account',
    runLimit: 3,
    limits: {},
    zooOptions: { latencyMs: 300 },
    customer: (i) => ({ inputs: { ad_account_id: String(100_000 + i) }, secrets: { access_token: META_DEFAULTS.accessToken } }),
    expectedRows: expectedMetaInsights('x', FLEET_DAY, FLEET_DAY).length,
    misbehave: () => undefined,
  },
  {
    vendor: 'fleet-google-ads',
    zooVendor: 'zoo-google-ads',
    scope: 'customer',
    runLimit: 1,
    limits: { rateLimit: { requestsPerSecond: 10, scope: 'account' } },
    zooOptions: { latencyMs: 200, googleAds: { campaigns: 20 } },
    customer: (i) => ({ inputs: { customer_id: String(1_000_000_000 + i), developer_token: 'dev-token' }, secrets: { access_token: 'google-token' } }),
    expectedRows: expectedGoogleAdsRows('x', FLEET_DAY, FLEET_DAY, 20).length,
    misbehave: (zoo) =>
      zoo.failEvery('googleAds.search', 20, {
        status: 429,
        body: JSON.stringify({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }),
      }),
  },
  {
    vendor: 'fleet-amazon',
    zooVendor: 'zoo-amazon',
    scope: 'customer',
    runLimit: 1,
    limits: {},
    zooOptions: { latencyMs: 150, amazon: { pollsBeforeComplete: 4, campaigns: 10, duplicate425: false } },
    customer: (i) => ({ inputs: { client_id: AMAZON_DEFAULTS.clientId, profile_id: String(3_000_000 + i) }, secrets: { access_token: AMAZON_DEFAULTS.accessToken } }),
    expectedRows: expectedAmazonRows(FLEET_DAY, FLEET_DAY, undefined, 10).length,
    misbehave: (zoo) => zoo.failEvery('amazon.getReport', 10, { status: 429, retryAfter: '2', body: JSON.stringify({ code: '429', details: 'Too Many Requests' }) }),
  },
  {
    vendor: 'fleet-linkedin',
    zooVendor: 'zoo-linkedin',
    scope: 'account',
    runLimit: 2,
    limits: { concurrency: { requests: 3, scope: 'account' } },
    zooOptions: { latencyMs: 200 },
    customer: () => ({ inputs: {}, secrets: { access_token: LINKEDIN_DEFAULTS.accessToken } }),
    expectedRows: expectedLinkedinAnalytics(
      Array.from({ length: LINKEDIN_DEFAULTS.accounts }, (_, a) => Array.from({ length: LINKEDIN_DEFAULTS.campaignsPerAccount }, (_, c) => linkedinCampaignId(a, c))).flat(),
      FLEET_DAY,
      FLEET_DAY,
    ).length,
    misbehave: () => undefined,
  },
  {
    vendor: 'fleet-github',
    zooVendor: 'zoo-github',
    scope: 'account',
    runLimit: 1,
    limits: {},
    zooOptions: { latencyMs: 150 },
    customer: (i) => ({ inputs: { owner: `org-${i}`, repo: 'site' }, secrets: { token: 'gh-token' } }),
    expectedRows: expectedGithubIssues('x', 'y', GITHUB_DEFAULTS.records).length,
    misbehave: (zoo) =>
      zoo.failEvery('github.issues', 7, { status: 429, retryAfter: '1', body: JSON.stringify({ message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com/rest' }) }),
  },
  {
    vendor: 'fleet-orders',
    zooVendor: 'zoo-orders',
    scope: 'customer',
    runLimit: 2,
    limits: { rateLimit: { requestsPerSecond: 2, scope: 'customer' } },
    zooOptions: { latencyMs: 100 },
    customer: () => ({ inputs: {}, secrets: {} }),
    expectedRows: expectedOrders(ORDERS_DEFAULTS.records).length,
    misbehave: () => undefined,
  },
];

/** The six vendors, their configs built from the zoo's. */
export function fleetVendors(): FleetVendor[] {
  return SPECS.map((spec) => {
    const file = path.join(projectRoot(), 'test', 'fixtures', 'vendors', spec.zooVendor, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete config.$schema;
    const [stream] = Object.keys(config.streams);
    if (Object.keys(config.streams).length !== 1) throw new Error(`${file}: the fleet bench expects one stream, found ${Object.keys(config.streams).join(', ')}`);
    const table = config.streams[stream].table;
    table.name = spec.vendor.replace(/-/g, '_');
    config.vendor = spec.vendor;
    config.title = `${config.title} (fleet bench)`;
    config.semaphore = { scope: spec.scope, limit: spec.runLimit, ...(LEASE_SECONDS ? { leaseSeconds: LEASE_SECONDS } : {}) };
    config.headers = { ...(config.headers ?? {}), [CUSTOMER_HEADER]: '${customer}' };
    for (const step of config.streams[stream].steps) {
      // A download may go elsewhere without the vendor's headers; the mock still has to know whose it is.
      if (step.kind === 'async') step.download = { ...step.download, headers: { ...(step.download.headers ?? {}), [CUSTOMER_HEADER]: '${customer}' } };
      if (step.kind === 'async') Object.assign(step.poll, { intervalSeconds: 2, backoff: 1.5, timeoutMinutes: 10 });
    }
    Object.assign(config, spec.limits);
    const concurrency = config.concurrency as { requests: number } | undefined;
    return {
      vendor: spec.vendor,
      stream,
      table: table.name,
      primaryKey: table.primaryKey,
      scope: spec.scope,
      runLimit: spec.runLimit,
      // A run sends one request at a time unless a dependent step fans out, and then concurrency.requests caps them.
      requestLimit: concurrency?.requests ?? spec.runLimit,
      config,
      zooOptions: spec.zooOptions,
      customer: spec.customer,
      expectedRows: spec.expectedRows,
      misbehave: spec.misbehave,
    };
  });
}

/** The header the mocks read a request's customer from. */
export function customerOfRequest(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers[CUSTOMER_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/** DIF_BENCH_FLEET_LEASE_SECONDS, or undefined for DIF's default lease. */
function leaseSeconds(): number | undefined {
  const raw = process.env.DIF_BENCH_FLEET_LEASE_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 5) throw new Error(`DIF_BENCH_FLEET_LEASE_SECONDS must be a whole number of seconds, at least 5, not "${raw}"`);
  return value;
}
