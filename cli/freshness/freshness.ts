/**
 * `dif freshness`: for every enabled customer × vendor × stream, the newest window loaded
 * (the warehouse's load audit, dif_load_audit), its lag, and its state (core/freshness.ts):
 * fresh, late, failing (its newest run failed after its last load, from Temporal
 * visibility), never-loaded, or untracked (no `freshness` declared).
 */
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { VendorConfigs } from '../../adapters/vendor-configs';
import type { CustomerRepository } from '../../adapters/mysql/customers';
import { AUDIT_TABLE } from '../../adapters/warehouse/table-plan';
import { freshnessOf, type Freshness } from '../../core/freshness';
import { CUSTOMER, PARTITION, STREAM } from '../../workflows/search-attributes';
import { listQuery } from '../runs/runs';

export interface FreshnessRow extends Freshness {
  customer: string;
  vendor: string;
  stream: string;
  dueHours?: number;
  lastLoadedWindow?: { from: string; to: string };
  lastLoadedAt?: string;
  lastFailedRun?: string;
}

export interface FreshnessSources {
  configs: VendorConfigs;
  customers: CustomerRepository;
  postgres: pg.Pool;
  schema: string;
  temporal: Client;
}

/** Closed ingest runs read per vendor at most: the newest of each customer × stream come first. */
const RUNS_READ = 10_000;
const FAILED = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED']);

export async function freshnessRows(src: FreshnessSources, filter: { vendor?: string; customer?: string }, nowMs = Date.now()): Promise<FreshnessRow[]> {
  const vendors = filter.vendor ? [filter.vendor] : src.configs.vendors();
  const rows: FreshnessRow[] = [];
  for (const vendor of vendors) {
    const config = src.configs.load(vendor);
    const customers = (await src.customers.listCustomersOfVendor(vendor)).filter((c) => !filter.customer || c === filter.customer);
    if (customers.length === 0) continue;
    const loads = await lastLoads(src, vendor, customers);
    const runs = await newestClosedRuns(src.temporal, vendor, filter.customer);
    for (const customer of customers) {
      for (const [stream, spec] of Object.entries(config.streams)) {
        const key = `${customer}\u0000${stream}`;
        const load = loads.get(key);
        const run = runs.get(key);
        const failedAfterLoad = run !== undefined && FAILED.has(run.status) && (!load || run.closeTime > load.loadedAt);
        const dueHours = spec.freshness?.dueHours;
        rows.push({
          customer,
          vendor,
          stream,
          ...(dueHours !== undefined ? { dueHours } : {}),
          ...freshnessOf({ dueHours, lastLoadedTo: load?.to, failedAfterLoad, nowMs }),
          ...(load ? { lastLoadedWindow: { from: load.from, to: load.to }, lastLoadedAt: new Date(load.loadedAt).toISOString() } : {}),
          ...(failedAfterLoad ? { lastFailedRun: run.workflowId } : {}),
        });
      }
    }
  }
  return rows;
}

interface LastLoad {
  from: string;
  to: string;
  loadedAt: number;
}

/** The newest window loaded per customer × stream; none when nothing was ever loaded (no audit table yet). */
async function lastLoads(src: FreshnessSources, vendor: string, customers: string[]): Promise<Map<string, LastLoad>> {
  const out = new Map<string, LastLoad>();
  if (!customers.length) return out;
  let result: pg.QueryResult<{ customer: string; stream: string; window_from: string; window_to: string; loaded_at: Date }>;
  try {
    // ROW_NUMBER and an IN list rather than Postgres's DISTINCT ON and `= ANY($2)`: Redshift has neither.
    const places = customers.map((_, i) => `$${i + 2}`).join(', ');
    result = await src.postgres.query(
      `SELECT customer, stream, window_from, window_to, loaded_at FROM (
         SELECT customer, stream, to_char(window_from, 'YYYY-MM-DD') AS window_from, to_char(window_to, 'YYYY-MM-DD') AS window_to, loaded_at,
                ROW_NUMBER() OVER (PARTITION BY customer, stream ORDER BY window_to DESC, loaded_at DESC) AS newest
           FROM "${src.schema.replace(/"/g, '""')}"."${AUDIT_TABLE}"
          WHERE vendor = $1 AND customer IN (${places})) latest
        WHERE newest = 1`,
      [vendor, ...customers],
    );
  } catch (e) {
    if ((e as { code?: string }).code === '42P01') return out; // no load yet: no audit table
    throw e;
  }
  for (const r of result.rows) out.set(`${r.customer}\u0000${r.stream}`, { from: r.window_from, to: r.window_to, loadedAt: r.loaded_at.getTime() });
  return out;
}

/** The newest closed run of each customer × stream (a partitioned stream's whole run, not its partitions'). */
async function newestClosedRuns(temporal: Client, vendor: string, customer?: string): Promise<Map<string, { status: string; closeTime: number; workflowId: string }>> {
  const out = new Map<string, { status: string; closeTime: number; workflowId: string }>();
  const query = `${listQuery({ vendor, ...(customer ? { customer } : {}), type: 'ingest' })} AND ExecutionStatus != "Running"`;
  let read = 0;
  for await (const e of temporal.workflow.list({ query })) {
    if (++read > RUNS_READ) break;
    if (e.typedSearchAttributes.get(PARTITION) !== undefined || !e.closeTime) continue;
    const key = `${e.typedSearchAttributes.get(CUSTOMER)}\u0000${e.typedSearchAttributes.get(STREAM)}`;
    const seen = out.get(key);
    if (!seen || e.closeTime.getTime() > seen.closeTime) out.set(key, { status: e.status.name, closeTime: e.closeTime.getTime(), workflowId: e.workflowId });
  }
  return out;
}
