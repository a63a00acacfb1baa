/**
 * `npm run bench -- pagination`: 10,000 pages of 100 records from an offset/limit API
 * (VendorZoo's contacts route), vendor to Postgres, DIF against a plain script making the
 * same HTTP calls and writes (each page stored as a file, then CSV and COPY), plus the
 * length of DIF's workflow history for the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { from as copyFrom } from 'pg-copy-streams';
import { runIngestion } from '../cli/run/run';
import { VendorZoo } from '../test/mock-vendor/vendor-zoo';
import { projectRoot } from '../adapters/settings';
import { LocalObjectStore } from '../adapters/object-store/local-object-store';
import { pageKey, pageMetaKey } from '../core/run-plan';
import { startDif } from './dif-in-process';
import { figure, progress, timed, type Figure } from './report';
import { activityRoundTripSeconds, scheduledActivities } from './temporal-floor';

const PAGES = Number(process.env.DIF_BENCH_PAGES ?? 10_000);
const PAGE_SIZE = 100;
const RECORDS = PAGES * PAGE_SIZE;

export async function runPagination(): Promise<Figure[]> {
  const zoo = new VendorZoo({ contacts: { records: RECORDS, maxPageSize: PAGE_SIZE } });
  const zooUrl = await zoo.start();
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'test', 'fixtures', 'vendors', 'zoo-contacts', 'config.json'), 'utf8'));
  config.streams.contacts.steps[0].pagination.limit = PAGE_SIZE;
  const dif = await startDif('pagination', {}, {}, [config]);
  try {
    const customer = await dif.customerOf('zoo-contacts', zooUrl);

    progress(`pagination: DIF, ${PAGES} pages of ${PAGE_SIZE}`);
    const difRun = await timed(() =>
      runIngestion(dif.client, dif.settings, dif.runtime.deps.vendorConfigs, {
        vendor: 'zoo-contacts',
        customer,
        window: { from: '2024-01-01', to: '2024-01-01' },
      }),
    );
    const [outcome] = difRun.result;
    if (outcome.status !== 'COMPLETED' || outcome.recordsFetched !== RECORDS) {
      throw new Error(`DIF run ${outcome.status}: ${outcome.error ?? `${outcome.recordsFetched} records`}`);
    }
    const history = await dif.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
    const events = history.events?.length ?? 0;
    progress(`pagination: DIF ${difRun.seconds.toFixed(1)} s, ${events} history events; activity seconds ${JSON.stringify(dif.activityTimes.totals())}`);

    progress('pagination: plain script');
    const plainRun = await timed(() => plainPagination(zooUrl, path.join(dif.scratch, 'plain'), dif.runtime.postgres));
    // The floor: what the resume rule and Temporal cost whatever DIF does (README "Benchmarks").
    progress('pagination: floor (plain loop with durable page + decision writes, and the same number of no-op activities)');
    const durableRun = await timed(() => plainPagination(zooUrl, path.join(dif.scratch, 'durable'), dif.runtime.postgres, true));
    const activities = scheduledActivities(history);
    const temporalSeconds = await activityRoundTripSeconds(dif.settings, activities, 1);
    const floorSeconds = durableRun.seconds + temporalSeconds;
    progress(`pagination: plain ${plainRun.seconds.toFixed(1)} s; durable loop ${durableRun.seconds.toFixed(1)} s; ${activities} no-op activities ${temporalSeconds.toFixed(2)} s; floor ${floorSeconds.toFixed(1)} s`);

    const baselineName = 'plain loop: fetch each page, write it to a file, then csv-stringify + COPY (no Temporal)';
    const floorName = `floor: the plain loop parsing each page once and writing it and its decision atomically (temp + rename, as DIF's local store), plus ${activities} no-op Temporal activities (DIF's count), one at a time`;
    return [
      figure({ bench: 'pagination', metric: 'pages_per_second', unit: 'pages/s', dif: PAGES / difRun.seconds, baseline: PAGES / plainRun.seconds, baselineName, higherIsBetter: true }),
      figure({ bench: 'pagination', metric: 'pages_per_second_vs_floor', unit: 'pages/s', dif: PAGES / difRun.seconds, baseline: PAGES / floorSeconds, baselineName: floorName, higherIsBetter: true }),
      figure({ bench: 'pagination', metric: 'records_per_second', unit: 'records/s', dif: RECORDS / difRun.seconds, baseline: RECORDS / plainRun.seconds, baselineName, higherIsBetter: true }),
      figure({ bench: 'pagination', metric: 'history_events', unit: 'events', dif: events, baseline: PAGES, baselineName: 'one activity per page (3 events each, at least)', higherIsBetter: false }),
    ];
  } finally {
    await dif.shutdown();
    await zoo.stop();
  }
}

/**
 * The plain loop; with `durable`, also what no resumable loop can skip: each page parsed once
 * (its records counted, the total read) and stored with its decision, atomically, as DIF's
 * local object store does, the two writes at once.
 */
async function plainPagination(baseUrl: string, dir: string, pool: import('pg').Pool, durable = false): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const store = new LocalObjectStore(dir);
  const pageFile = (page: number) => path.join(dir, durable ? pageKey('floor', page + 1) : `page-${page}.json`);
  for (let page = 0; page < PAGES; page++) {
    const response = await fetch(`${baseUrl}/api/v1/contacts?offset=${page * PAGE_SIZE}&limit=${PAGE_SIZE}`);
    const text = await response.text();
    if (!durable) fs.writeFileSync(pageFile(page), text);
    else {
      const body = JSON.parse(text) as { items: unknown[]; total?: number };
      const decision = body.items.length < PAGE_SIZE || (page + 1) * PAGE_SIZE >= (body.total ?? Infinity) ? { done: 'total reached' } : { next: { page: page + 2 } };
      const meta = JSON.stringify({ status: response.status, records: body.items.length, decision });
      await Promise.all([store.put(pageKey('floor', page + 1), text), store.put(pageMetaKey('floor', page + 1), meta)]);
    }
  }
  const client = await pool.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_plain_contacts');
    await client.query('CREATE TABLE bench_plain_contacts (id bigint, email text)');
    async function* rows() {
      for (let page = 0; page < PAGES; page++) {
        const body = JSON.parse(fs.readFileSync(pageFile(page), 'utf8')) as { items: { id: number; email: string }[] };
        for (const item of body.items) yield [item.id, item.email];
      }
    }
    await pipeline(Readable.from(rows()), stringify(), client.query(copyFrom('COPY bench_plain_contacts FROM STDIN WITH (FORMAT csv)')));
  } finally {
    client.release();
  }
}
