/**
 * A mailbox over IMAP with TLS, through imapflow: messages selected by sender, subject and
 * arrival date; their attachments (found in the body structure, so nothing is downloaded
 * to look) or the links their text gives; each attachment streamed and decoded from its
 * transfer encoding part by part, never the whole message. Messages are flagged or moved
 * only in `settle`, once everything taken from them is stored and recorded.
 */
import { Readable } from 'node:stream';
import { ImapFlow, type FetchMessageObject, type MessageStructureObject } from 'imapflow';
import type { DateWindow } from '../../core/run-plan';
import type { RemoteFile } from '../../core/file-selection';
import { FileSourceError, isTransientNetworkError, type FileSourceClient, type SourceSecrets } from './file-source';

export interface MessageFacts {
  messageId: string;
  subject: string;
  from: string;
  date: string;
}

export interface ImapOptions {
  host: string;
  port: number;
  folder: string;
  from?: string;
  subject?: string;
  after?: { flag: string } | { move: string };
  /** Download links instead of attachments: the URLs a message's text gives. */
  linksOf?: (message: MessageFacts & { text: string }) => string[];
  timeoutMs: number;
}

/** Largest message text read to look for links. */
const TEXT_LIMIT = 1024 * 1024;

export class ImapSource implements FileSourceClient {
  readonly location: string;
  /** Where each listed file is: message UID and body part, or a link. Kept here, not in the file: links may carry tokens. */
  private readonly where = new Map<string, { uid: number; part?: string; url?: string }>();
  private release?: () => void;

  private constructor(
    private readonly client: ImapFlow,
    private readonly options: ImapOptions,
  ) {
    this.location = `imap://${options.host}:${options.port}/${options.folder}`;
  }

  static async connect(options: ImapOptions, secrets: SourceSecrets): Promise<ImapSource> {
    const client = new ImapFlow({
      host: options.host,
      port: options.port,
      secure: true,
      auth: { user: secrets.username ?? '', pass: secrets.password ?? '' },
      tls: secrets.ca ? { ca: secrets.ca } : {},
      logger: false,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: Math.max(options.timeoutMs, 60_000),
    });
    client.on('error', () => undefined); // reported through the failing command
    const location = `imap://${options.host}:${options.port}`;
    try {
      await client.connect();
    } catch (e) {
      const err = e as Error & { authenticationFailed?: boolean; responseText?: string };
      if (err.authenticationFailed) throw new FileSourceError(`${location}: login refused for the configured user (check the credentials): ${err.responseText ?? err.message}`, false, 'auth');
      if (/certificate|self.signed|CERT_/i.test(err.message)) throw new FileSourceError(`${location}: TLS certificate not trusted (set the source's ca credential): ${err.message}`, false, 'auth');
      throw new FileSourceError(`${location}: cannot connect: ${err.message}`, true, 'unavailable');
    }
    return new ImapSource(client, options);
  }

