/**
 * `npm run bench -- fleet`: a day of many customers, simulated (issue 20, item 7). Every
 * customer's daily run of six mock vendors (bench/fleet-vendors.ts: rate limits, 429s with
 * and without Retry-After, slow async reports, shared accounts) is started at once, as a
 * day's schedules firing together; three worker processes serve them. During the run one
 * vendor is down for a while, one worker is killed with SIGKILL (at a quarter of the runs
 * closed) and the bench's Redis is restarted (at half).
 *
 * Figures: runs completed per minute, p50/p95 run latency (start to close, from Temporal's
 * visibility), per vendor the peak of requests in flight per semaphore scope as the mock
 * counted them against the limit (ratio <= 1, or the bench fails), fairness between customers
 * sharing an account (Jain's index of their latencies against a perfect FIFO queue's), rows
 * lost and duplicated in Postgres against the mocks' rows (0 and 0, or the bench fails), and
 * CPU and peak RSS of the workers and the services (/proc), to say what limits throughput.
 *
 * Sizes: DIF_BENCH_FLEET_CUSTOMERS (default 20), DIF_BENCH_FLEET_PER_ACCOUNT (customers
 * sharing an account, 5), DIF_BENCH_FLEET_WORKERS (3), DIF_BENCH_FLEET_OUTAGE_SECONDS (one
 * vendor down, 60), DIF_BENCH_FLEET_REDIS_DOWN_SECONDS (3), DIF_BENCH_FLEET_TIMEOUT_SECONDS
 * (runs still open then are terminated and counted as lost, 600).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { planRun } from '../cli/run/run';
import { ingestWorkflowId } from '../core/run-plan';
import type { IngestInput } from '../core/contracts';
import { checkRows } from './fleet-check';
import { CpuMeter, machineCpu, peakRssBytes, pidsNamed } from './fleet-procs';
import { FLEET_SCHEMA, inBatches, stageFleet, type FleetStage } from './fleet-setup';
import { fifoJainIndex, jainIndex, percentile, runsPerMinute } from './fleet-stats';
import { FLEET_DAY } from './fleet-vendors';
import { emit, figure, progress, type Figure } from './report';

const SIZE = {
  customers: intEnv('DIF_BENCH_FLEET_CUSTOMERS', 20),
  perAccount: intEnv('DIF_BENCH_FLEET_PER_ACCOUNT', 5),
  workers: intEnv('DIF_BENCH_FLEET_WORKERS', 3),
};
const OUTAGE_SECONDS = intEnv('DIF_BENCH_FLEET_OUTAGE_SECONDS', 60);
const REDIS_DOWN_SECONDS = intEnv('DIF_BENCH_FLEET_REDIS_DOWN_SECONDS', 3);
const TIMEOUT_SECONDS = intEnv('DIF_BENCH_FLEET_TIMEOUT_SECONDS', 600);
/** The vendor that goes down, and when (seconds after the fire). */
const DOWN_VENDOR = 'fleet-linkedin';
const OUTAGE_AT_SECONDS = 15;
const BENCH = 'fleet';

interface ClosedRun {
  vendor: string;
  customer: string;
  status: string;
  startMs: number;
  closeMs: number;
  historyEvents: number;
}

