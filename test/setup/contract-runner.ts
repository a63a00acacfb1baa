/**
 * Runs a vendor's contract table (test/setup/contract-table.ts) on the vendor-contract
 * harness: the real config on DIF's worker, the table's routes on a FixtureServer (and its
 * `servers` on more), each case a customer whose runs are checked. A failed check throws
 * naming the vendor, the case and the table path of the check, with what differed.
 * TEST CODE ONLY.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../adapters/settings';
import { setSigningClock } from '../../auth/signing-clock';
import { retryFailedPartitions, runStatus } from '../../cli/runs/runs';
import type { BackfillInput } from '../../workflows/backfill-types';
import { FixtureServer, type FixtureRoute } from '../mock-vendor/fixture-server';
import { loadContractTable, type ContractCase, type ContractRoute, type ContractRun, type ContractTable } from './contract-table';
import { fill, requestMismatch, withUrls } from './contract-match';
import { check, checkColumns, checkCredential, checkRequests, checkRows, type Fail } from './contract-checks';
import { serviceAccountKeyFile } from './jwt-check';
import { editAnswer } from './contract-answer';
import { fillInputs, historyShape, manifestOf, openCaseFiles, untilWaiting, type CaseFiles } from './contract-files';
import { ingestWorkflowId } from '../../core/run-plan';
import type { RunOutcome } from '../../cli/run/run';
import { getAt, setAt } from './dotted-path';
import { generateKeyPairSync } from 'node:crypto';
import { historyText } from './history-text';
import { startHarness } from './harness';
import { CHECKOUT_ID, TEST_SCRATCH } from './test-settings';
import { contractOn, type VendorContract } from './vendor-contract';

export const contractFile = (vendor: string) => path.join(projectRoot(), 'vendors', vendor, 'contract.json');
const fixturesDir = (vendor: string) => path.join(projectRoot(), 'vendors', vendor, 'fixtures');

export interface ContractHarness {
  table: ContractTable;
  contract: VendorContract;
  runCase(kase: ContractCase): Promise<void>;
  shutdown(): Promise<void>;
}

export interface ContractSuite {
  /** A vendor's mocks started and routed on the suite's one worker. */
  start(vendor: string): Promise<ContractHarness>;
  shutdown(): Promise<void>;
}

interface Mocks {
  c: VendorContract;
  /** '' is the main mock; the others are the table's `servers`. */
  servers: Map<string, FixtureServer>;
  urls: Record<string, string>;
}

/** A table read, its extra hosts started and its keys made: what its config edits may name. */
interface Prepared {
  table: ContractTable;
  extra: Map<string, FixtureServer>;
  urls: Record<string, string>;
  keys: Record<string, string>;
}

async function prepare(vendor: string): Promise<Prepared> {
  const table = loadContractTable(contractFile(vendor));
  const extra = new Map<string, FixtureServer>();
  for (const name of Object.keys(table.servers ?? {})) {
    const server = new FixtureServer(fixturesDir(vendor));
    await server.start();
    extra.set(name, server);
  }
  return { table, extra, urls: Object.fromEntries([...extra].map(([name, s]) => [name, s.url])), keys: keyVars(table.keys ?? {}) };
}

/**
 * One DIF worker (one harness) for every vendor's table, on 2 cores: its vendors folder is a
 * copy of vendors/ with each table's configEdits applied to that vendor's config.
 */
export async function startContractSuite(vendors: string[]): Promise<ContractSuite> {
  const prepared = new Map<string, Prepared>();
  for (const vendor of vendors) prepared.set(vendor, await prepare(vendor));
  // Per checkout: another worktree's run would otherwise replace the edited configs under this one's worker.
  const dir = path.join(TEST_SCRATCH, 'contracts', 'vendors');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(projectRoot(), 'vendors'), dir, { recursive: true });
  for (const [vendor, p] of prepared) {
    // The main mock starts with the vendor's tests, after the worker: its {{baseUrl}} stays for the customer's override.
    const edits = fill(withUrls(p.table.configEdits ?? [], '{{baseUrl}}', p.urls), p.keys);
    if (edits.length === 0) continue;
    const file = path.join(dir, vendor, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    edits.forEach((e) => setAt(config, e.path, e.copyOf !== undefined ? structuredClone(getAt(config, e.copyOf, 'configEdits')) : e.value, 'configEdits', e.copyOf !== undefined || e.add === true));
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
  }
  // Named per checkout too: its scratch (object store, keyring) is shared by every worktree's runs otherwise.
  const h = await startHarness(`contracts-${CHECKOUT_ID}`, { settings: { vendorsDir: dir } });
  return {
    async start(vendor) {
      const p = prepared.get(vendor)!;
      // A table whose first run must create its tables (and a later one alter them) starts from none.
      for (const table of p.table.dropTables ?? []) await h.runtime.postgres.query(`DROP TABLE IF EXISTS dif_test.${table}`);
      const server = new FixtureServer(fixturesDir(vendor));
      await server.start();
      return attach(vendor, p, contractOn(h, vendor, server));
    },
    async shutdown() {
      for (const p of prepared.values()) for (const server of p.extra.values()) await server.stop();
      await h.shutdown();
    },
  };
}

