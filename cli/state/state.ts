/**
 * `dif state`: the stored cursors of a customer's incremental streams (MySQL stream_state),
 * to inspect them and to rewind them. What is checked here, before anything is written: the
 * vendor exists, the stream is one of its incremental streams, a cursor is an ISO 8601
 * timestamp.
 */
import type { VendorConfig } from '../../core/config-schema';
import { canonicalCursor } from '../../core/incremental';
import { checkName, InputError } from '../../core/run-plan';
import type { StreamStateStore } from '../../adapters/mysql/stream-state';

/** One line of `dif state show`: a stored cursor, or an incremental stream that has none yet. */
export interface StateLine {
  stream: string;
  partition: string;
  /** The stored cursor; null when none is stored (the next run reads from the stream's `start`). */
  cursor: string | null;
  setBy?: string;
  updatedAt?: string;
}

/** The incremental streams of `config` the command is about: `stream` alone when given (checked), else all of them. */
export function incrementalStreams(config: VendorConfig, stream: string | undefined): string[] {
  const incremental = Object.keys(config.streams).filter((s) => config.streams[s].incremental);
  if (stream === undefined) {
    if (incremental.length === 0) throw new InputError(`vendor "${config.vendor}" has no incremental stream (none has an \`incremental\` block)`);
    return incremental;
  }
  if (!config.streams[stream]) throw new InputError(`vendor "${config.vendor}" has no stream "${stream}"; streams: ${Object.keys(config.streams).join(', ')}`);
  if (!config.streams[stream].incremental) {
    throw new InputError(`stream "${stream}" of vendor "${config.vendor}" is not incremental (no \`incremental\` block), so it has no cursor; incremental streams: ${incremental.join(', ') || '(none)'}`);
  }
  return [stream];
}

/** Every stored cursor of the customer's incremental streams, and a line with none for a stream that has none. */
export async function showState(store: StreamStateStore, config: VendorConfig, customer: string, stream?: string): Promise<StateLine[]> {
  checkName(customer, 'customer');
  const streams = incrementalStreams(config, stream);
  const stored = await store.list(customer, config.vendor, stream);
  const lines: StateLine[] = [];
  for (const s of streams) {
    const mine = stored.filter((r) => r.stream === s);
    if (mine.length === 0) lines.push({ stream: s, partition: '', cursor: null });
    for (const r of mine) lines.push({ stream: s, partition: r.partition, cursor: r.cursor, setBy: r.setBy, updatedAt: r.updatedAt });
  }
  return lines;
}

/** Sets one stream's cursor (forwards or backwards); returns the canonical value stored. */
export async function setState(store: StreamStateStore, config: VendorConfig, customer: string, stream: string | undefined, cursor: string, partition = ''): Promise<string> {
  checkName(customer, 'customer');
  if (stream === undefined) throw new InputError('dif state set needs --stream: a cursor belongs to one stream');
  incrementalStreams(config, stream);
  const canonical = canonicalCursor(cursor);
  if (canonical === undefined) throw new InputError(`--cursor must be an ISO 8601 timestamp such as 2026-11-30T08:15:00Z, got "${cursor}"`);
  if (partition !== '') checkName(partition, 'partition');
  await store.put({ customer, vendor: config.vendor, stream, partition }, canonical, 'dif state set');
  return canonical;
}

/** Forgets the cursors of one stream, or of every stream of the vendor: the next runs read from `start`. Returns how many were removed. */
export async function resetState(store: StreamStateStore, config: VendorConfig, customer: string, stream?: string): Promise<number> {
  checkName(customer, 'customer');
  incrementalStreams(config, stream);
  return store.remove(customer, config.vendor, stream);
}

export function formatState(vendor: string, customer: string, lines: StateLine[]): string {
  return lines
    .map((l) => {
      const where = `${vendor}/${customer}/${l.stream}${l.partition ? ` [${l.partition}]` : ''}`;
      return l.cursor === null ? `${where}  no cursor stored: the next run reads from the stream's start` : `${where}  ${l.cursor}  (set by ${l.setBy} at ${l.updatedAt})`;
    })
    .join('\n');
}
