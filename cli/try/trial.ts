/**
 * `dif try`: a stream's steps run in this process, without Temporal, the warehouse or the
 * semaphores, by the same activity code a worker runs (prepareRun, fetchPages, toCsv), each
 * inside Temporal's MockActivityEnvironment (the activity context they read, with no server
 * behind it). What differs from a run is only what the activities are given:
 * - the config, from vendors/ or a file, each paginated step capped at `pages` pages
 *   (its `maxPages`, so the cap is the pagination's own decision) and an optional base URL;
 * - a throw-away object store in a temporary folder, watched, so each page's stored
 *   decision (next page or done, and why) is reported as it is written;
 * - an HTTP trace (activities/http-trace.ts) reporting each exchange, scrubbed by the client.
 * The customer's inputs and credentials come from MySQL and KMS, as in a run.
 * Nothing is loaded, no permit is taken, no cursor is stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing/lib/mocking-activity-environment';
import type { Logger } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../../activities';
import type { HttpExchange } from '../../activities/http-trace';
import type { CustomerRepository } from '../../adapters/mysql/customers';
import { LocalObjectStore } from '../../adapters/object-store/local-object-store';
import { parseJsonFile, type VendorConfigs } from '../../adapters/vendor-configs';
import type { ColumnTypeName, VendorConfig } from '../../core/config-schema';
import type { CsvResult, FetchResult, PageSet, RunContext, RunPlan } from '../../core/contracts';
import { InputError, pageKey, type DateWindow } from '../../core/run-plan';
import type { PageDecision } from '../../core/pagination';
import { validateVendorConfig } from '../../core/validate';
import { pinnedRun } from '../../activities/pinned-config';
import { WatchedStore } from './watched-store';
import { csvHead } from './csv-head';
import { firstRecords } from './first-records';

/** The step kinds `dif try` runs: those whose pages one fetchPages call fetches. */
const TRIED_KINDS = new Set(['single', 'paginated']);

export interface TrialRequest {
  /** A vendor id (a folder in vendors/) or a config file's path. */
  target: string;
  customer: string;
  stream: string;
  window: DateWindow;
  pages: number;
  baseUrl?: string;
  partition?: string;
  /** How many records and CSV rows to show. */
  preview?: number;
}

export type TrialEvent =
  | { event: 'start'; vendor: string; stream: string; customer: string; window: DateWindow; partition?: string; pages: number; steps: { index: number; name: string; kind: string }[] }
  | { event: 'request'; step: string; exchange: HttpExchange }
  | { event: 'page'; step: string; page: number; status: number; records: number; decision: PageDecision }
  | { event: 'records'; step: string; records: unknown[] }
  | { event: 'skipped'; step: string; kind: string; reason: string }
  | { event: 'csv'; columns: { name: string; type: ColumnTypeName | 'dif' }[]; rows: string[][]; records: number; rowCount: number; rejected: number }
  | { event: 'rejects'; rows: { number: string; reason: string; record: string }[] };

export interface TrialOutcome {
  config: VendorConfig;
  /** The base URL the calls went to (the pinned config's: a customer's override or --base-url applied). */
  baseUrl?: string;
  run: RunContext;
  /** Rows the CSV would load (header first), when every step ran. */
  csv?: { header: string[]; rows: string[][] };
}

