/**
 * A files step: lists its source, selects the window's files, and takes each file once.
 * A file whose listing matches the manifest (same fingerprint) is not downloaded again:
 * its stored object joins this run's page sets as it is, so a re-run of a window loads the
 * same rows (merged by key, never duplicated). A new file, or one re-sent with new
 * content, streams from the source through a SHA-256 digest into the object store under
 * this run's raw prefix, and only then is recorded in the manifest; a crash in between
 * means it is taken again by the retry, never lost or half-recorded. Files the manifest
 * dates inside the window but the source no longer shows (a message moved away) are
 * included from the object store too. The output is a page-set list like fetchPages', so
 * toCsv and loadCsv read files exactly as they read API responses.
 */
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream';
import type { PermitRef } from '../../core/contracts';
import type { FileSourceClient } from '../../adapters/file-sources/file-source';
import { FileSourceError } from '../../adapters/file-sources/file-source';
import type { FileScope, ManifestEntry } from '../../adapters/mysql/file-manifest';
import type { FilesStepConfig } from './grammar';
import type { FilesResult, PageSet, RunContext } from '../../core/contracts';
import { ExpressionScope } from '../../runtime/expression/expression';
import { ExpressionError } from '../../core/errors';
import { headProblem } from '../../core/file-content';
import { missingFiles, newestPerNameAndDay, selectFiles, type SelectedFile } from '../../core/file-selection';
import { pageKey, runPrefix } from '../../core/run-plan';
import type { ActivityDeps } from '../../activities/deps';
import { finalFailure, redact, retryableFailure } from '../../activities/failures';
import { FileDigest } from '../../activities/file-digest';
import { openFileSource, revealSourceSecrets } from '../../activities/file-source-open';
import { underPermit, type Checkpoint } from '../../activities/permits';
import { pinnedStepOf, runVariables } from '../../activities/pinned-config';

export interface FetchFilesInput {
  run: RunContext;
  stepIndex: number;
  permit: PermitRef;
  /** Which look at the source this is (expect `wait` looks again on a durable timer). */
  look?: number;
}

const DEFAULT_WAIT = { intervalMinutes: 15, timeoutMinutes: 360 };
const PAGE_SUFFIX = '/page-000001.json';

export function fetchFilesActivity(deps: ActivityDeps) {
  return async function fetchFiles(input: FetchFilesInput): Promise<FilesResult> {
    const { run, stepIndex, permit } = input;
    return underPermit(deps, permit, async (_signal, checkpoint) => {
      const { pinned, config, step, where } = await pinnedStepOf(deps, run, stepIndex, 'files');
      const secrets = await revealSourceSecrets(deps, config.vendor, run.customer, step.source);
      // The user name and a CA certificate are not secret, and scrubbing them would garble paths (/home/<user>).
      const { username: _user, ca: _ca, ...hidden } = secrets;
      const scrub = (text: string) => redact(text, Object.values(hidden).filter((s): s is string => Boolean(s)));
      const scope = new ExpressionScope({ ...runVariables(run, pinned), message: null });
      let source: FileSourceClient | undefined;
      try {
        source = await openFileSource(step.source, secrets, {
          scope,
          where,
          timeoutMs: (config.timeoutSeconds ?? 60) * 1000,
          linksOf: (message) => (step.source.kind === 'imap' && step.source.link ? linksOf(scope, step.source.link, message, `${where}.source.link`) : []),
        });
        return await take(deps, { run, stepIndex, step, where, source, look: input.look ?? 1, checkpoint });
      } catch (e) {
        throw classify(e, where, scrub);
      } finally {
        await source?.close().catch(() => undefined);
      }
    });
  };
}

/** A file of the window, stored now or before. */
interface Taken {
  entry: ManifestEntry;
  name: string;
  date?: string;
  modified?: string;
  facts?: Record<string, unknown>;
}

interface Take {
  run: RunContext;
  stepIndex: number;
  step: FilesStepConfig;
  where: string;
  source: FileSourceClient;
  look: number;
  /** Progress for the heartbeat (underPermit repeats it on its keep-alive beats). */
  checkpoint: Checkpoint;
}

