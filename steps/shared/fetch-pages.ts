/**
 * Fetches one step's pages: one pagination for a single or paginated step, or one per
 * item for a batch of a dependent step's items. Each page is stored under a key fixed by
 * run, step, item and page number, and the decision taken after it (next page or done) is
 * stored beside it; a retried or resumed activity reads those decisions back instead of
 * calling the vendor again, so no stored page is ever fetched twice. Heartbeats carry the
 * position so a resumed attempt starts where the last one stood.
 *
 * A fan-out batch's small answers are not an object each: they are stored together in
 * bundles of consecutive items (steps/shared/answer-bundles.ts), each written with one put,
 * and the batch's page-set list names each answer's bundle and bytes. A retried batch reads
 * its bundles back first and fetches none of the items they hold; an answer received but
 * not yet in a written bundle when the worker died is fetched again.
 */
import { Readable } from 'node:stream';
import { Context } from '@temporalio/activity';
import type { PermitRef } from '../../core/contracts';
import type { FetchResult, PageSet, RunContext } from '../../core/contracts';
import { ExpressionScope } from '../../runtime/expression/expression';
import { ExpressionError } from '../../core/errors';
import { firstPage, nextPage, pageParameters, restartStalls, type PageDecision, type PageState } from '../../core/pagination';
import type { RestartConfig } from '../shared/grammar';
import type { PaginationConfig } from '../../core/config-schema';
import { pageKey, pageMetaKey, pageSetPrefix, runPrefix } from '../../core/run-plan';
import type { ActivityDeps } from '../../activities/deps';
import { finalFailure, retryableFailure } from '../../activities/failures';
import { pinnedStepOf, runVariables } from '../../activities/pinned-config';
import type { StepConfigOf } from '../registry';
import { underPermit } from '../../activities/permits';
import { readText, VendorClient, type VendorResponse } from '../../activities/vendor-client';
import { xmlToValue } from '../../adapters/decode/xml';
import { apiBase } from '../../activities/http-request';
import { IgnoredItemAnswer, ignoredItemName, MAX_NAMED_IGNORED_ITEMS, type ItemErrorRuleConfig, type ItemJudge } from '../dependent/item-errors';
import { usingScope } from '../../runtime/expression/expression';
import { fetchChunkedPage, type ChunkedPage } from '../paginated/chunked-page';
import { discoverFields } from '../../activities/discovered-fields';
import { readItems } from '../../activities/item-lists';
import { bundlePrefix } from '../../adapters/object-store/answer-bundle';
import { BundleWriter } from './answer-bundles';

export interface FetchPagesInput {
  run: RunContext;
  stepIndex: number;
  /** The vendor permit the calls are made under; `dif try` runs the steps without one. */
  permit?: PermitRef;
  /** Dependent steps: the batch [start, end) of the items stored at itemsKey. */
  items?: { itemsKey: string; start: number; end: number };
}

interface Unit {
  /** Item number within the step (dependent steps), or undefined. */
  index?: number;
  parent?: unknown;
  ancestors?: unknown[];
}

interface PageMeta {
  status: number;
  records: number;
  decision: PageDecision;
}

interface Checkpoint {
  unit: number;
  state: PageState;
}

/** The kinds whose pages fetchPages fetches. */
const FETCH_KINDS = ['single', 'paginated', 'dependent'] as const;
type FetchStepConfig = StepConfigOf<(typeof FETCH_KINDS)[number]>;
/** The kinds that may page. */
type PagedStepConfig = Exclude<FetchStepConfig, { kind: 'single' }>;

