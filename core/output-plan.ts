/**
 * Pure decisions about the preprocessor's output: where the CSV parts, the manifest, the
 * summary and the rejects file of a run go, the manifest's content (Redshift's format, so
 * `COPY … MANIFEST` reads it as is), and whether the rejected rows are past the table's
 * threshold. Deterministic per run, so a retried activity rewrites the same objects.
 */
import type { RejectPolicyConfig } from './config-schema';

export interface OutputKeys {
  prefix: string;
  manifest: string;
  summary: string;
  rejects: string;
  part(n: number): string;
}

/** `csvPrefix` is runPrefix('csv', …) of the run. */
export function outputKeys(csvPrefix: string): OutputKeys {
  return {
    prefix: csvPrefix,
    manifest: `${csvPrefix}/manifest.json`,
    summary: `${csvPrefix}/summary.json`,
    rejects: `${csvPrefix}/rejects.csv.gz`,
    part: (n) => `${csvPrefix}/part-${String(n).padStart(6, '0')}.csv.gz`,
  };
}

/**
 * A child table's outputs (core/child-tables.ts): under the run's CSV prefix, in
 * `children/<table>/`, so the loader finds them from the parent's manifest key alone.
 */
export function childOutputKeys(csvPrefix: string, childTable: string): OutputKeys {
  return outputKeys(`${csvPrefix}/children/${childTable}`);
}

/** A child table's manifest key next to its parent's manifest key. */
export function childManifestKeyOf(manifestKey: string, childTable: string): string {
  if (!manifestKey.endsWith('/manifest.json')) throw new Error(`${manifestKey} is not a manifest key`);
  return `${manifestKey.slice(0, -'manifest.json'.length)}children/${childTable}/manifest.json`;
}

/** The summary object's key next to a manifest key (the loader reads it for the audit). */
export function summaryKeyOf(manifestKey: string): string {
  return manifestKey.replace(/manifest\.json$/, 'summary.json');
}

export interface Manifest {
  entries: { url: string; mandatory: true }[];
}

/** `location` is the store's URL (`s3://bucket`); keys become the entries' URLs. */
export function manifestOf(location: string, partKeys: string[]): Manifest {
  return { entries: partKeys.map((key) => ({ url: `${location}/${key}`, mandatory: true })) };
}

/** The object key of a manifest entry stored in `location`. */
export function keyOfUrl(location: string, url: string): string {
  if (!url.startsWith(`${location}/`)) throw new Error(`manifest entry ${url} is not in ${location}`);
  return url.slice(location.length + 1);
}

/** What the preprocessor wrote, kept next to the manifest for the loader and for people. */
export interface PreprocessSummary {
  records: number;
  rows: number;
  rejected: number;
  files: number;
  parts: { key: string; rows: number; bytes: number }[];
  /** The longest value of each column, in UTF-8 bytes (columns with no value absent): Redshift sizes varchar columns from them. */
  widths?: Record<string, number>;
  rejectsKey?: string;
  /** Rows and parts written per child table (core/child-tables.ts), when the table has children. */
  children?: Record<string, { rows: number; parts: { key: string; rows: number; bytes: number }[] }>;
}

/** Undefined when the rejected rows are within the policy; otherwise why the run fails. */
export function rejectsVerdict(policy: RejectPolicyConfig | undefined, rejected: number, total: number): string | undefined {
  if (rejected === 0) return undefined;
  const maxRows = policy?.maxRows ?? 0;
  const percent = total === 0 ? 100 : (100 * rejected) / total;
  if (rejected <= maxRows) return undefined;
  if (policy?.maxPercent !== undefined && percent <= policy.maxPercent) return undefined;
  const limits = [`${maxRows} row(s)`, ...(policy?.maxPercent !== undefined ? [`${policy.maxPercent}%`] : [])].join(' or ');
  return `${rejected} of ${total} row(s) rejected (${percent.toFixed(2)}%), more than the table allows (${limits})`;
}
