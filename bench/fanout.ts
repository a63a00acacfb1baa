/**
 * `npm run bench -- fanout`: a dependent step fanning out to 50,000 calls (one per item of
 * an earlier step), vendor to Postgres. DIF against a plain script making the same calls
 * with the same concurrency and writes; and the workflow history length against Temporal's
 * limit of 51,200 events per history.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { from as copyFrom } from 'pg-copy-streams';
import { runIngestion } from '../cli/run/run';
import { VendorZoo } from '../test/mock-vendor/vendor-zoo';
import { LocalObjectStore } from '../adapters/object-store/local-object-store';
import { bundleIndex, bundleKey, bundlePrefix, encodeBundle } from '../adapters/object-store/answer-bundle';
import { DEFAULT_BUNDLE_LIMITS } from '../steps/shared/answer-bundles';
import { startDif } from './dif-in-process';
import { figure, progress, timed, type Figure } from './report';
import { activityRoundTripSeconds, scheduledActivities } from './temporal-floor';

const ITEMS = Number(process.env.DIF_BENCH_ITEMS ?? 50_000);
const CONCURRENCY = 4;

const config = {
  vendor: 'bench-fanout',
  title: 'Fan-out benchmark (VendorZoo orders, then one contacts call per order)',
  baseUrl: 'http://127.0.0.1',
  auth: { kind: 'none' },
  inputs: [],
  semaphore: { scope: 'customer', limit: 1 },
  streams: {
    per_order: {
      steps: [
        { kind: 'single', name: 'orders', request: { path: '/api/v2/orders', query: { page: '1', per_page: String(ITEMS) } }, records: 'response.data' },
        {
          kind: 'dependent',
          name: 'contact',
          items: 'response.data.map(o => ({ order_id: o.id }))',
          concurrency: CONCURRENCY,
          batchSize: 500,
          request: { path: '/api/v1/contacts', query: { offset: '${parent.order_id - 50001}', limit: '1' } },
          records: 'response.items',
        },
      ],
      table: {
        name: 'bench_fanout',
        primaryKey: ['order_id'],
        columns: [
          { name: 'order_id', type: 'integer', source: 'parent.order_id', nullable: false },
          { name: 'contact_id', type: 'integer', source: 'record.id' },
          { name: 'email', type: 'string' },
        ],
      },
    },
  },
};

export async function runFanout(): Promise<Figure[]> {
  const zoo = new VendorZoo({ orders: { records: ITEMS, maxPageSize: ITEMS }, contacts: { records: ITEMS } });
  const zooUrl = await zoo.start();
  const dif = await startDif('fanout', {}, {}, [config]);
  try {
    const customer = await dif.customerOf('bench-fanout', zooUrl);

    progress(`fanout: DIF, ${ITEMS} dependent calls`);
    const difRun = await timed(() =>
      runIngestion(dif.client, dif.settings, dif.runtime.deps.vendorConfigs, { vendor: 'bench-fanout', customer, window: { from: '2024-01-01', to: '2024-01-01' } }),
    );
    const [outcome] = difRun.result;
    if (outcome.status !== 'COMPLETED' || outcome.rowsLoaded !== ITEMS) {
      throw new Error(`DIF run ${outcome.status}: ${outcome.error ?? `${outcome.rowsLoaded} rows`}`);
    }
    const history = await dif.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
    const events = history.events?.length ?? 0;
    progress(`fanout: DIF ${difRun.seconds.toFixed(1)} s, ${events} history events; activity seconds ${JSON.stringify(dif.activityTimes.totals())}`);

    progress('fanout: plain script');
    const plainRun = await timed(() => plainFanout(zooUrl, path.join(dif.scratch, 'plain'), dif.runtime.postgres));
    // The floor: what the resume rule and Temporal cost whatever DIF does (README "Benchmarks").
    progress('fanout: floor (plain script storing its answers atomically in bundles of 100, and the same number of no-op activities)');
    const durableRun = await timed(() => plainFanout(zooUrl, path.join(dif.scratch, 'durable'), dif.runtime.postgres, true));
    const activities = scheduledActivities(history);
    const temporalSeconds = await activityRoundTripSeconds(dif.settings, activities, CONCURRENCY);
    const floorSeconds = durableRun.seconds + temporalSeconds;
    progress(`fanout: plain ${plainRun.seconds.toFixed(1)} s; durable script ${durableRun.seconds.toFixed(1)} s; ${activities} no-op activities ${temporalSeconds.toFixed(2)} s; floor ${floorSeconds.toFixed(1)} s`);
    const baselineName = `plain script: the same calls, ${CONCURRENCY} at a time, each body written to a file, then csv-stringify + COPY (no Temporal)`;
    const floorName = `floor: the plain script storing its answers atomically in bundles of ${DEFAULT_BUNDLE_LIMITS.items} (DIF's format, temp + rename in the local store) and reading them back, plus ${activities} no-op Temporal activities (DIF's count), ${CONCURRENCY} at a time`;
    return [
      figure({ bench: 'fanout', metric: 'calls_per_second', unit: 'calls/s', dif: ITEMS / difRun.seconds, baseline: ITEMS / plainRun.seconds, baselineName, higherIsBetter: true }),
      figure({ bench: 'fanout', metric: 'calls_per_second_vs_floor', unit: 'calls/s', dif: ITEMS / difRun.seconds, baseline: ITEMS / floorSeconds, baselineName: floorName, higherIsBetter: true }),
      figure({ bench: 'fanout', metric: 'history_events', unit: 'events', dif: events, baseline: 51_200, baselineName: "Temporal's history limit (events)", higherIsBetter: false }),
    ];
  } finally {
    await dif.shutdown();
    await zoo.stop();
  }
}

/**
 * The plain script; with `durable`, the answers stored as no resumable fan-out can skip:
 * atomically, in bundles of DIF's size and format (adapters/object-store/answer-bundle.ts),
 * each lane writing its own every BUNDLE_ITEMS answers, and read back from them.
 */