export function fetchPagesActivity(deps: ActivityDeps) {
  return async function fetchPages(input: FetchPagesInput): Promise<FetchResult> {
    const { run, stepIndex, permit } = input;
    return underPermit(deps, permit, async (permitLost, saveCheckpoint) => {
      const { pinned, config, step, where } = await pinnedStepOf(deps, run, stepIndex, FETCH_KINDS);
      const client = await VendorClient.open(deps, config, run.customer, permitLost, pinned.inputs);
      const scope = new ExpressionScope({ ...runVariables(run, pinned), parent: null, ancestors: [] });
      // Discovered fields: listed (or read back) before the first page; requests read their names as `discovered`.
      if (config.streams[run.stream].discover) scope.setJson('discovered', JSON.stringify((await discoverFields(deps, client, config, run, scope)).listed));
      const units = await unitsOf(deps, input);
      const raw = runPrefix('raw', run, run.runId);
      const checkpoint = Context.current().info.heartbeatDetails as Checkpoint | undefined;
      // Only a retried attempt can find pages stored already; a first attempt skips the look-up.
      const resuming = Context.current().info.attempt > 1;
      const sets: PageSet[] = [];
      const judgeError = step.kind === 'dependent' && step.onItemError ? itemJudge(step.onItemError, `${where}.onItemError`) : undefined;
      const ignored: NonNullable<FetchResult['ignored']> = { count: 0, items: [] };
      // A fan-out batch's small answers go into bundles, one object per group of items
      // (adapters/object-store/answer-bundle.ts); a retried attempt first reads back the bundles stored before.
      const bundles = input.items && answerIsItsDecision(step) ? new BundleWriter(deps.objectStore, bundlePrefix(raw, step.name, input.items.start), deps.bundleLimits) : undefined;
      if (bundles && resuming) await bundles.resume();

      try {
        for (let u = 0; u < units.length; u++) {
          const unit = units[u];
          const prefix = pageSetPrefix(raw, step.name, unit.index);
          // Stored in a bundle by an earlier attempt: never fetched again.
          if (bundles && unit.index !== undefined && bundles.stored.has(unit.index)) {
            sets.push({ prefix, count: 1, stepIndex, parent: unit.parent, ancestors: unit.ancestors });
            continue;
          }
          const bundled = bundles && unit.index !== undefined ? { writer: bundles, item: unit.index } : undefined;
          scope.setJson('parent', JSON.stringify(unit.parent ?? null));
          scope.setJson('ancestors', JSON.stringify(unit.ancestors ?? []));
          let state = checkpoint && checkpoint.unit === u ? checkpoint.state : firstPage(step.kind === 'single' ? undefined : step.pagination);
          let pages: number;
          for (;;) {
            const stored = resuming ? await storedDecision(deps, prefix, state.page, answerIsItsDecision(step)) : undefined;
            let decision: PageDecision;
            try {
              decision = stored ?? (await fetchPage(deps, client, scope, step, where, prefix, state, judgeError, bundled)).decision;
            } catch (e) {
              if (!(e instanceof IgnoredItemAnswer)) throw e;
              // The item's pages before this answer stay; the item is named, not silently dropped.
              ignored.count++;
              if (ignored.items.length < MAX_NAMED_IGNORED_ITEMS) ignored.items.push(ignoredItemName(unit.parent, e.status));
              Context.current().log.info(`${where}: item ${JSON.stringify(unit.parent)?.slice(0, 200)} ignored by onItemError: ${e.message.slice(0, 300)}`);
              pages = state.page - 1;
              break;
            }
            // Through underPermit, whose keep-alive heartbeats repeat it: a bare heartbeat would erase it.
            saveCheckpoint({ unit: u, state } satisfies Checkpoint);
            if ('done' in decision) {
              pages = state.page;
              break;
            }
            state = decision.next;
          }
          sets.push({ prefix, count: pages, stepIndex, parent: unit.parent, ancestors: unit.ancestors });
          if (bundles?.full) await bundles.flush();
        }
        await bundles?.flush();
      } finally {
        // Failed or cancelled: the answers received are stored all the same, so a retry does not fetch them again.
        if (bundles?.pending) {
          await bundles.flush().catch((e: unknown) => Context.current().log.warn(`${where}: ${bundles.pending} answer(s) received could not be stored on the way out: ${(e as Error).message}`));
        }
      }
      if (bundles) {
        // A bundled answer's entry names its bundle and bytes (activities/page-sets.ts reads them).
        for (const [u, set] of sets.entries()) {
          const at = units[u].index === undefined ? undefined : bundles.stored.get(units[u].index!);
          if (at && set.count === 1) set.bundle = at;
        }
      }

      const listKey = input.items
        ? `${raw}/${step.name}/pagesets-${String(input.items.start).padStart(7, '0')}.json`
        : `${raw}/${step.name}/pagesets.json`;
      await deps.objectStore.put(listKey, JSON.stringify(sets), 'application/json');
      return { listKey, pages: sets.reduce((n, s) => n + s.count, 0), units: sets.length, ...(ignored.count ? { ignored } : {}) };
    });
  };
}