function attach(vendor: string, p: Prepared, c: VendorContract): ContractHarness {
  const { table, urls, keys } = p;
  if (table.signingClock) {
    const fixed = new Date(table.signingClock);
    const nonce = table.signingNonce;
    setSigningClock(nonce === undefined ? { now: () => fixed } : { now: () => fixed, nonce: () => nonce });
  }
  const servers = new Map<string, FixtureServer>([['', c.server], ...p.extra]);
  for (const [name, routes] of [['', table.routes] as const, ...Object.entries(table.servers ?? {})]) {
    const at = name === '' ? '$.routes' : `$.servers.${name}`;
    servers.get(name)!.route(...fill(withUrls(routes, c.server.url, urls), keys).map((r, i) => fixtureRoute(vendor, r, `${contractFile(vendor)}: ${at}[${i}]`)));
  }
  const mocks: Mocks = { c, servers, urls };
  return {
    table,
    contract: c,
    runCase: (kase) => runCase(vendor, mocks, fill(withUrls(kase, c.server.url, urls), keys), table.cases.indexOf(kase)),
    async shutdown() {
      if (table.signingClock) setSigningClock();
      await c.shutdown();
    },
  };
}

/** The table's key pairs, fresh for this run, as `key:<name>.<form>` template values. */
function keyVars(keys: Record<string, 'rsa' | 'ec-p256'>): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, type] of Object.entries(keys)) {
    const pem = { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } } as const;
    const pair =
      type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: pem.publicKeyEncoding, privateKeyEncoding: pem.privateKeyEncoding })
        : generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: pem.publicKeyEncoding, privateKeyEncoding: pem.privateKeyEncoding });
    const body = pair.privateKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    Object.assign(vars, {
      [`key:${name}.privateKey`]: pair.privateKey,
      [`key:${name}.publicKey`]: pair.publicKey,
      [`key:${name}.body`]: body,
      [`key:${name}.bodyMiddle`]: body.slice(100, 164),
      [`key:${name}.firstLine`]: pair.privateKey.split('\n')[1],
      [`key:${name}.serviceAccountKey`]: serviceAccountKeyFile(pair.privateKey),
    });
  }
  return vars;
}

function fixtureRoute(vendor: string, r: ContractRoute, where: string): FixtureRoute {
  const { when, pathPattern, path: exact, replace, edit, ...answer } = r;
  const route: FixtureRoute = { ...answer, path: pathPattern !== undefined ? new RegExp(pathPattern) : exact!, when: when ? (request) => !requestMismatch(request, when) : undefined };
  if ((replace || edit) && (r.file || r.body !== undefined)) {
    let text = r.file ? fs.readFileSync(path.join(fixturesDir(vendor), r.file), 'utf8') : r.body!;
    for (const [from, to] of Object.entries(replace ?? {})) text = text.replaceAll(from, to);
    if (edit) text = editAnswer(text, edit, `${where}.edit`);
    return { ...route, file: undefined, body: text };
  }
  return route;
}

class ContractFailure extends Error {}

