/**
 * Reads the usage a vendor reports in its response headers, and decides how long every
 * worker should hold its next request so the shared limiter slows down before the vendor
 * answers 429. Pure: the Redis hold lives in activities/rate-limit.ts.
 *
 * Formats, as their vendors document them:
 * - `meta`: X-App-Usage and X-Business-Use-Case-Usage (Graph API rate limiting,
 *   https://developers.facebook.com/docs/graph-api/overview/rate-limiting), X-Ad-Account-Usage
 *   and X-FB-Ads-Insights-Throttle (Marketing API). Usage in percent; the business use case
 *   gives `estimated_time_to_regain_access` in minutes, the ad account `reset_time_duration`
 *   in seconds; the app header gives no reset (a rolling hour), so the default hold applies.
 * - `hubspot`: X-HubSpot-RateLimit-Max / -Remaining / -Interval-Milliseconds (a rolling
 *   window: held for one interval) and -Daily / -Daily-Remaining (held until the next UTC
 *   midnight, capped: HubSpot resets it at midnight in the account's time zone, unknown here).
 * - `ietf`: RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (draft-ietf-httpapi-
 *   ratelimit-headers up to -06; Reset in seconds from now), and the later structured
 *   `RateLimit: "name";r=…;t=…` with `RateLimit-Policy: "name";q=…`. Without a limit,
 *   remaining 0 counts as 100 % used.
 */

export type UsageFormat = 'meta' | 'hubspot' | 'ietf';
export const USAGE_FORMATS: readonly UsageFormat[] = ['meta', 'hubspot', 'ietf'];

/** One usage figure a header reported: percent used, and when it resets if the vendor says. */
export interface UsageReading {
  /** Which header and figure, for logs (never a value of the request). */
  source: string;
  usedPercent: number;
  /** Milliseconds until the vendor's window resets, when it says. */
  resetMs?: number;
}

export interface UsagePolicy {
  formats: readonly UsageFormat[];
  /** Usage at or above this percent holds requests. */
  thresholdPercent: number;
  /** The hold when a reading gives no reset time. */
  defaultHoldMs: number;
  /** No hold is longer (a wrong or hostile header must not stop a vendor for a day). */
  maxHoldMs: number;
}

export interface UsageHold {
  holdMs: number;
  reason: string;
}

/** Lower-cased header names, as fetch gives them. */
export type HeaderMap = Record<string, string>;

/** How long to hold the vendor's next requests after an answer with these headers; undefined when usage is below the threshold. */
export function usageHold(policy: UsagePolicy, headers: HeaderMap, nowMs: number): UsageHold | undefined {
  let hold: UsageHold | undefined;
  for (const format of policy.formats) {
    for (const reading of READERS[format](headers, nowMs)) {
      // A vendor that already says "no access for N minutes" is obeyed whatever the percent.
      const blocked = reading.resetMs !== undefined && reading.resetMs > 0 && reading.usedPercent >= 100;
      if (!blocked && reading.usedPercent < policy.thresholdPercent) continue;
      const holdMs = Math.min(policy.maxHoldMs, Math.max(0, reading.resetMs ?? policy.defaultHoldMs));
      if (holdMs > 0 && (!hold || holdMs > hold.holdMs)) hold = { holdMs, reason: `${reading.source} at ${round(reading.usedPercent)}%` };
    }
  }
  return hold;
}

const READERS: Record<UsageFormat, (headers: HeaderMap, nowMs: number) => UsageReading[]> = {
  meta: readMeta,
  hubspot: readHubSpot,
  ietf: readIetf,
};

export function readMeta(headers: HeaderMap): UsageReading[] {
  const readings: UsageReading[] = [];
  const app = parseJson(headers['x-app-usage']);
  if (isRecord(app)) readings.push(...percents('x-app-usage', app, ['call_count', 'total_cputime', 'total_time']));
  const buc = parseJson(headers['x-business-use-case-usage']);
  if (isRecord(buc)) {
    for (const entries of Object.values(buc)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (!isRecord(entry)) continue;
        const minutes = finite(entry.estimated_time_to_regain_access);
        const resetMs = minutes !== undefined && minutes > 0 ? minutes * 60_000 : undefined;
        // Business ids are the customer's: not named in the reason.
        const source = `x-business-use-case-usage ${typeof entry.type === 'string' ? entry.type : 'entry'}`;
        readings.push(...percents(source, entry, ['call_count', 'total_cputime', 'total_time']));
        // A wait is Meta saying "blocked", whatever the percentages.
        if (resetMs) readings.push({ source: `${source} regain access`, usedPercent: 100, resetMs });
      }
    }
  }
  const account = parseJson(headers['x-ad-account-usage']);
  if (isRecord(account)) {
    const seconds = finite(account.reset_time_duration);
    const resetMs = seconds !== undefined && seconds > 0 ? seconds * 1000 : undefined;
    readings.push(...percents('x-ad-account-usage', account, ['acc_id_util_pct']).map((r) => ({ ...r, resetMs })));
  }
  const insights = parseJson(headers['x-fb-ads-insights-throttle']);
  if (isRecord(insights)) readings.push(...percents('x-fb-ads-insights-throttle', insights, ['app_id_util_pct', 'acc_id_util_pct']));
  return readings;
}