async function plainFanout(baseUrl: string, dir: string, pool: import('pg').Pool, durable = false): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const store = new LocalObjectStore(dir);
  const bundles: string[] = [];
  const answerFile = (id: number) => path.join(dir, `${id}.json`);
  const orders = (await (await fetch(`${baseUrl}/api/v2/orders?page=1&per_page=${ITEMS}`)).json()) as { data: { id: number }[] };
  let next = 0;
  const lane = async (laneNumber: number) => {
    let held: { item: number; body: Buffer }[] = [];
    const flush = async () => {
      if (!held.length) return;
      const { bytes, index } = encodeBundle(held);
      const key = bundleKey(bundlePrefix('floor', 'contact', laneNumber), index, bytes);
      await store.put(key, bytes);
      bundles.push(key);
      held = [];
    };
    while (next < orders.data.length) {
      const index = next++;
      const order = orders.data[index];
      const response = await fetch(`${baseUrl}/api/v1/contacts?offset=${order.id - 50_001}&limit=1`);
      if (!durable) {
        fs.writeFileSync(answerFile(order.id), await response.text());
        continue;
      }
      held.push({ item: index, body: Buffer.from(await response.arrayBuffer()) });
      if (held.length >= DEFAULT_BUNDLE_LIMITS.items) await flush();
    }
    await flush();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => lane(i)));
  const client = await pool.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_plain_fanout');
    await client.query('CREATE TABLE bench_plain_fanout (order_id bigint, contact_id bigint, email text)');
    type Answer = { items: { id: number; email: string }[] };
    async function* answers(): AsyncGenerator<[number, Answer]> {
      if (!durable) {
        for (const order of orders.data) yield [order.id, JSON.parse(fs.readFileSync(answerFile(order.id), 'utf8')) as Answer];
        return;
      }
      for (const key of bundles) {
        const bytes = fs.readFileSync(path.join(dir, key));
        for (const { item, offset, length } of bundleIndex(bytes, key)) {
          yield [orders.data[item].id, JSON.parse(bytes.subarray(offset, offset + length).toString('utf8')) as Answer];
        }
      }
    }
    async function* rows() {
      for await (const [orderId, body] of answers()) for (const item of body.items) yield [orderId, item.id, item.email];
    }
    await pipeline(Readable.from(rows()), stringify(), client.query(copyFrom('COPY bench_plain_fanout FROM STDIN WITH (FORMAT csv)')));
  } finally {
    client.release();
  }
}
