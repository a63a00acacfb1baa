/**
 * e2e: records per second of one Demo Ads window of 100,000 records, from the vendor's
 * HTTP answer to rows in Postgres. DIF (Temporal workflow, activities, object store,
 * semaphore, staging + merge) against a plain script doing the same fetch, CSV and COPY
 * with nothing around it (baseline/plain-ingest.ts). Both talk to the same in-process mock
 * vendor and the same Postgres, in the same process, interleaved run by run. And against a
 * floor (baseline/plain-merge.ts): the same plain script loading by DIF's merge statements
 * into a table with DIF's key index, which the bare COPY skips and no re-runnable load can.
 */
import path from 'node:path';
import fs from 'node:fs';
import { runIngestion } from '../cli/run/run';
import { ident } from '../adapters/warehouse/table-plan';
import { BENCH_SCHEMA, startDif, type DifInProcess } from './dif-in-process';
import { plainIngest } from './baseline/plain-ingest';
import { plainMerge } from './baseline/plain-merge';
import { figure, median, progress, timed, type Figure } from './report';

const BENCH = 'e2e';
const VENDOR = 'demo-ads';
const ACCOUNT = 'act_bench';
const CAMPAIGNS = 1000;
const WINDOW = { from: '2026-01-01', to: '2026-04-10' };
const BASELINE_NAME = 'plain fetch + JSON.parse + csv-stringify + COPY (no Temporal)';
const FLOOR_NAME = "floor: the same plain script loading as DIF's load does (a customer's first load: its probe and a COPY into the target; otherwise staging, key delete, dedup insert; audit, one transaction) into a table with DIF's key index";
const FLOOR_TABLE = 'floor_campaign_daily';

function daysIn(window: { from: string; to: string }): number {
  return Math.round((Date.parse(`${window.to}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`)) / 86_400_000) + 1;
}

export const RECORDS = CAMPAIGNS * daysIn(WINDOW);

interface Sample {
  seconds: number;
  recordsPerSecond: number;
}

export async function runE2e(): Promise<Figure[]> {
  if (RECORDS !== 100_000) throw new Error(`e2e: the window gives ${RECORDS} records, expected 100,000`);
  const repeats = Math.max(1, Number(process.env.DIF_BENCH_REPEATS ?? 3));
  progress(`e2e: ${CAMPAIGNS} campaigns × ${daysIn(WINDOW)} days = ${RECORDS} records; 1 warm-up + ${repeats} measured runs each`);

  const dif = await startDif(BENCH, { campaigns: CAMPAIGNS });
  const difTable = `${ident(BENCH_SCHEMA)}.${ident('demo_ads_campaign_daily')}`;
  const baselineTable = `${ident(BENCH_SCHEMA)}.${ident('baseline_campaign_daily')}`;
  const floorTable = `${ident(BENCH_SCHEMA)}.${ident(FLOOR_TABLE)}`;
  const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  try {
    // Every bench starts from an empty target, so figures do not drift with earlier runs.
    await dif.runtime.postgres.query(`CREATE SCHEMA IF NOT EXISTS ${ident(BENCH_SCHEMA)}`);
    await dif.runtime.postgres.query(`DROP TABLE IF EXISTS ${difTable}`);
    await dif.runtime.postgres.query(`DROP TABLE IF EXISTS ${floorTable}`);

    const difSamples: Sample[] = [];
    const baseSamples: Sample[] = [];
    const floorSamples: Sample[] = [];
    const activityTotals: Record<string, number>[] = [];
    for (let round = 0; round <= repeats; round++) {
      const label = round === 0 ? 'warm-up' : `run ${round}/${repeats}`;
      const d = await difOnce(dif, `bench-${tag}-${round}`, difTable);
      progress(`e2e ${label}: DIF ${d.sample.seconds.toFixed(2)} s (${Math.round(d.sample.recordsPerSecond)} rec/s); ${describe(d.activities, d.sample.seconds)}`);
      const b = await baselineOnce(dif, `bench-${tag}-${round}-plain`, baselineTable);
      progress(`e2e ${label}: baseline ${b.seconds.toFixed(2)} s (${Math.round(b.recordsPerSecond)} rec/s)`);
      // Like DIF's table, the floor's grows by one new customer's window each round.
      const f = await floorOnce(dif, `bench-${tag}-${round}-floor`, floorTable);
      progress(`e2e ${label}: floor ${f.seconds.toFixed(2)} s (${Math.round(f.recordsPerSecond)} rec/s)`);
      if (round > 0) {
        difSamples.push(d.sample);
        baseSamples.push(b);
        floorSamples.push(f);
        activityTotals.push(d.activities);
      }
    }

    const names = Object.keys(activityTotals[0] ?? {});
    const medianActivities = Object.fromEntries(names.map((n) => [n, median(activityTotals.map((t) => t[n] ?? 0))]));
    const difSeconds = median(difSamples.map((s) => s.seconds));
    progress(`e2e: DIF median ${difSeconds.toFixed(2)} s; median per activity: ${describe(medianActivities, difSeconds)}`);

    return [
      figure({
        bench: BENCH,
        metric: 'records_per_second',
        unit: 'records/s',
        dif: median(difSamples.map((s) => s.recordsPerSecond)),
        baseline: median(baseSamples.map((s) => s.recordsPerSecond)),
        baselineName: BASELINE_NAME,
        higherIsBetter: true,
      }),
      figure({
        bench: BENCH,
        metric: 'records_per_second_vs_floor',
        unit: 'records/s',
        dif: median(difSamples.map((s) => s.recordsPerSecond)),
        baseline: median(floorSamples.map((s) => s.recordsPerSecond)),
        baselineName: FLOOR_NAME,
        higherIsBetter: true,
      }),
      figure({
        bench: BENCH,
        metric: 'wall_seconds',
        unit: 's',
        dif: difSeconds,
        baseline: median(baseSamples.map((s) => s.seconds)),
        baselineName: BASELINE_NAME,
        higherIsBetter: false,
      }),
    ];
  } finally {
    await dif.runtime.postgres.query(`DROP TABLE IF EXISTS ${difTable}`).catch(() => undefined);
    await dif.runtime.postgres.query(`DROP TABLE IF EXISTS ${baselineTable}`).catch(() => undefined);
    await dif.runtime.postgres.query(`DROP TABLE IF EXISTS ${floorTable}`).catch(() => undefined);
    await dif.shutdown();
  }
}