async function runCase(vendor: string, mocks: Mocks, table: ContractCase, index: number): Promise<void> {
  const { c } = mocks;
  const files = table.files ? await openCaseFiles(table.files, vendor, fixturesDir(vendor)) : undefined;
  try {
    const kase = files ? fill({ ...table, inputs: fillInputs(table.inputs ?? {}, files.vars) }, files.vars) : table;
    const customer = await c.customer(kase.inputs ?? {}, kase.secrets ?? {}, kase.overrides ?? {});
    for (const s of kase.seedState ?? []) {
      await c.h.runtime.deps.streamState.put({ customer, vendor, stream: s.stream, partition: s.partition ?? '' }, s.value!, 'contract test');
    }
    const runIds: string[] = [];
    let firstRun: string | undefined;
    for (const [i, run] of kase.runs.entries()) {
      const fail = (check: string, what: string): never => {
        throw new ContractFailure(`${vendor} › ${kase.name} › $.cases[${index}].runs[${i}].${check}: ${what}`);
      };
      const secret = Object.fromEntries(Object.entries(kase.secrets ?? {}).filter(([name]) => !kase.notSecret?.includes(name)));
      const workflowId = await runOnce(vendor, mocks, customer, run, secret, firstRun, fail, files, runIds);
      firstRun ??= workflowId;
    }
  } finally {
    await files?.close();
  }
}

/** Delivers the run's drops before it, starts it, and delivers the `afterWait` ones once it waits. */
async function ingestWithDrops(vendor: string, c: VendorContract, customer: string, run: ContractRun, files: CaseFiles | undefined, fail: Fail): Promise<RunOutcome> {
  const drops = run.drops ?? [];
  if (drops.length > 0 && !files) fail('drops', 'deliveries need the case’s `files`');
  for (const [k, drop] of drops.entries()) if (!drop.afterWait) await files!.deliver(drop, `drops[${k}]`);
  const running = c.ingest(customer, run.window!, run.maxAttempts ?? 4, run.stream);
  if (drops.some((d) => d.afterWait)) {
    if (!run.stream) fail('drops', 'a delivery afterWait needs the run’s stream (to find its workflow)');
    await untilWaiting(c.h.client.workflow.getHandle(ingestWorkflowId({ vendor, customer, stream: run.stream!, window: run.window! })));
    for (const [k, drop] of drops.entries()) if (drop.afterWait) await files!.deliver(drop, `drops[${k}]`);
  }
  return running;
}