const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Runs the trial, reporting each event to `report` as it happens. */
export async function runTrial(deps: ActivityDeps, request: TrialRequest, report: (event: TrialEvent) => void, options: { keepBodies?: boolean } = {}): Promise<TrialOutcome> {
  const base = loadTarget(deps.vendorConfigs, request.target);
  if (!base.streams[request.stream]) {
    throw new InputError(`${base.vendor} has no stream "${request.stream}" ($.streams.${request.stream}); streams: ${Object.keys(base.streams).join(', ')}`);
  }
  const config = trialConfig(base, request);
  const folder = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'dif-try-'));
  let current = '';
  const store = new WatchedStore(new LocalObjectStore(folder), (page, meta) => report({ event: 'page', step: current, page, ...meta }));
  const trialDeps: ActivityDeps = {
    ...deps,
    objectStore: store,
    configStore: undefined,
    // One part at a time, by size: a trial never asks the warehouse (Redshift's slice count).
    csvPartMultiple: 1,
    vendorConfigs: { load: () => config, fileOf: () => request.target, vendors: () => [config.vendor] } as unknown as VendorConfigs,
    customers: request.baseUrl === undefined ? deps.customers : withoutBaseUrlOverride(deps.customers),
    trace: { bodies: options.keepBodies ?? false, exchange: (exchange) => report({ event: 'request', step: current, exchange }) },
  };
  const activities = createActivities(trialDeps);
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 60_000 }, { logger: quiet });
  try {
    const ingest = { vendor: config.vendor, customer: request.customer, stream: request.stream, window: request.window };
    let plan: RunPlan = await env.run(activities.prepareRun, { ...ingest, ...(request.partition !== undefined ? { partition: request.partition } : {}) });
    let partition = request.partition;
    if (plan.partitions && partition === undefined) {
      partition = firstPartition(plan, config.vendor, request.stream);
      plan = await env.run(activities.prepareRun, { ...ingest, partition });
    }
    const stream = config.streams[request.stream];
    const { baseUrl } = (await pinnedRun(store, plan.configKey)).config;
    report({ event: 'start', ...ingest, ...(partition !== undefined ? { partition } : {}), pages: request.pages, steps: stream.steps.map((s, index) => ({ index, name: s.name, kind: s.kind })) });
    const run: RunContext = {
      ...ingest,
      ...(partition !== undefined ? { partition } : {}),
      runId: `try-${Date.now()}`,
      configKey: plan.configKey,
      extractedAt: new Date().toISOString(),
      ...(plan.incremental ? { state: plan.incremental.state } : {}),
    };
    const pageLists: string[] = [];
    for (const [stepIndex, step] of stream.steps.entries()) {
      current = step.name;
      if (!TRIED_KINDS.has(step.kind)) {
        report({ event: 'skipped', step: step.name, kind: step.kind, reason: `dif try runs single and paginated steps; a ${step.kind} step is not tried, so no CSV preview is made` });
        return { config, baseUrl, run };
      }
      // fetchPages takes no permit here: underPermit without one only heartbeats (to the mock context).
      const fetched: FetchResult = await env.run(activities.fetchPages, { run, stepIndex });
      pageLists.push(fetched.listKey);
      const [first] = JSON.parse(await store.getText(fetched.listKey)) as PageSet[];
      if (first?.count) {
        const records = firstRecords(await store.getText(pageKey(first.prefix, 1, first.extension)), step, request.preview ?? 3);
        if (records) report({ event: 'records', step: step.name, records });
      }
    }
    current = '';
    const csv: CsvResult = await env.run(activities.toCsv, { run, pageLists });
    const head = await csvHead(store, csv.csvKey, request.preview ?? 5);
    const types = new Map(stream.table.columns.map((c) => [c.name, c.type] as const));
    report({
      event: 'csv',
      columns: head.header.map((name) => ({ name, type: types.get(name) ?? 'dif' })),
      rows: head.rows,
      records: csv.records,
      rowCount: csv.rows ?? head.rows.length,
      rejected: csv.rejected ?? 0,
    });
    if (csv.rejected) report({ event: 'rejects', rows: await rejectedRows(store, csv.csvKey, request.preview ?? 5) });
    return { config, baseUrl, run, csv: options.keepBodies ? await csvHead(store, csv.csvKey, Number.POSITIVE_INFINITY) : undefined };
  } finally {
    await fs.promises.rm(folder, { recursive: true, force: true });
  }
}

/** A vendor id from vendors/, or a config file (anything with a slash or ending .json), validated either way. */
export function loadTarget(configs: VendorConfigs, target: string): VendorConfig {
  if (!target.includes('/') && !target.endsWith('.json')) return configs.load(target);
  if (!fs.existsSync(target)) throw new InputError(`no config file at ${target}`);
  return validateVendorConfig(parseJsonFile(target), target);
}

/** The config as the trial runs it: each paginated step capped at `pages`, and the base URL replaced when asked. */
function trialConfig(config: VendorConfig, request: TrialRequest): VendorConfig {
  const streams = { ...config.streams };
  const stream = streams[request.stream];
  streams[request.stream] = {
    ...stream,
    steps: stream.steps.map((step) => ('pagination' in step && step.pagination ? { ...step, maxPages: Math.min(step.maxPages ?? request.pages, request.pages) } : step)),
  };
  return { ...config, streams, ...(request.baseUrl !== undefined ? { baseUrl: request.baseUrl } : {}) };
}

/** --base-url wins over a customer's own baseUrl override too: the author asked for that host. */
function withoutBaseUrlOverride(customers: CustomerRepository): CustomerRepository {
  return Object.assign(Object.create(customers) as CustomerRepository, {
    async findCustomerVendor(customer: string, vendor: string) {
      const found = await customers.findCustomerVendor(customer, vendor);
      if (!found) return found;
      const { baseUrl: _ignored, ...overrides } = found.overrides; // eslint-disable-line @typescript-eslint/no-unused-vars
      return { ...found, overrides };
    },
  });
}

function firstPartition(plan: RunPlan, vendor: string, stream: string): string {
  const source = plan.partitions!;
  if (source.from === 'input' && source.ids.length > 0) return source.ids[0];
  throw new InputError(`${vendor}: $.streams.${stream}.partitions lists its partitions from stream "${source.from === 'stream' ? source.stream : '?'}"; give one with --partition <id>`);
}

async function rejectedRows(store: WatchedStore, csvKey: string, limit: number) {
  const rejects = await csvHead(store, csvKey.replace(/manifest\.json$/, 'rejects.csv.gz'), limit, true);
  return rejects.rows.map(([, number, reason, record]) => ({ number, reason, record }));
}