async function take(deps: ActivityDeps, t: Take): Promise<FilesResult> {
  const { run, step, source } = t;
  const scope: FileScope = { vendor: run.vendor, customerId: run.customer, stream: run.stream, step: step.name, source: source.location };
  const listed = selectFiles(await source.list(run.window), step, run.window, t.where);
  const known = await deps.fileManifest.current(scope, listed.map((f) => f.path), step.dateIn ? run.window : undefined);
  const raw = runPrefix('raw', run, run.runId);
  const taken: Taken[] = [];
  let downloaded = 0;

  for (const file of listed) {
    const before = known.get(file.path);
    known.delete(file.path);
    const unchanged = before && before.fingerprint === file.fingerprint && (await deps.objectStore.exists(before.objectKey));
    const entry = unchanged ? before : await store(deps, t, scope, file, `${raw}/${step.name}/${objectName(file)}`);
    if (!unchanged) downloaded++;
    taken.push({ entry, name: file.name, date: file.date, modified: file.modified, facts: file.facts });
    t.checkpoint({ files: taken.length });
  }
  // Taken before and dated in this window, but no longer listed: still this window's rows.
  for (const entry of known.values()) {
    if (!entry.fileDate || entry.fileDate < run.window.from || entry.fileDate > run.window.to) continue;
    const { name, ...facts } = entry.facts ?? {};
    taken.push({ entry, name: typeof name === 'string' ? name : (entry.path.split('/').pop() ?? entry.path), date: entry.fileDate, modified: entry.modifiedAt, facts });
  }
  // Everything taken is stored and recorded: now messages may be flagged or moved.
  await source.settle?.(listed);

  // One file per name and day (a re-sent report wins over the first), oldest first.
  const loaded = newestPerNameAndDay(taken, step.dateIn).sort((a, b) => (a.modified ?? '').localeCompare(b.modified ?? ''));
  const sets = loaded.map((f) =>
    pageSet(f.entry, t.stepIndex, { ...f.facts, name: f.name, path: f.entry.path, source: source.location, date: f.date ?? null, modified: f.modified ?? null, size: f.entry.size }),
  );
  const dates = loaded.map((f) => ({ date: f.date }));

  const listKey = `${raw}/${step.name}/pagesets.json`;
  await deps.objectStore.put(listKey, JSON.stringify(sets), 'application/json');
  const result: FilesResult = { listKey, pages: sets.length, units: sets.length, downloaded };
  const expect = step.expect ?? 'optional';
  const missing = expect === 'optional' ? undefined : missingFiles(dates, step, run.window, source.location);
  if (!missing) return result;
  if (expect === 'wait') {
    const wait = step.wait ?? DEFAULT_WAIT;
    const looks = Math.max(1, Math.ceil(wait.timeoutMinutes / wait.intervalMinutes));
    if (t.look <= looks) return { ...result, waitSeconds: wait.intervalMinutes * 60, missing };
    throw finalFailure('FilesMissing', `${t.where}: ${missing}; still missing after waiting ${wait.timeoutMinutes} min`);
  }
  throw finalFailure('FilesMissing', `${t.where}: ${missing}`);
}

/** Streams one file into the object store, checking and hashing it on the way, then records it. */
async function store(deps: ActivityDeps, t: Take, scope: FileScope, file: SelectedFile, prefix: string): Promise<ManifestEntry> {
  const label = `${file.path} from ${t.source.location}`;
  const digest = new FileDigest((head) => {
    const problem = headProblem(head, t.step.decode);
    return problem ? finalFailure('DataError', `${t.where}: file ${label} ${problem}`) : undefined;
  });
  const key = pageKey(prefix, 1);
  const body = await t.source.open(file);
  await deps.objectStore.put(key, pipeline(body, digest, () => undefined), 'application/octet-stream');
  if (file.size !== undefined && digest.bytes !== file.size) {
    // The listing promised another size: the file is still being written, or was replaced meanwhile.
    throw retryableFailure('FileChanging', `${t.where}: file ${label} gave ${digest.bytes} bytes where the listing said ${file.size}; it is probably still being written`);
  }
  const entry: ManifestEntry = {
    path: file.path,
    size: digest.bytes,
    sha256: digest.sha256,
    fingerprint: file.fingerprint,
    modifiedAt: file.modified,
    fileDate: file.date,
    facts: { ...file.facts, name: file.name },
    objectKey: key,
    runId: t.run.runId,
  };
  await deps.fileManifest.record(scope, entry);
  return entry;
}

function pageSet(entry: ManifestEntry, stepIndex: number, parent: Record<string, unknown>): PageSet {
  // Every stored file is page 1 of its own page set: the layout toCsv already reads.
  return { prefix: entry.objectKey.slice(0, -PAGE_SUFFIX.length), count: 1, stepIndex, parent };
}

/** A readable, safe object key segment for a file, unique by its path. */
function objectName(file: SelectedFile): string {
  const safe = file.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, 80) || 'file';
  return `${safe}-${hashOf(file.path)}`;
}

function hashOf(text: string): string {
  // Only to tell apart files with one name in two places (attachments of two messages).
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** IMAP `link`: the URLs the expression finds in a message. */
function linksOf(scope: ExpressionScope, expression: string, message: unknown, where: string): string[] {
  scope.setJson('message', JSON.stringify(message));
  const value = scope.evaluate(expression, where);
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && /^https?:\/\//.test(v));
}

/** Source failures as Temporal failures: retryable when the source may come back, scrubbed of every secret. */
function classify(e: unknown, where: string, scrub: (text: string) => string): unknown {
  if (e instanceof FileSourceError) {
    const message = scrub(`${where}: ${e.message}`);
    if (e.retryable) return retryableFailure('SourceUnavailable', message);
    return finalFailure(e.kind === 'auth' ? 'CredentialError' : 'SourceError', message);
  }
  if (e instanceof ExpressionError) return finalFailure('ConfigError', scrub(e.message));
  if (e instanceof Error && e.name === 'ApplicationFailure') {
    (e as Error).message = scrub((e as Error).message);
    return e;
  }
  return new Error(scrub(`${where}: ${(e as Error).message}`));
}

export const filesActivities = (deps: ActivityDeps) => ({ fetchFiles: fetchFilesActivity(deps) });
