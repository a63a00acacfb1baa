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
import { startDif } from './dif-in-process';
import { figure, progress, timed, type Figure } from './report';

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

    const baselineName = 'plain loop: fetch each page, write it to a file, then csv-stringify + COPY (no Temporal)';
    return [
      figure({ bench: 'pagination', metric: 'pages_per_second', unit: 'pages/s', dif: PAGES / difRun.seconds, baseline: PAGES / plainRun.seconds, baselineName, higherIsBetter: true }),
      figure({ bench: 'pagination', metric: 'records_per_second', unit: 'records/s', dif: RECORDS / difRun.seconds, baseline: RECORDS / plainRun.seconds, baselineName, higherIsBetter: true }),
      figure({ bench: 'pagination', metric: 'history_events', unit: 'events', dif: events, baseline: PAGES, baselineName: 'one activity per page (3 events each, at least)', higherIsBetter: false }),
    ];
  } finally {
    await dif.shutdown();
    await zoo.stop();
  }
}

async function plainPagination(baseUrl: string, dir: string, pool: import('pg').Pool): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (let page = 0; page < PAGES; page++) {
    const response = await fetch(`${baseUrl}/api/v1/contacts?offset=${page * PAGE_SIZE}&limit=${PAGE_SIZE}`);
    fs.writeFileSync(path.join(dir, `page-${page}.json`), await response.text());
  }
  const client = await pool.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_plain_contacts');
    await client.query('CREATE TABLE bench_plain_contacts (id bigint, email text)');
    async function* rows() {
      for (let page = 0; page < PAGES; page++) {
        const body = JSON.parse(fs.readFileSync(path.join(dir, `page-${page}.json`), 'utf8')) as { items: { id: number; email: string }[] };
        for (const item of body.items) yield [item.id, item.email];
      }
    }
    await pipeline(Readable.from(rows()), stringify(), client.query(copyFrom('COPY bench_plain_contacts FROM STDIN WITH (FORMAT csv)')));
  } finally {
    client.release();
  }
}