export async function runFleet(): Promise<Figure[]> {
  const stage = await stageFleet(SIZE);
  const connection = await Connection.connect({ address: stage.settings.temporalAddress });
  const client = new Client({ connection, namespace: stage.settings.temporalNamespace });
  const query = `TaskQueue = '${stage.settings.taskQueue}' AND WorkflowType = 'ingest'`;
  try {
    const inputs = stage.vendors.flatMap(({ vendor }) =>
      stage.customers.flatMap((customer) =>
        planRun(stage.runtime.deps.vendorConfigs, { vendor: vendor.vendor, customer, window: { from: FLEET_DAY, to: FLEET_DAY }, streams: [vendor.stream] }),
      ),
    );
    // CPU of each part the runs lean on; the shared services' meters count every user of them.
    const meters = {
      workers: new CpuMeter(() => stage.workers.map((w) => w.process.pid!)),
      temporal_server: new CpuMeter(() => pidsNamed('temporal')),
      postgres: new CpuMeter(() => pidsNamed('postgres')),
      mariadb: new CpuMeter(() => pidsNamed('mariadbd')),
      bench_redis: new CpuMeter(() => [stage.redis.pid() ?? -1]),
    };
    const peakRss = new Map<number, number>();
    const sample = () => {
      for (const meter of Object.values(meters)) meter.sample();
      for (const w of stage.workers) peakRss.set(w.process.pid!, peakRssBytes(w.process.pid!) ?? peakRss.get(w.process.pid!) ?? 0);
    };
    for (const meter of Object.values(meters)) meter.start();
    const before = { machine: machineCpu(), self: process.cpuUsage(), at: Date.now() };
    progress(`fleet: load average before the fire ${fs.readFileSync('/proc/loadavg', 'utf8').trim()} (${os.cpus().length} cores)`);

    progress(`fleet: firing ${inputs.length} runs at once (${stage.customers.length} customers x ${stage.vendors.length} vendors, one day each)`);
    const fired = Date.now();
    await inBatches(inputs, 32, async (input: IngestInput) => {
      await client.workflow.start('ingest', { taskQueue: stage.settings.taskQueue, workflowId: ingestWorkflowId(input), args: [input] });
    });
    progress(`fleet: all started in ${((Date.now() - fired) / 1000).toFixed(1)} s`);

    const chaos = { killed: false, redis: false, outage: 'before' as 'before' | 'on' | 'over', topped: false };
    const down = stage.vendors.find((v) => v.vendor.vendor === DOWN_VENDOR)!;
    let closed = 0;
    try {
      while (closed < inputs.length) {
        await sleep(3000);
        const elapsed = (Date.now() - fired) / 1000;
        closed = (await client.workflow.count(`${query} AND ExecutionStatus != 'Running'`)).count;
        sample();
        progress(`fleet: ${closed}/${inputs.length} runs closed after ${elapsed.toFixed(0)} s; load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
        if (chaos.outage === 'before' && elapsed >= OUTAGE_AT_SECONDS) {
          chaos.outage = 'on';
          down.zoo.failEvery('*', 1, { status: 503, body: '{"status":503,"code":"SERVICE_UNAVAILABLE","message":"Service Unavailable"}' });
          progress(`fleet: ${DOWN_VENDOR} is DOWN (every request 503) for ${OUTAGE_SECONDS} s`);
        } else if (chaos.outage === 'on' && elapsed >= OUTAGE_AT_SECONDS + OUTAGE_SECONDS) {
          chaos.outage = 'over';
          down.zoo.failEvery('*', 0, {});
          progress(`fleet: ${DOWN_VENDOR} is back`);
        }
        if (!chaos.killed && closed >= inputs.length / 4) {
          chaos.killed = true;
          const victim = stage.workers[0];
          sample();
          await victim.kill();
          progress(`fleet: killed worker ${victim.process.pid} with SIGKILL (${closed} runs closed)`);
        }
        if (!chaos.redis && closed >= inputs.length / 2) {
          chaos.redis = true;
          progress(`fleet: restarting the bench's own Redis (${stage.redis.url}), down ${REDIS_DOWN_SECONDS} s`);
          sample();
          await stage.redis.restart(REDIS_DOWN_SECONDS * 1000);
          progress('fleet: the bench Redis is back');
        }
        if (!chaos.topped && closed >= inputs.length * 0.4) {
          chaos.topped = true;
          progress(`fleet: top at ${elapsed.toFixed(0)} s:\n${top()}`);
        }
        if (elapsed > TIMEOUT_SECONDS) {
          progress(`fleet: ${inputs.length - closed} runs still open after ${TIMEOUT_SECONDS} s: terminated, their rows counted as lost`);
          break;
        }
      }
    } finally {
      if (chaos.outage === 'on') down.zoo.failEvery('*', 0, {});
    }
    sample();
    const after = { machine: machineCpu(), self: process.cpuUsage(before.self), at: Date.now() };

    const runs = await closedRuns(client, query);
    const rows = await checkRows(
      stage.runtime.postgres,
      FLEET_SCHEMA,
      stage.vendors.map(({ vendor }) => ({ table: vendor.table, primaryKey: vendor.primaryKey, expectedRows: vendor.expectedRows })),
      stage.customers,
    );
    const wallSeconds = (after.at - before.at) / 1000;
    const figures = fleetFigures(stage, runs, inputs.length, rows, wallSeconds);
    const cores = os.cpus().length;
    const used: Record<string, number> = { ...Object.fromEntries(Object.entries(meters).map(([name, m]) => [name, m.used()])), bench_and_mocks: (after.self.user + after.self.system) / 1e6 };
    const completed = Math.max(1, figures.find((f) => f.metric === 'runs_completed')!.dif);
    figures.push(
      figure({ bench: BENCH, metric: 'worker_cpu_cores', unit: 'cores', dif: used.workers / wallSeconds, baseline: cores, baselineName: `the machine's cores (${stage.workers.length} workers together, averaged over ${wallSeconds.toFixed(0)} s)`, higherIsBetter: false }),
      figure({ bench: BENCH, metric: 'worker_peak_rss_mb', unit: 'MB', dif: Math.max(...peakRss.values()) / 2 ** 20, baseline: os.totalmem() / 2 ** 20, baselineName: "the machine's memory (VmHWM of the largest worker)", higherIsBetter: false }),
    );
    // Per completed run, what each part cost: what capacity planning multiplies (the shared services' figures include the machine's other users).
    for (const [name, seconds] of Object.entries(used)) {
      figures.push(figure({ bench: BENCH, metric: `cpu_seconds_per_run_${name}`, unit: 's', dif: seconds / completed, higherIsBetter: false }));
    }
    const ours = Object.values(used).reduce((a, b) => a + b, 0);
    figures.push(
      figure({ bench: BENCH, metric: 'cpu_cores_fleet', unit: 'cores', dif: ours / wallSeconds, baseline: cores, baselineName: "the machine's cores (workers, Temporal, Postgres, MariaDB, Redis, mocks: what the fleet got)", higherIsBetter: false }),
      figure({ bench: BENCH, metric: 'cpu_cores_machine', unit: 'cores', dif: (after.machine.busy - before.machine.busy) / wallSeconds, baseline: cores, baselineName: "the machine's cores (every process, /proc/stat: the rest is other users' work)", higherIsBetter: false }),
    );
    progress(`fleet: CPU seconds: ${Object.entries(used).map(([n, v]) => `${n} ${v.toFixed(1)}`).join(', ')}; wall ${wallSeconds.toFixed(0)} s`);
    progress(`fleet: load average after ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);

    const broken = figures.filter((f) => (f.metric.startsWith('peak_in_flight_') && f.dif > f.baseline!) || ((f.metric === 'rows_lost' || f.metric === 'rows_duplicated') && f.dif > 0));
    if (broken.length) {
      for (const f of figures) emit(f);
      throw new Error(`fleet: ${broken.map((f) => `${f.metric} = ${f.dif} (limit/expected ${f.baseline})`).join('; ')}; figures above`);
    }
    return figures;
  } finally {
    await terminateOpen(client, query);
    await connection.close();
    await stage.close();
  }
}

function fleetFigures(stage: FleetStage, runs: ClosedRun[], fired: number, rows: { expected: number; lost: number; duplicated: number }, wallSeconds: number): Figure[] {
  const completed = runs.filter((r) => r.status === 'COMPLETED');
  const latencies = completed.map((r) => (r.closeMs - r.startMs) / 1000);
  const failed = runs.filter((r) => r.status !== 'COMPLETED');
  for (const r of failed.slice(0, 10)) progress(`fleet: run ${r.vendor}/${r.customer} ${r.status}`);
  progress(`fleet: ${completed.length} of ${fired} runs completed, ${failed.length} closed otherwise, ${fired - runs.length} never closed; wall ${wallSeconds.toFixed(0)} s`);
  for (const { vendor } of stage.vendors) {
    const own = completed.filter((r) => r.vendor === vendor.vendor).map((r) => (r.closeMs - r.startMs) / 1000);
    if (own.length) progress(`fleet: ${vendor.vendor}: ${own.length} runs, latency p50 ${percentile(own, 50).toFixed(1)} s, p95 ${percentile(own, 95).toFixed(1)} s, max ${Math.max(...own).toFixed(1)} s`);
  }
  const figures: Figure[] = [
    figure({ bench: BENCH, metric: 'runs_completed', unit: 'runs', dif: completed.length, baseline: fired, baselineName: 'runs fired', higherIsBetter: true }),
    figure({ bench: BENCH, metric: 'runs_per_minute', unit: 'runs/min', dif: runsPerMinute(completed), higherIsBetter: true }),
    figure({ bench: BENCH, metric: 'run_latency_p50', unit: 's', dif: latencies.length ? percentile(latencies, 50) : NaN, higherIsBetter: false }),
    figure({ bench: BENCH, metric: 'run_latency_p95', unit: 's', dif: latencies.length ? percentile(latencies, 95) : NaN, higherIsBetter: false }),
    // What the Temporal server persists per run (its children, async polls, not counted): the driver of its CPU.
    figure({ bench: BENCH, metric: 'history_events_per_run', unit: 'events', dif: completed.reduce((a, r) => a + r.historyEvents, 0) / Math.max(1, completed.length), higherIsBetter: false }),
    figure({ bench: BENCH, metric: 'rows_lost', unit: 'rows', dif: rows.lost, baseline: rows.expected, baselineName: 'rows the mocks served (every customer x vendor)', higherIsBetter: false }),
    figure({ bench: BENCH, metric: 'rows_duplicated', unit: 'rows', dif: rows.duplicated, baseline: rows.expected, baselineName: 'rows the mocks served (every customer x vendor)', higherIsBetter: false }),
  ];
  for (const { vendor, zoo } of stage.vendors) {
    const peaks = [...zoo.peakConcurrencyByKey().values()];
    figures.push(
      figure({
        bench: BENCH,
        metric: `peak_in_flight_${vendor.vendor}`,
        unit: 'requests',
        dif: peaks.length ? Math.max(...peaks) : 0,
        baseline: vendor.requestLimit,
        baselineName: `its limit per ${vendor.scope} (requests in flight at the mock, highest of any ${vendor.scope})`,
        higherIsBetter: false,
      }),
    );
    if (vendor.scope !== 'account') continue;
    // Fairness: among customers sharing an account, how evenly the latency fell (worst account).
    const byAccount = new Map<string, number[]>();
    for (const r of completed.filter((run) => run.vendor === vendor.vendor)) {
      const list = byAccount.get(stage.accountOf(r.customer)) ?? [];
      list.push((r.closeMs - r.startMs) / 1000);
      byAccount.set(stage.accountOf(r.customer), list);
    }
    const indexes = [...byAccount.values()].filter((l) => l.length > 1).map(jainIndex);
    if (indexes.length === 0) continue;
    figures.push(
      figure({
        bench: BENCH,
        metric: `fairness_jain_${vendor.vendor}`,
        unit: 'index',
        dif: Math.min(...indexes),
        baseline: fifoJainIndex(SIZE.perAccount, vendor.runLimit),
        baselineName: `a perfect FIFO queue serving ${SIZE.perAccount} customers ${vendor.runLimit} at a time (worst account)`,
        higherIsBetter: true,
      }),
    );
  }
  return figures;
}

async function closedRuns(client: Client, query: string): Promise<ClosedRun[]> {
  const runs: ClosedRun[] = [];
  for await (const wf of client.workflow.list({ query: `${query} AND ExecutionStatus != 'Running'` })) {
    const [vendor, customer] = wf.workflowId.split('/');
    runs.push({ vendor, customer, status: wf.status.name, startMs: wf.startTime.getTime(), closeMs: (wf.closeTime ?? new Date()).getTime(), historyEvents: wf.historyLength });
  }
  return runs;
}

/** The bench leaves nothing running on the shared Temporal server. */
async function terminateOpen(client: Client, query: string): Promise<void> {
  try {
    const open: { workflowId: string; runId: string }[] = [];
    for await (const wf of client.workflow.list({ query: `${query} AND ExecutionStatus = 'Running'` })) open.push(wf);
    await inBatches(open, 16, async (wf) => {
      await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('fleet bench over');
    });
  } catch (e) {
    progress(`fleet: could not terminate the open runs: ${(e as Error).message}`);
  }
}

function top(): string {
  try {
    return execFileSync('top', ['-b', '-n1', '-w', '160'], { encoding: 'utf8' }).split('\n').slice(0, 22).join('\n');
  } catch (e) {
    return `(top failed: ${(e as Error).message})`;
  }
}

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, not "${raw}"`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
