/**
 * Runs a vendor's contract table (test/setup/contract-table.ts) on the vendor-contract
 * harness: the real config on DIF's worker, the table's routes on a FixtureServer, each case
 * a customer whose runs are checked. A failed check throws naming the vendor, the case and
 * the table path of the check, with what differed. TEST CODE ONLY.
 */
import path from 'node:path';
import { projectRoot } from '../../adapters/settings';
import { setSigningClock } from '../../auth/signing-clock';
import { runStatus } from '../../cli/runs/runs';
import type { BackfillInput } from '../../workflows/backfill-types';
import type { FixtureRequest, FixtureRoute } from '../mock-vendor/fixture-server';
import { loadContractTable, type ContractCase, type ContractRun, type ContractTable, type RequestMatch, type RequestsCheck, type RowsCheck } from './contract-table';
import { mismatch, requestMismatch, withBaseUrl } from './contract-match';
import { startVendorContract, type VendorContract } from './vendor-contract';

export const contractFile = (vendor: string) => path.join(projectRoot(), 'vendors', vendor, 'contract.json');

export interface ContractHarness {
  table: ContractTable;
  contract: VendorContract;
  runCase(kase: ContractCase): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startContract(vendor: string): Promise<ContractHarness> {
  const table = loadContractTable(contractFile(vendor));
  if (table.signingClock) {
    const fixed = new Date(table.signingClock);
    setSigningClock({ now: () => fixed });
  }
  const edits = table.configEdits;
  const contract = await startVendorContract(vendor, edits?.length ? (config) => edits.forEach((e) => setAt(config, e.path, e.value)) : undefined);
  contract.server.route(...table.routes.map((r) => fixtureRoute(withBaseUrl(r, contract.server.url))));
  return {
    table,
    contract,
    runCase: (kase) => runCase(vendor, contract, withBaseUrl(kase, contract.server.url), table.cases.indexOf(kase)),
    async shutdown() {
      if (table.signingClock) setSigningClock();
      await contract.shutdown();
    },
  };
}

function fixtureRoute(r: ContractTable['routes'][number]): FixtureRoute {
  const { when, pathPattern, path: exact, ...answer } = r;
  return { ...answer, path: pathPattern !== undefined ? new RegExp(pathPattern) : exact!, when: when ? (request) => !requestMismatch(request, when) : undefined };
}

function setAt(config: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = config as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) throw new Error(`configEdits: ${dotted}: no object at ${key}`);
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

class ContractFailure extends Error {}

async function runCase(vendor: string, c: VendorContract, kase: ContractCase, index: number): Promise<void> {
  const customer = await c.customer(kase.inputs ?? {}, kase.secrets ?? {}, kase.overrides ?? {});
  for (const s of kase.seedState ?? []) {
    await c.h.runtime.deps.streamState.put({ customer, vendor, stream: s.stream, partition: s.partition ?? '' }, s.value!, 'contract test');
  }
  for (const [i, run] of kase.runs.entries()) {
    const fail = (check: string, what: string): never => {
      throw new ContractFailure(`${vendor} › ${kase.name} › $.cases[${index}].runs[${i}].expect.${check}: ${what}`);
    };
    await runOnce(vendor, c, customer, run, kase.secrets ?? {}, fail);
  }
}

type Fail = (check: string, what: string) => never;

async function runOnce(vendor: string, c: VendorContract, customer: string, run: ContractRun, secrets: Record<string, string>, fail: Fail): Promise<void> {
  const firstRequest = c.server.requests.length;
  const expect = run.expect;
  let error: string | undefined;
  if (run.kind === 'backfill') {
    if (!run.stream) fail('kind', 'a backfill run needs a stream');
    const input: BackfillInput = {
      vendor,
      request: { customer, from: run.window.from, to: run.window.to },
      items: [{ customer, stream: run.stream!, window: run.window }],
      parallel: 1,
      options: { semaphoreRetryMs: 100, maxAttempts: run.maxAttempts ?? 4 },
    };
    const progress = await c.h.client.workflow.execute('backfill', { taskQueue: c.h.settings.taskQueue, workflowId: `backfill-${customer}-${firstRequest}`, args: [input] });
    check(fail, 'progress', progress, expect.progress);
  } else {
    const outcome = await c.ingest(customer, run.window, run.maxAttempts ?? 4, run.stream);
    error = outcome.error;
    if (expect.status && outcome.status !== expect.status) fail('status', `expected ${expect.status}, got ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
    check(fail, 'error', outcome.error, expect.error);
    check(fail, 'summary', outcome.summary, expect.summary);
    if (expect.statusSummary !== undefined) check(fail, 'statusSummary', (await runStatus(c.h.client, c.h.settings, outcome.workflowId)).summary, expect.statusSummary);
  }
  for (const [k, rows] of (expect.rows ?? []).entries()) await checkRows(c, customer, rows, (what) => fail(`rows[${k}]`, what));
  const sent = c.server.requests.slice(firstRequest);
  for (const [k, requests] of (expect.requests ?? []).entries()) checkRequests(sent, requests, (what) => fail(`requests[${k}]${requests.what ? ` (${requests.what})` : ''}`, what));
  for (const [k, s] of (expect.state ?? []).entries()) {
    const stored = await c.h.runtime.deps.streamState.get({ customer, vendor, stream: s.stream, partition: s.partition ?? '' });
    if ((stored ?? null) !== s.value) fail(`state[${k}]`, `expected ${JSON.stringify(s.value)} stored for ${s.stream}, got ${JSON.stringify(stored ?? null)}`);
  }
  const stored = c.storedText();
  for (const leak of [...Object.values(secrets), ...(expect.storedNotContain ?? [])]) {
    if (error?.includes(leak)) fail('error', `names a secret (${leak.length} characters)`);
    if (stored.includes(leak)) fail('storedNotContain', `the object store holds a secret (${leak.length} characters)`);
  }
}

function check(fail: Fail, name: string, actual: unknown, expected: unknown): void {
  if (expected === undefined) return;
  const m = mismatch(actual, expected, name);
  if (m) fail(name, m);
}

async function checkRows(c: VendorContract, customer: string, spec: RowsCheck, fail: (what: string) => never): Promise<void> {
  const columns = spec.columns ?? ['*'];
  const sql = `SELECT ${columns.join(', ')} FROM dif_test.${spec.table} WHERE _dif_customer = $1${spec.where ? ` AND (${spec.where})` : ''}${spec.orderBy ? ` ORDER BY ${spec.orderBy}` : ''}`;
  const { rows } = await c.h.runtime.postgres.query({ text: sql, values: [customer], rowMode: 'array' });
  const plain = (rows as unknown[][]).map((row) => row.map((v) => (v instanceof Date ? v.toISOString() : v)));
  if (spec.count !== undefined && plain.length !== spec.count) fail(`expected ${spec.count} row(s) in ${spec.table}, got ${plain.length}`);
  if (spec.equals) {
    const m = mismatch(plain, spec.equals, spec.table);
    if (m) fail(`${m}\n  (${columns.join(', ')}) rows: ${JSON.stringify(plain.slice(0, 10))}`);
  }
}

function checkRequests(sent: FixtureRequest[], spec: RequestsCheck, fail: (what: string) => never): void {
  const pattern = spec.pathPattern !== undefined ? new RegExp(spec.pathPattern) : undefined;
  const mine = sent.filter(
    (r) =>
      (spec.method === undefined || r.method === spec.method) &&
      (spec.path === undefined || r.path === spec.path) &&
      (pattern === undefined || pattern.test(r.path)) &&
      (spec.where === undefined || !requestMismatch(r, spec.where)),
  );
  const label = `${spec.method ?? ''} ${spec.path ?? spec.pathPattern ?? '(any path)'}`.trim();
  const howMany = (n: number) => `expected ${n} request(s) to ${label}, got ${mine.length}: ${mine.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`).join('; ')}`;
  if (spec.count !== undefined && mine.length !== spec.count) fail(howMany(spec.count));
  if (spec.each) {
    for (const [i, r] of mine.entries()) {
      const m = requestMismatch(r, spec.each);
      if (m) fail(`request ${i} to ${label}: ${m}`);
    }
  }
  if (spec.items) {
    if (mine.length !== spec.items.length) fail(howMany(spec.items.length));
    for (const [i, item] of spec.items.entries()) {
      const m = requestMismatch(mine[i], item as RequestMatch);
      if (m) fail(`request ${i} to ${label}: ${m}`);
    }
  }
}