/** One DIF ingestion, timed from the start request to the workflow's result, then checked. */
async function difOnce(dif: DifInProcess, customer: string, table: string): Promise<{ sample: Sample; activities: Record<string, number> }> {
  await dif.seedCustomer(customer, ACCOUNT);
  dif.activityTimes.reset();
  const { result: outcomes, seconds } = await timed(() =>
    runIngestion(dif.client, dif.settings, dif.runtime.deps.vendorConfigs, {
      vendor: VENDOR,
      customer,
      window: WINDOW,
      streams: ['campaign_daily'],
      options: { maxAttempts: 2, semaphoreRetryMs: 200 },
    }),
  );
  const activities = dif.activityTimes.totals();
  const [outcome] = outcomes;
  if (outcomes.length !== 1 || outcome.status !== 'COMPLETED') {
    throw new Error(`e2e: DIF run for ${customer} did not complete: ${outcome?.error ?? JSON.stringify(outcomes)} (${outcome?.uiUrl ?? ''})`);
  }
  if (outcome.recordsFetched !== RECORDS || outcome.rowsLoaded !== RECORDS) {
    throw new Error(`e2e: DIF run for ${customer} fetched ${outcome.recordsFetched} and loaded ${outcome.rowsLoaded} records, expected ${RECORDS} (${outcome.uiUrl})`);
  }
  const { rows } = await dif.runtime.postgres.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE _dif_customer = $1`, [customer]);
  if (Number(rows[0].n) !== RECORDS) {
    throw new Error(`e2e: ${table} holds ${rows[0].n} rows for customer ${customer} after DIF's run, expected ${RECORDS} (${outcome.uiUrl})`);
  }
  return { sample: { seconds, recordsPerSecond: RECORDS / seconds }, activities };
}

/** One run of the plain script against the same mock vendor and Postgres, then checked. */
async function baselineOnce(dif: DifInProcess, customer: string, table: string): Promise<Sample> {
  const csvFile = path.join(dif.scratch, 'baseline.csv');
  const { result: loaded, seconds } = await timed(() =>
    plainIngest(dif.runtime.postgres, {
      baseUrl: dif.vendorUrl,
      apiKey: dif.apiKey,
      account: ACCOUNT,
      customer,
      window: WINDOW,
      csvFile,
      table,
    }),
  );
  fs.rmSync(csvFile, { force: true });
  const { rows } = await dif.runtime.postgres.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE _dif_customer = $1`, [customer]);
  if (loaded !== RECORDS || Number(rows[0].n) !== RECORDS) {
    throw new Error(`e2e: the baseline loaded ${loaded} rows (${rows[0].n} in ${table}), expected ${RECORDS}`);
  }
  return { seconds, recordsPerSecond: RECORDS / seconds };
}

/** One run of the floor (baseline/plain-merge.ts) into its own table with DIF's key, then checked. */
async function floorOnce(dif: DifInProcess, customer: string, table: string): Promise<Sample> {
  const csvFile = path.join(dif.scratch, 'floor.csv');
  const stream = dif.runtime.deps.vendorConfigs.load(VENDOR).streams.campaign_daily;
  const { result: written, seconds } = await timed(() =>
    plainMerge(dif.runtime.postgres, BENCH_SCHEMA, { ...stream.table, name: FLOOR_TABLE }, { baseUrl: dif.vendorUrl, apiKey: dif.apiKey, account: ACCOUNT, customer, window: WINDOW, csvFile }),
  );
  fs.rmSync(csvFile, { force: true });
  const { rows } = await dif.runtime.postgres.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE _dif_customer = $1`, [customer]);
  if (written !== RECORDS || Number(rows[0].n) !== RECORDS) {
    throw new Error(`e2e: the floor wrote ${written} rows (${rows[0].n} in ${table}), expected ${RECORDS}`);
  }
  return { seconds, recordsPerSecond: RECORDS / seconds };
}

/** "toCsv 2.10 s (55%), …, outside activities 0.40 s": where the wall clock went. */
function describe(activities: Record<string, number>, wallSeconds: number): string {
  const parts = Object.entries(activities)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(2)} s (${Math.round((100 * s) / wallSeconds)}%)`);
  const inside = Object.values(activities).reduce((a, b) => a + b, 0);
  parts.push(`outside activities ${(wallSeconds - inside).toFixed(2)} s`);
  return parts.join(', ');
}
