/**
 * The baseline of the e2e bench: what a competent engineer writes without a framework to
 * get one vendor window into Postgres. One fetch(), JSON.parse, map each record to the
 * table's columns (plus DIF's three metadata columns, so both sides load the same bytes),
 * csv-stringify to a local file, then COPY FROM STDIN into a plain table created fresh.
 * No Temporal, no object store, no semaphore, no merge.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export const BASELINE_COLUMNS = [
  'campaign_id',
  'campaign_name',
  'date',
  'spend',
  'impressions',
  'clicks',
  '_dif_customer',
  '_dif_run_id',
  '_dif_extracted_at',
] as const;

interface DemoRecord {
  campaign_id: string;
  campaign_name: string;
  date: string;
  spend_micros: number;
  impressions: number;
  clicks: number;
}

export interface PlainIngestRequest {
  baseUrl: string;
  apiKey: string;
  account: string;
  customer: string;
  window: { from: string; to: string };
  /** Where the CSV is written. */
  csvFile: string;
  /** Schema-qualified, already quoted table name, e.g. `"dif_bench"."baseline_campaign_daily"`. */
  table: string;
}

/** Returns the number of rows COPY loaded. */
export async function plainIngest(pool: pg.Pool, r: PlainIngestRequest): Promise<number> {
  await plainCsv(r);
  const client = await pool.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${r.table}`);
    await client.query(`CREATE TABLE ${r.table} (
      campaign_id text NOT NULL, campaign_name text, date date NOT NULL, spend numeric, impressions bigint, clicks bigint,
      _dif_customer text NOT NULL, _dif_run_id text NOT NULL, _dif_extracted_at timestamptz NOT NULL,
      _dif_loaded_at timestamptz NOT NULL DEFAULT now())`);
    const copy = client.query(copyFrom(`COPY ${r.table} (${BASELINE_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`));
    await pipeline(fs.createReadStream(r.csvFile), copy);
    return Number(copy.rowCount);
  } finally {
    client.release();
  }
}

/** The script's first half: the vendor's answer fetched, parsed, mapped and written to `r.csvFile` as CSV with a header. */
export async function plainCsv(r: PlainIngestRequest): Promise<void> {
  const url = new URL(`${r.baseUrl.replace(/\/$/, '')}/v1/accounts/${encodeURIComponent(r.account)}/campaign-stats`);
  url.searchParams.set('start_date', r.window.from);
  url.searchParams.set('end_date', r.window.to);
  const response = await fetch(url, { headers: { 'x-api-key': r.apiKey, accept: 'application/json' } });
  if (!response.ok) throw new Error(`baseline: GET ${url.pathname} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const body = JSON.parse(await response.text()) as { data: DemoRecord[] };

  const runId = randomUUID();
  const extractedAt = new Date().toISOString();
  const rows = body.data.map((rec) => [
    rec.campaign_id,
    rec.campaign_name,
    rec.date,
    String(rec.spend_micros / 1e6),
    rec.impressions,
    rec.clicks,
    r.customer,
    runId,
    extractedAt,
  ]);
  await pipeline(Readable.from(rows), stringify({ header: true, columns: [...BASELINE_COLUMNS] }), fs.createWriteStream(r.csvFile));
}
