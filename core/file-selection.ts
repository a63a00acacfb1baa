/**
 * Which delivered files a run takes: pure decisions over a listing, with no I/O, so they
 * are unit-tested without servers. A file is taken when its name matches the step's
 * `match` and, with `dateIn`, when its date (from its name or its modification time)
 * falls in the run's window. What is missing is said in words a person can act on: the
 * source, the pattern and the day.
 */
import type { FilesStepConfig } from './config-schema';
import type { DateWindow } from './run-plan';

/** One file as a source lists it. Secret-free: it travels into page-set lists and messages. */
export interface RemoteFile {
  /** File name: the last path segment, an S3 key below the prefix, an attachment's name. */
  name: string;
  /** Where it is in the source: remote path, S3 key, `<message-id>/<attachment>`. Identifies it in the manifest. */
  path: string;
  size?: number;
  /** ISO timestamp: modification time, S3 LastModified, the message's arrival. */
  modified?: string;
  /**
   * What changes when the content changes, as the listing shows it (size and mtime, an S3
   * ETag, a message id): equal to the manifest's, the file is taken as unchanged without
   * downloading it again.
   */
  fingerprint: string;
  /** Source-specific facts given to expressions as `parent` (the message's subject and sender). */
  facts?: Record<string, unknown>;
}

export type DateRule = FilesStepConfig['dateIn'];

export interface SelectedFile extends RemoteFile {
  /** The day the file is for (YYYY-MM-DD), when the step has `dateIn`. */
  date?: string;
}

/** A glob (`*`, `?`) or a `/regular expression/flags`, as a predicate over file names. */
export function nameMatcher(match: string, where: string): (name: string) => boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(match);
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(regex[1], regex[2]);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    return (name) => re.test(name);
  }
  const glob = new RegExp(
    '^' +
      match
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    's',
  );
  return (name) => glob.test(name);
}

/** The date a `YYYYMMDD`-style format finds in a name (the first valid one), as YYYY-MM-DD. */
export function dateInName(name: string, format: string): string | undefined {
  const order: string[] = [];
  const pattern = format.replace(/YYYY|MM|DD|[.*+?^${}()|[\]\\]/g, (token) => {
    if (token === 'YYYY' || token === 'MM' || token === 'DD') {
      order.push(token);
      return token === 'YYYY' ? '(\\d{4})' : '(\\d{2})';
    }
    return `\\${token}`;
  });
  const re = new RegExp(pattern, 'g');
  for (const m of name.matchAll(re)) {
    const part = (token: string) => m[order.indexOf(token) + 1] ?? '01';
    const iso = `${part('YYYY')}-${part('MM')}-${part('DD')}`;
    const d = new Date(`${iso}T00:00:00Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso) return iso;
  }
  return undefined;
}

export function fileDate(file: RemoteFile, rule: DateRule): string | undefined {
  if (!rule) return undefined;
  if (rule === 'modified') return file.modified?.slice(0, 10);
  return dateInName(file.name, rule.name);
}

/** Every day of the window, YYYY-MM-DD. */
export function daysOf(window: DateWindow): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${window.from}T00:00:00Z`); t <= Date.parse(`${window.to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** The files of a listing the step takes for this window, oldest first (later versions load last). */
export function selectFiles(files: RemoteFile[], step: Pick<FilesStepConfig, 'match' | 'dateIn'>, window: DateWindow, where: string): SelectedFile[] {
  const matches = nameMatcher(step.match, `${where}.match`);
  const selected: SelectedFile[] = [];
  for (const file of files) {
    if (!matches(file.name)) continue;
    const date = fileDate(file, step.dateIn);
    if (step.dateIn && (!date || date < window.from || date > window.to)) continue;
    selected.push(date ? { ...file, date } : { ...file });
  }
  return selected.sort((a, b) => (a.modified ?? '').localeCompare(b.modified ?? '') || a.path.localeCompare(b.path));
}

/**
 * What the step expected and did not find, in words, or undefined. With a date in the name,
 * every day of the window needs a file; otherwise at least one file must be there.
 */
export function missingFiles(
  taken: { date?: string }[],
  step: Pick<FilesStepConfig, 'match' | 'dateIn'>,
  window: DateWindow,
  source: string,
): string | undefined {
  const pattern = `"${step.match}"`;
  if (step.dateIn && step.dateIn !== 'modified') {
    const have = new Set(taken.map((f) => f.date));
    const missing = daysOf(window).filter((d) => !have.has(d));
    if (!missing.length) return undefined;
    return `no file matching ${pattern} with the date ${missing.join(', ')} (as ${step.dateIn.name}) in its name in ${source}`;
  }
  if (taken.length) return undefined;
  const when = step.dateIn === 'modified' ? ` modified between ${window.from} and ${window.to}` : '';
  return `no file matching ${pattern}${when} in ${source}`;
}

/**
 * With `dateIn`, one delivery per name and day: the newest. A report re-sent with
 * corrections (a new message, or the same name uploaded again elsewhere under the prefix)
 * then loads instead of the first one, never beside it: rows of one load that share a key
 * would otherwise be merged in no defined order. Files of the newest delivery all count,
 * so one message with two links to `orders.csv` loads both (they share its time).
 * Without `dateIn` every file counts.
 */
export function newestPerNameAndDay<T extends { name: string; date?: string; modified?: string }>(files: T[], rule: DateRule): T[] {
  if (!rule) return files;
  const keyOf = (file: T) => `${file.date ?? ''}\n${file.name}`;
  const newest = new Map<string, string>();
  for (const file of files) {
    const seen = newest.get(keyOf(file));
    if (seen === undefined || (file.modified ?? '') > seen) newest.set(keyOf(file), file.modified ?? '');
  }
  return files.filter((f) => newest.get(keyOf(f)) === (f.modified ?? ''));
}
