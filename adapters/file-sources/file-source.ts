/**
 * One small interface over every place files are delivered (a mailbox, an SFTP or FTP
 * folder, another account's bucket): list what is there, open one file as a stream, and
 * settle what was taken (IMAP flags or moves messages). The clients are thin; choosing
 * files (core/file-selection.ts), the manifest and storing live in the activity.
 */
import type { Readable } from 'node:stream';
import type { DateWindow } from '../../core/run-plan';
import type { RemoteFile } from '../../core/file-selection';

export interface FileSourceClient {
  /** The source as messages and the manifest name it, never with credentials: `sftp://host:22/outbound`. */
  readonly location: string;
  /** Files (or attachments) there now; a mailbox narrows the search to the window itself when it can. */
  list(window: DateWindow): Promise<RemoteFile[]>;
  /** The file's bytes as a stream: nothing is held whole in memory. */
  open(file: RemoteFile): Promise<Readable>;
  /** Called once every taken file is stored and recorded in the manifest. */
  settle?(taken: RemoteFile[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A failure of the source itself, classified: `retryable` for an unreachable host or a
 * dropped connection (Temporal retries), not for refused credentials or a missing folder.
 * Messages name the source and never hold a credential.
 */
export class FileSourceError extends Error {
  override name = 'FileSourceError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly kind: 'auth' | 'unavailable' | 'missing' | 'other' = retryable ? 'unavailable' : 'other',
  ) {
    super(message);
  }
}

/** Network errors that a later attempt may not meet. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'ESOCKETTIMEDOUT']);

export function isTransientNetworkError(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string }; message?: string };
  return TRANSIENT.has(err?.code ?? '') || TRANSIENT.has(err?.cause?.code ?? '') || /timed? ?out|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND/i.test(err?.message ?? '');
}

/** Credentials and options an activity resolved for one source. */
export interface SourceSecrets {
  username?: string;
  password?: string;
  privateKey?: string;
  ca?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export function portOf(value: string | number | undefined, fallback: number, where: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new FileSourceError(`${where}: port ${JSON.stringify(value)} is not a port number`, false);
  return port;
}

/** `/a/b/` + `c` → `/a/b/c` */
export function joinPath(folder: string, name: string): string {
  return `${folder.replace(/\/+$/, '')}/${name}`;
}