/** One run and its checks; returns the run's workflow id, if it has one. */
async function runOnce(
  vendor: string,
  mocks: Mocks,
  customer: string,
  run: ContractRun,
  secrets: Record<string, string>,
  firstRun: string | undefined,
  fail: Fail,
  files: CaseFiles | undefined,
  runIds: string[],
): Promise<string | undefined> {
  const { c } = mocks;
  const before = new Map([...mocks.servers].map(([name, s]) => [name, s.requests.length]));
  let expect = run.expect;
  const { client, settings } = c.h;
  let error: string | undefined;
  let ran: { workflowId: string; runId?: string } | undefined;
  if (run.kind === 'backfill') {
    if (!run.stream || !run.window) fail('kind', 'a backfill run needs a stream and a window');
    const input: BackfillInput = {
      vendor,
      request: { customer, from: run.window!.from, to: run.window!.to },
      items: [{ customer, stream: run.stream!, window: run.window! }],
      parallel: 1,
      options: { semaphoreRetryMs: 100, maxAttempts: run.maxAttempts ?? 4 },
    };
    const progress = await client.workflow.execute('backfill', { taskQueue: settings.taskQueue, workflowId: `backfill-${customer}-${before.get('')}`, args: [input] });
    check(fail, 'expect.progress', progress, expect.progress);
  } else if (run.kind === 'retry') {
    if (!firstRun) fail('kind', 'a retry needs an earlier run in the case');
    try {
      const retried = await retryFailedPartitions(client, settings, firstRun!);
      error = retried.outcome.error;
      ran = retried.outcome;
      check(fail, 'expect.retried', retried, expect.retried);
      if (expect.error !== undefined) fail('expect.error', `expected the retry to be refused, it ran: ${retried.outcome.status}`);
    } catch (e) {
      if (e instanceof ContractFailure || expect.error === undefined) throw e;
      error = (e as Error).message;
      check(fail, 'expect.error', error, expect.error);
    }
  } else {
    if (!run.window) fail('window', 'an ingestion needs a window');
    const outcome = await ingestWithDrops(vendor, c, customer, run, files, fail);
    ran = outcome;
    if (outcome.runId) runIds.push(outcome.runId);
    expect = JSON.parse(JSON.stringify(expect).replaceAll('{{workflowId}}', outcome.workflowId)) as typeof expect;
    error = outcome.error;
    if (expect.status && outcome.status !== expect.status) fail('expect.status', `expected ${expect.status}, got ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
    check(fail, 'expect.error', outcome.error, expect.error);
    check(fail, 'expect.summary', outcome.summary, expect.summary);
    check(fail, 'expect.outcome', outcome, expect.outcome);
  }
  if (ran && expect.runStatus !== undefined) check(fail, 'expect.runStatus', await runStatus(client, settings, ran.workflowId), expect.runStatus);
  if (ran && expect.statusSummary !== undefined) check(fail, 'expect.statusSummary', (await runStatus(client, settings, ran.workflowId)).summary, expect.statusSummary);
  for (const [partition, matcher] of Object.entries(expect.partitionStatus ?? {})) {
    check(fail, `expect.partitionStatus.${partition}`, await runStatus(client, settings, `${ran?.workflowId}/${partition}`), matcher);
  }
  for (const [k, rows] of (expect.rows ?? []).entries()) await checkRows(c, customer, rows, (what) => fail(`expect.rows[${k}]`, what));
  const sentSecrets: string[] = [];
  for (const [k, requests] of (expect.requests ?? []).entries()) {
    const server = mocks.servers.get(requests.server ?? '');
    if (!server) fail(`expect.requests[${k}].server`, `no server ${requests.server} in the table's servers`);
    const sent = server!.requests.slice(before.get(requests.server ?? ''));
    sentSecrets.push(...checkRequests(sent, requests, (what) => fail(`expect.requests[${k}]${requests.what ? ` (${requests.what})` : ''}`, what)));
  }
  for (const [k, columns] of (expect.columns ?? []).entries()) await checkColumns(c, columns, (what) => fail(`expect.columns[${k}]`, what));
  for (const [k, credential] of (expect.credentials ?? []).entries()) await checkCredential(c, vendor, customer, credential, (what) => fail(`expect.credentials[${k}]`, what));
  for (const [k, box] of (expect.mailbox ?? []).entries()) {
    if (!files) fail(`expect.mailbox[${k}]`, 'a mailbox check needs the case’s `files`');
    const n = await files!.messages(box.folder);
    if ((box.messages !== undefined && n !== box.messages) || (box.atLeast !== undefined && n < box.atLeast)) {
      fail(`expect.mailbox[${k}]`, `${box.folder} holds ${n} message(s), expected ${box.messages ?? `at least ${box.atLeast}`}`);
    }
  }
  if (expect.manifest !== undefined) check(fail, 'expect.manifest', await manifestOf(c.h.runtime.mysql, customer, runIds), expect.manifest);
  if (expect.workflow) {
    if (!ran?.runId) fail('expect.workflow', 'only an ingestion has a history to read here');
    const shape = await historyShape(client.workflow.getHandle(ran!.workflowId, ran!.runId));
    check(fail, 'expect.workflow.timers', shape.timers, expect.workflow.timers);
    check(fail, 'expect.workflow.activities', shape.activities, expect.workflow.activities);
  }
  for (const [k, s] of (expect.state ?? []).entries()) {
    const stored = await c.h.runtime.deps.streamState.get({ customer, vendor, stream: s.stream, partition: s.partition ?? '' });
    if ((stored ?? null) !== s.value) fail(`expect.state[${k}]`, `expected ${JSON.stringify(s.value)} stored for ${s.stream}, got ${JSON.stringify(stored ?? null)}`);
  }
  const leaks = [...Object.values(secrets), ...(expect.storedNotContain ?? []), ...sentSecrets];
  const stored = c.storedText();
  for (const leak of leaks) {
    if (error?.includes(leak)) fail('expect.error', `names a secret (${leak.length} characters)`);
    if (stored.includes(leak)) fail('expect.storedNotContain', `the object store holds a secret (${leak.length} characters)`);
  }
  if (expect.history) {
    if (!ran?.runId) fail('expect.history', 'only an ingestion has a history to read here');
    const history = await historyText(client.workflow.getHandle(ran!.workflowId, ran!.runId));
    const missing = (expect.history.contains ?? []).filter((t) => !history.includes(t));
    if (missing.length) fail('expect.history.contains', `not in the history: ${JSON.stringify(missing)}`);
    // The values, not the whole history, in a failure.
    const leaked = [...leaks, ...(expect.history.notContain ?? [])].filter((t) => history.includes(t));
    if (leaked.length) fail('expect.history.notContain', `${leaked.length} value(s) in the history, starting ${JSON.stringify(leaked.map((t) => t.slice(0, 6)))}`);
  }
  return ran?.workflowId;
}