async function unitsOf(deps: ActivityDeps, input: FetchPagesInput): Promise<Unit[]> {
  if (!input.items) return [{}];
  const { itemsKey, start, end } = input.items;
  return (await readItems(deps.objectStore, itemsKey, start, end)).map((entry, i) => ({ index: start + i, parent: entry.item, ancestors: entry.ancestors }));
}

/**
 * The decision stored for a page, when the page is stored too: the two are written at the
 * same time (storePage), so either may be there without the other after a crash; such a
 * page is the one that was in flight, and it is fetched again. A fan-out item's single call
 * (answerIsItsDecision) stores no decision: its page, written atomically, is the whole of it
 * (a large answer, stored on its own; a small one is in a bundle, found before this is asked).
 */
async function storedDecision(deps: ActivityDeps, prefix: string, page: number, answerIsDecision: boolean): Promise<PageDecision | undefined> {
  if (answerIsDecision) return (await deps.objectStore.exists(pageKey(prefix, page))) ? SINGLE_CALL : undefined;
  const key = pageMetaKey(prefix, page);
  const [decided, stored] = await Promise.all([deps.objectStore.exists(key), deps.objectStore.exists(pageKey(prefix, page))]);
  return decided && stored ? (JSON.parse(await deps.objectStore.getText(key)) as PageMeta).decision : undefined;
}

/**
 * What follows a call that does not page. A fan-out item's status and record count are not
 * kept (nothing reads them back: resuming needs only "done", and `dif try` does not run
 * dependent steps), so one object per item is written, not two: on a fan-out's per-item
 * path the decision file was half of the object-store writes (README "Benchmarks").
 */
const SINGLE_CALL: PageDecision = { done: 'single call' };

/** Where a fan-out item's small answer goes: the batch's next bundle, as item `item`. */
interface Bundled {
  writer: BundleWriter;
  item: number;
}

/** A fan-out item's one call (a dependent step without pagination): its stored answer alone says it is done. */
function answerIsItsDecision(step: FetchStepConfig): boolean {
  return step.kind === 'dependent' && !step.pagination;
}

/** A page and its decision, written at once (resuming trusts a decision only beside its page: storedDecision). */
async function storePage(deps: ActivityDeps, key: string, body: string | Buffer | Readable, contentType: string | undefined, prefix: string, page: number, meta: PageMeta): Promise<PageMeta> {
  await Promise.all([deps.objectStore.put(key, body, contentType), storeMeta(deps, prefix, page, meta)]);
  return meta;
}

async function storeMeta(deps: ActivityDeps, prefix: string, page: number, meta: PageMeta): Promise<void> {
  await deps.objectStore.put(pageMetaKey(prefix, page), JSON.stringify(meta), 'application/json');
}

/** Calls the vendor for one page, decides what comes next, and stores the page and the decision. */
async function fetchPage(
  deps: ActivityDeps,
  client: VendorClient,
  scope: ExpressionScope,
  step: FetchStepConfig,
  where: string,
  prefix: string,
  state: PageState,
  judgeError?: ItemJudge,
  bundled?: Bundled,
): Promise<PageMeta> {
  const paged = step.kind === 'single' ? undefined : step;
  const pagination = paged?.pagination;
  const params = pageParameters(pagination, state);
  scope.setJson('page', JSON.stringify(state));
  // Fields in chunks: the page is asked for once per chunk and stored merged; the first chunk's answer decides what comes next.
  const chunked = paged?.kind === 'paginated' && paged.chunk && pagination
    ? await fetchChunkedPage(deps, client, scope, { ...paged, chunk: paged.chunk }, where, prefix, state, params, (label) => vendorError(client, scope, label))
    : undefined;
  const read = (response: VendorResponse) => readPage(deps, client, scope, step, where, prefix, state, response, chunked, bundled);
  // The page is read and stored inside the request's retries: a body cut short is asked for again, never stored in part.
  return chunked ? await read(chunked.response) : await client.request(step.request, scope, `${where}.request`, read, judgeError ? { ...params, judgeError } : params);
}