export function readHubSpot(headers: HeaderMap, nowMs: number): UsageReading[] {
  const readings: UsageReading[] = [];
  const max = finite(headers['x-hubspot-ratelimit-max']);
  const remaining = finite(headers['x-hubspot-ratelimit-remaining']);
  const interval = finite(headers['x-hubspot-ratelimit-interval-milliseconds']);
  const used = usedOf(remaining, max);
  if (used !== undefined) readings.push({ source: 'x-hubspot-ratelimit-remaining', usedPercent: used, resetMs: interval !== undefined && interval > 0 ? interval : undefined });
  const daily = usedOf(finite(headers['x-hubspot-ratelimit-daily-remaining']), finite(headers['x-hubspot-ratelimit-daily']));
  if (daily !== undefined) readings.push({ source: 'x-hubspot-ratelimit-daily-remaining', usedPercent: daily, resetMs: untilUtcMidnight(nowMs) });
  return readings;
}

export function readIetf(headers: HeaderMap, nowMs: number): UsageReading[] {
  const remaining = finite(headers['ratelimit-remaining']);
  if (remaining !== undefined) {
    const used = usedOf(remaining, finite(headers['ratelimit-limit'])) ?? (remaining <= 0 ? 100 : 0);
    return [{ source: 'ratelimit-remaining', usedPercent: used, resetMs: resetOf(headers['ratelimit-reset'], nowMs) }];
  }
  // The structured form: RateLimit: "default";r=50;t=30 and RateLimit-Policy: "default";q=100;w=60.
  const item = headers['ratelimit'] ? parameters(headers['ratelimit']) : undefined;
  const r = finite(item?.r);
  if (r === undefined) return [];
  const policy = headers['ratelimit-policy'] ? parameters(headers['ratelimit-policy']) : undefined;
  const used = usedOf(r, finite(policy?.q)) ?? (r <= 0 ? 100 : 0);
  const t = finite(item?.t);
  return [{ source: 'ratelimit', usedPercent: used, resetMs: t !== undefined && t >= 0 ? t * 1000 : undefined }];
}

/** The parameters of the first item of a structured field: `"name";r=5;t=30` gives { r: '5', t: '30' }. */
function parameters(field: string): Record<string, string> {
  const first = field.split(',')[0];
  const out: Record<string, string> = {};
  for (const part of first.split(';').slice(1)) {
    const [name, value] = part.split('=');
    if (name && value !== undefined) out[name.trim()] = value.trim();
  }
  return out;
}

/** RateLimit-Reset is seconds from now in the draft; some servers send a Unix time, told apart by its size. */
function resetOf(header: string | undefined, nowMs: number): number | undefined {
  const seconds = finite(header);
  if (seconds === undefined || seconds < 0) return undefined;
  return seconds > 1_000_000_000 ? Math.max(0, seconds * 1000 - nowMs) : seconds * 1000;
}

function percents(source: string, record: Record<string, unknown>, names: string[]): UsageReading[] {
  const found: UsageReading[] = [];
  for (const name of names) {
    const value = finite(record[name]);
    if (value !== undefined) found.push({ source: `${source} ${name}`, usedPercent: value });
  }
  return found;
}

function usedOf(remaining: number | undefined, max: number | undefined): number | undefined {
  if (remaining === undefined || max === undefined || max <= 0) return undefined;
  return Math.max(0, Math.min(100, ((max - remaining) / max) * 100));
}

function untilUtcMidnight(nowMs: number): number {
  const day = 86_400_000;
  return day - (nowMs % day);
}

function finite(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // an unreadable usage header is no reason to fail a request
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const round = (n: number) => Math.round(n * 10) / 10;