  async list(window: DateWindow): Promise<RemoteFile[]> {
    try {
      const lock = await this.client.getMailboxLock(this.options.folder);
      this.release = () => lock.release();
    } catch (e) {
      throw new FileSourceError(`${this.location}: cannot open the folder: ${(e as Error).message}`, false, 'missing');
    }
    // The server compares dates in its own time zone: search a day wider, filter exactly later.
    const since = new Date(Date.parse(`${window.from}T00:00:00Z`) - 86_400_000);
    // Reports arrive after the day they are for: look a week past the window for them.
    const before = new Date(Date.parse(`${window.to}T00:00:00Z`) + 8 * 86_400_000);
    const uids = await this.command('search the folder', () =>
      this.client.search({ since, before, ...(this.options.from ? { from: this.options.from } : {}) }, { uid: true }),
    );
    if (!uids || !uids.length) return [];
    const messages: FetchMessageObject[] = [];
    await this.command('read message structures', async () => {
      for await (const m of this.client.fetch(uids, { uid: true, envelope: true, bodyStructure: true, internalDate: true }, { uid: true })) messages.push(m);
    });
    let subject: RegExp | undefined;
    try {
      subject = this.options.subject ? new RegExp(this.options.subject, 'i') : undefined;
    } catch (e) {
      throw new FileSourceError(`${this.location}: subject ${JSON.stringify(this.options.subject)} is not a regular expression: ${(e as Error).message}`, false);
    }
    const files: RemoteFile[] = [];
    for (const m of messages) {
      const facts: MessageFacts = {
        messageId: m.envelope?.messageId ?? `uid-${m.uid}`,
        subject: m.envelope?.subject ?? '',
        from: m.envelope?.from?.[0]?.address ?? '',
        date: new Date(m.internalDate ?? m.envelope?.date ?? 0).toISOString(),
      };
      if (subject && !subject.test(facts.subject)) continue;
      if (this.options.linksOf) {
        const text = await this.textOf(m);
        this.options.linksOf({ ...facts, text }).forEach((url, i) => {
          const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'download');
          // The link's place in the message keeps two links to one file name apart.
          files.push(this.file(facts, m.uid, name, `${facts.messageId}/link-${i + 1}/${name}`, { url }));
        });
        continue;
      }
      for (const node of attachmentsOf(m.bodyStructure)) {
        const name = node.dispositionParameters?.filename ?? node.parameters?.name ?? `part-${node.part}`;
        files.push(this.file(facts, m.uid, name, `${facts.messageId}/${node.part}/${name}`, { part: node.part }));
      }
    }
    return files;
  }

  private file(facts: MessageFacts, uid: number, name: string, path: string, where: { part?: string; url?: string }): RemoteFile {
    this.where.set(path, { uid, ...where });
    // A message never changes: its id and the part identify the content.
    return { name, path, modified: facts.date, fingerprint: path, facts: { ...facts } };
  }

  async open(file: RemoteFile): Promise<Readable> {
    const at = this.where.get(file.path);
    if (!at) throw new FileSourceError(`${this.location}: ${file.path} was not listed`, false);
    if (at.url) {
      const response = await fetch(at.url, { signal: AbortSignal.timeout(this.options.timeoutMs) }).catch((e: Error) => {
        throw new FileSourceError(`${this.location}: download link of ${file.path} failed: ${e.message}`, true);
      });
      if (!response.ok || !response.body) {
        throw new FileSourceError(`${this.location}: download link of ${file.path} answered ${response.status}`, response.status >= 500 || response.status === 429);
      }
      return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    }
    const download = await this.command(`read ${file.path}`, () => this.client.download(String(at.uid), at.part, { uid: true }));
    if (!download.content) throw new FileSourceError(`${this.location}: ${file.path} is gone from the mailbox`, false, 'missing');
    return download.content;
  }

  async settle(taken: RemoteFile[]): Promise<void> {
    const after = this.options.after;
    if (!after || !taken.length) return;
    const uids = [...new Set(taken.map((f) => this.where.get(f.path)?.uid).filter((u): u is number => u !== undefined))];
    if (!uids.length) return;
    const range = uids.join(',');
    if ('flag' in after) await this.command(`flag messages ${after.flag}`, () => this.client.messageFlagsAdd(range, [after.flag], { uid: true }));
    else {
      await this.command(`create folder ${after.move}`, () => this.client.mailboxCreate(after.move).catch((e: { serverResponseCode?: string }) => {
        if (e.serverResponseCode !== 'ALREADYEXISTS') throw e;
      }));
      await this.command(`move messages to ${after.move}`, () => this.client.messageMove(range, after.move, { uid: true }));
    }
  }

  async close(): Promise<void> {
    this.release?.();
    await this.client.logout().catch(() => this.client.close());
  }

  private async textOf(m: FetchMessageObject): Promise<string> {
    const node = findNode(m.bodyStructure, (n) => n.type === 'text/plain' && n.disposition !== 'attachment') ?? findNode(m.bodyStructure, (n) => n.type === 'text/html');
    if (!node) return '';
    const download = await this.command('read a message text', () => this.client.download(String(m.uid), node.part, { uid: true, maxBytes: TEXT_LIMIT }));
    const chunks: Buffer[] = [];
    for await (const chunk of download.content ?? []) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }

  private async command<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof FileSourceError) throw e;
      const err = e as Error & { responseText?: string };
      throw new FileSourceError(`${this.location}: cannot ${what}: ${err.responseText ?? err.message}`, isTransientNetworkError(e) || !this.client.usable, 'other');
    }
  }
}

function findNode(node: MessageStructureObject | undefined, test: (n: MessageStructureObject) => boolean): MessageStructureObject | undefined {
  if (!node) return undefined;
  if (test(node)) return node.part ? node : { ...node, part: '1' };
  for (const child of node.childNodes ?? []) {
    const found = findNode(child, test);
    if (found) return found;
  }
  return undefined;
}

/** Parts that are files: an attachment disposition, or a file name on a non-text part. */
function attachmentsOf(node: MessageStructureObject | undefined): MessageStructureObject[] {
  if (!node) return [];
  if (node.childNodes?.length) return node.childNodes.flatMap(attachmentsOf);
  const named = node.dispositionParameters?.filename ?? node.parameters?.name;
  if (node.disposition === 'attachment' || (named && !node.type.startsWith('multipart/'))) return [{ ...node, part: node.part ?? '1' }];
  return [];
}