/** One answer read as page `state.page`: judged, what comes next decided, and both stored (the page scrubbed). */
async function readPage(
  deps: ActivityDeps,
  client: VendorClient,
  scope: ExpressionScope,
  step: FetchStepConfig,
  where: string,
  prefix: string,
  state: PageState,
  response: VendorResponse,
  chunked: ChunkedPage | undefined,
  bundled?: Bundled,
): Promise<PageMeta> {
  const paged = step.kind === 'single' ? undefined : step;
  const pagination = paged?.pagination;
  const key = pageKey(prefix, state.page);
  if (!pagination || !paged) {
    // A single call is stored scrubbed of secrets, whatever its size or format: a small answer
    // (a fan-out item's, mostly) in one write of its bytes, a larger one as it streams in. A
    // stream per item cost a fan-out a file stream, a pipeline and its abort error per call
    // (README "Benchmarks", CPU profile).
    const peeked = await peekSmall(client.scrubbed(response), SMALL_ANSWER_BYTES);
    const body = peeked.whole ?? peeked.rest;
    if (peeked.whole && client.config.errors?.when && (step.decode?.format ?? 'json') === 'json') {
      // The vendor's `errors` rules are judged on a small JSON answer (an error envelope is
      // small); a larger one is data, stored without being held in memory.
      judgeSmallAnswer(client, scope, peeked.whole.toString('utf8'), response, `${response.label}: single call`);
    }
    const meta: PageMeta = { status: response.status, records: -1, decision: SINGLE_CALL };
    // A fan-out item's answer is its own decision (storedDecision); a single step's keeps its file, which `dif try` reports.
    if (answerIsItsDecision(step)) {
      // Small, in a batch: kept for the batch's next bundle (written by fetchPages), not an object of its own.
      if (bundled && peeked.whole) {
        bundled.writer.add(bundled.item, peeked.whole, response.headers['content-type']);
        return meta;
      }
      await deps.objectStore.put(key, body, response.headers['content-type']);
      return meta;
    }
    return storePage(deps, key, body, response.headers['content-type'], prefix, state.page, meta);
  }
  const text = chunked?.text ?? client.scrub(await readText(response.body));
  const format = step.decode?.format ?? 'json';
  if (!chunked && format === 'json' && isHtmlPage(text, response.headers['content-type'])) {
    // A gateway's or maintenance page in a 2xx: the vendor's fault, and usually brief.
    throw retryableFailure('VendorError', `${response.label}: page ${state.page} answered ${response.status} with an HTML page, not JSON: ${text.slice(0, 200)}`);
  }
  let meta: PageMeta;
  try {
    meta = decidePage(client, scope, paged, pagination, where, key, state, response, text, format);
    if (paged.kind === 'paginated' && paged.totals) await keepTotals(deps, scope, paged.totals, key, where);
  } catch (e) {
    // A page that fails its expressions is kept, as it came, for whoever looks into the failure.
    if (!chunked) await deps.objectStore.put(key, text, response.headers['content-type']);
    // decidePage names the page in its own failures; a totals expression's error is named here.
    if (e instanceof ExpressionError) throw finalFailure('DataError', client.scrub(`${e.message} (page ${key})`));
    throw e;
  }
  // A chunked page was stored merged already (chunked-page.ts).
  if (chunked) {
    await storeMeta(deps, prefix, state.page, meta);
    return meta;
  }
  return storePage(deps, key, text, response.headers['content-type'], prefix, state.page, meta);
}

