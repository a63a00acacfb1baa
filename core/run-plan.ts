/**
 * Pure decisions about a run: its window, its workflow id and the object keys it writes.
 * Deterministic, so workflows, activities and the CLI all derive the same names.
 */

export interface DateWindow {
  /** First day, inclusive, YYYY-MM-DD. */
  from: string;
  /** Last day, inclusive, YYYY-MM-DD. */
  to: string;
}

export interface IngestRequest {
  vendor: string;
  customer: string;
  stream: string;
  window: DateWindow;
  /** The partition's id when the stream has `partitions` (one run per account, property or profile); absent otherwise. */
  partition?: string;
}

/** A request that can never succeed as given: a bad date, window or name. */
export class InputError extends Error {
  override name = 'InputError';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(value: string, what: string): Date {
  const m = DATE.exec(value);
  const date = m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw new InputError(`${what} must be a date as YYYY-MM-DD, got "${value}"`);
  }
  return date;
}

export function checkWindow(window: DateWindow, maxDays?: number): DateWindow {
  const from = parseDay(window.from, 'window start (--from)');
  const to = parseDay(window.to, 'window end (--to)');
  if (to < from) throw new InputError(`window end ${window.to} is before its start ${window.from}`);
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;
  if (maxDays !== undefined && days > maxDays) {
    throw new InputError(`window ${window.from}..${window.to} spans ${days} days; this vendor allows at most ${maxDays}`);
  }
  return window;
}

/**
 * A day in the vendor's date format: YYYY, MM and DD are replaced, anything else kept
 * (`YYYYMMDD`, `DD/MM/YYYY`, `YYYY-MM-DDT00:00:00Z`).
 */
export function formatDay(isoDay: string, format: string): string {
  return format.replace('YYYY', isoDay.slice(0, 4)).replace('MM', isoDay.slice(5, 7)).replace('DD', isoDay.slice(8, 10));
}

/** `window` as expressions see it: ISO days, and the same days in the vendor's format. */
export function windowVariables(window: DateWindow, dateFormat = 'YYYY-MM-DD'): DateWindow & { start: string; end: string } {
  return { ...window, start: formatDay(window.from, dateFormat), end: formatDay(window.to, dateFormat) };
}

/** Splits a window into consecutive windows of at most `maxDays` days. */
export function splitWindow(window: DateWindow, maxDays: number | undefined): DateWindow[] {
  checkWindow(window);
  if (!maxDays) return [window];
  const out: DateWindow[] = [];
  const end = parseDay(window.to, 'window end').getTime();
  for (let start = parseDay(window.from, 'window start').getTime(); start <= end; start += maxDays * 86_400_000) {
    const last = Math.min(end, start + (maxDays - 1) * 86_400_000);
    out.push({ from: new Date(start).toISOString().slice(0, 10), to: new Date(last).toISOString().slice(0, 10) });
  }
  return out;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function checkName(value: string, what: string): string {
  if (!SAFE.test(value) || value.length > 100) {
    throw new InputError(`${what} "${value}" may only hold letters, digits, '.', '_' and '-'`);
  }
  return value;
}

/** `demo-ads/acme/campaign_daily/2026-11-01..2026-11-07`: what a person reads in the Web UI. */
export function ingestWorkflowId(r: IngestRequest): string {
  const run = `${r.vendor}/${r.customer}/${r.stream}/${r.window.from}..${r.window.to}`;
  // A partition's run is its stream's run's id and the partition: `meta-ads/acme/ad_insights/2026-11-01..2026-11-07/act_123`.
  return r.partition === undefined ? run : `${run}/${r.partition}`;
}

/** Prefix of everything one run writes to the object store; a retry rewrites the same keys. */
export function runPrefix(kind: 'raw' | 'csv', r: IngestRequest, runId: string): string {
  return `${kind}/${r.vendor}/${r.customer}/${r.stream}/${r.window.from}..${r.window.to}/${runId}`;
}

/** Page `page` (1-based) of a page set: one pagination of one step, for one parent item; `extension` says what the page is (core/raw-names.ts). */
export function pageKey(setPrefix: string, page: number, extension = 'json'): string {
  return `${setPrefix}/page-${String(page).padStart(6, '0')}.${extension}`;
}

/** The vendor's answer to one chunk of a page whose fields are fetched in chunks (`chunk`), kept beside the merged page. */
export function pageChunkKey(setPrefix: string, page: number, chunk: number): string {
  return `${setPrefix}/page-${String(page).padStart(6, '0')}.chunk-${String(chunk).padStart(3, '0')}.json`;
}

/** What was decided after storing a page, kept beside it so a resumed run never refetches it. */
export function pageMetaKey(setPrefix: string, page: number): string {
  return `${setPrefix}/page-${String(page).padStart(6, '0')}.meta.json`;
}

/** Where one step's page set lives; `item` numbers the parent item of a dependent step. */
export function pageSetPrefix(runPrefixRaw: string, step: string, item?: number): string {
  return item === undefined ? `${runPrefixRaw}/${step}` : `${runPrefixRaw}/${step}/item-${String(item).padStart(7, '0')}`;
}

export function configKey(vendor: string, hash: string): string {
  return `configs/${vendor}/${hash}.json`;
}