/** What comes after a page read whole: its records counted and the pagination's expressions evaluated over it. */
function decidePage(
  client: VendorClient,
  scope: ExpressionScope,
  paged: PagedStepConfig,
  pagination: PaginationConfig,
  where: string,
  key: string,
  state: PageState,
  response: VendorResponse,
  text: string,
  format: string,
): PageMeta {
  // Pages in a row format (CSV results paged by a header, as Salesforce Bulk 2.0 does) are
  // not JSON: expressions see the body as text, and the record count is unknown (-1).
  // XML pages are seen decoded (adapters/decode/xml.ts).
  const rowFormat = format !== 'json' && format !== 'xml';
  try {
    scope.setJson('response', rowFormat ? JSON.stringify(text) : format === 'xml' ? JSON.stringify(xmlToValue(text)) : text);
  } catch (e) {
    throw finalFailure('DataError', `${response.label}: page ${state.page} (${key}) is not valid ${format === 'xml' ? 'XML' : 'JSON'}: ${(e as Error).message}`);
  }
  scope.setJson('headers', JSON.stringify(response.headers));
  scope.setJson('status', String(response.status));
  try {
    vendorError(client, scope, `${response.label}: page ${state.page}`);
    let records = -1;
    if (!rowFormat) {
      // Counted by the host for a plain path; otherwise the records stay in the sandbox and only their count comes out.
      records = scope.countOf('__records', paged.records ?? 'response', `${where}.records`);
    }
    // An XML element that appears once is not a list: its count is unknown (-1), not an error.
    if (records < 0 && format === 'json') throw finalFailure('DataError', `${where}.records did not give an array on page ${state.page} (${key})`);
    const seen = {
      records,
      next: pagination.kind === 'cursor' || pagination.kind === 'nextUrl' ? scope.evaluate(pagination.next, `${where}.pagination.next`) : undefined,
      link: response.headers.link ?? null,
      stopWhen: paged.stop?.when ? scope.evaluate(paged.stop.when, `${where}.stop.when`) : undefined,
      total: paged.stop?.total ? scope.evaluate(paged.stop.total, `${where}.stop.total`) : undefined,
      items: pagination.kind === 'offset' && pagination.advanceBy ? itemCount(scope.evaluate(pagination.advanceBy, `${where}.pagination.advanceBy`), `${where}.pagination.advanceBy`, key) : undefined,
      restart: restartAnchor(scope, 'restart' in paged ? paged.restart : undefined, state, where, key),
    };
    return { status: response.status, records, decision: nextPage(pagination, paged.stop, paged.maxPages, state, seen, apiBase(client.config)) };
  } catch (e) {
    if (e instanceof ExpressionError) throw finalFailure('DataError', client.scrub(`${e.message} (page ${key})`));
    throw e;
  }
}

/**
 * The vendor's totals this page gives (core/vendor-totals.ts), written over the step's
 * totals object: the last page that gives a number wins. Only numbers are kept.
 */
async function keepTotals(deps: ActivityDeps, scope: ExpressionScope, totals: Record<string, string>, pageKey: string, where: string): Promise<void> {
  const found: Record<string, number> = {};
  for (const [name, expression] of Object.entries(totals)) {
    const value = Number(scope.evaluate(expression, `${where}.totals.${name}`));
    if (Number.isFinite(value)) found[name] = value;
  }
  if (!Object.keys(found).length) return;
  // The page's folder holds the step's pages (core/run-plan.ts pageKey): the totals sit beside them.
  const stepPrefix = pageKey.slice(0, pageKey.lastIndexOf('/'));
  const key = `${stepPrefix}/totals.json`;
  const kept = (await deps.objectStore.exists(key)) ? (JSON.parse(await deps.objectStore.getText(key)) as Record<string, number>) : {};
  await deps.objectStore.put(key, JSON.stringify({ ...kept, ...found }), 'application/json');
}

/** An HTML document where JSON was expected: by its Content-Type, or by its first characters. */
function isHtmlPage(text: string, contentType: string | undefined): boolean {
  if (contentType && /^\s*text\/html\b/i.test(contentType)) return true;
  return /^\s*<(!doctype\s+html|html)\b/i.test(text.slice(0, 200));
}

/** A single call's answer up to this size is read whole to judge the vendor's `errors` rules on it. */
const SMALL_ANSWER_BYTES = 1 << 20;

/**
 * The body's bytes when it ends within `limit` bytes; otherwise a stream of the whole body,
 * the bytes already read first (a small body gets no stream: it is written in one go).
 */
async function peekSmall(body: Readable, limit: number): Promise<{ whole: Buffer; rest?: undefined } | { whole?: undefined; rest: Readable }> {
  const source = body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await source.next();
    if (next.done) {
      return { whole: Buffer.concat(head) };
    }
    const chunk = Buffer.from(next.value);
    head.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  async function* remaining() {
    yield* head;
    for (let next = await source.next(); !next.done; next = await source.next()) yield Buffer.from(next.value);
  }
  return { rest: Readable.from(remaining()) };
}

/** `errors` judged on a single call's small answer; a body that is not JSON is not an error envelope. */
function judgeSmallAnswer(client: VendorClient, scope: ExpressionScope, text: string, response: { status: number; headers: Record<string, string> }, label: string): void {
  try {
    JSON.parse(text);
  } catch {
    return;
  }
  scope.setJson('response', text);
  scope.setJson('headers', JSON.stringify(response.headers));
  scope.setJson('status', String(response.status));
  vendorError(client, scope, label);
}

/**
 * A vendor error inside a 2xx answer (config `errors`): fails the call with the vendor's
 * message, retryably when `retryWhen` holds, so throttling in a 200 is backed off like a 429.
 */
function vendorError(client: VendorClient, scope: ExpressionScope, label: string): void {
  const errors = client.config.errors;
  if (!errors?.when || !scope.evaluate(errors.when, `${client.config.vendor}: $.errors.when`)) return;
  const message = client.scrub(`${label} reported an error: ${errors.message ? String(scope.evaluate(errors.message, `${client.config.vendor}: $.errors.message`)) : 'errors.when held'}`);
  if (errors.retryWhen && scope.evaluate(errors.retryWhen, `${client.config.vendor}: $.errors.retryWhen`)) throw retryableFailure('VendorThrottled', message);
  throw finalFailure('VendorRequestError', message);
}

/** The activities of the kinds that fetch pages (single, paginated, dependent). */
export const fetchPagesActivities = (deps: ActivityDeps) => ({ fetchPages: fetchPagesActivity(deps) });

/** The anchor a capped query starts over from (`restart`), when `restart.when` held; a DataError when it would loop. */
function restartAnchor(scope: ExpressionScope, restart: RestartConfig | undefined, state: PageState, where: string, key: string): string | undefined {
  if (!restart || !scope.evaluate(restart.when, `${where}.restart.when`)) return undefined;
  const anchor = scope.evaluate(restart.anchor, `${where}.restart.anchor`);
  const stalls = restartStalls(state, anchor);
  if (stalls) throw finalFailure('DataError', `${where}.${stalls} (page ${key})`);
  return String(anchor);
}

/** The value of `advanceBy`: a count of items, or a DataError naming the expression and the page. */
function itemCount(value: unknown, where: string, key: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw finalFailure('DataError', `${where} gave ${String(JSON.stringify(value) ?? 'undefined').slice(0, 100)}, not a count of items, on page ${key}`);
}

/**
 * The step's onItemError rules as a judge of one error answer: the first rule whose status
 * matches and whose `when` (if any) holds decides. A `when` that cannot read the answer
 * does not hold (the answer is then judged as usual).
 */
function itemJudge(rules: ItemErrorRuleConfig[], where: string): ItemJudge {
  return (status, parsed) => {
    for (const [i, rule] of rules.entries()) {
      if (!rule.status.includes(status)) continue;
      if (rule.when) {
        const holds = usingScope({ response: parsed ?? null, status }, (scope) => {
          try {
            return Boolean(scope.evaluate(rule.when!, `${where}[${i}].when`));
          } catch {
            return false;
          }
        });
        if (!holds) continue;
      }
      return rule.outcome;
    }
    return undefined;
  };
}
