/**
 * Opens a files step's source: its templates rendered over the run (inputs, window,
 * customer), its credentials revealed from the credential store here, inside the
 * activity, and handed to the protocol client; never returned, stored or logged. Every
 * revealed value is listed so that messages can be scrubbed of it.
 */
import type { FileSourceConfig } from '../core/config-schema';
import type { ExpressionScope } from '../runtime/expression/expression';
import { FileSourceError, portOf, type FileSourceClient, type SourceSecrets } from '../adapters/file-sources/file-source';
import { SftpSource } from '../adapters/file-sources/sftp';
import { S3Source } from '../adapters/file-sources/s3';
import { FtpSource } from '../adapters/file-sources/ftp';
import { ImapSource, type MessageFacts } from '../adapters/file-sources/imap';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';
import { registerPair } from './secret-scope';

const SECRET_FIELDS = ['username', 'password', 'privateKey', 'ca', 'accessKeyId', 'secretAccessKey'] as const;
/**
 * Kept with the credentials but shown in messages: the user name is in the source's
 * paths (/home/<user>) and hiding it would garble them; a CA certificate is public. The
 * user name is still hidden where it travels with the password (a Basic or PLAIN pair).
 */
const NOT_SECRET = new Set<string>(['username', 'ca']);

/** Credentials a customer may leave unset: SFTP takes a password or a key, a CA is only for private certificates. */
const MAY_BE_UNSET = (source: FileSourceConfig, field: string) => field === 'ca' || (source.kind === 'sftp' && (field === 'password' || field === 'privateKey'));

export async function revealSourceSecrets(deps: ActivityDeps, vendor: string, customer: string, source: FileSourceConfig): Promise<SourceSecrets> {
  const secrets: SourceSecrets = {};
  const fields = source as Partial<Record<(typeof SECRET_FIELDS)[number], string>>;
  for (const field of SECRET_FIELDS) {
    const name = fields[field];
    if (!name) continue;
    try {
      secrets[field] = await deps.credentials.reveal({ customerId: customer, vendor, name }, { notSecret: NOT_SECRET.has(field) });
    } catch (e) {
      if (MAY_BE_UNSET(source, field) && /^no credential/.test((e as Error).message)) continue;
      throw finalFailure('CredentialError', (e as Error).message);
    }
  }
  registerPair(secrets.username, secrets.password);
  registerPair(secrets.accessKeyId, secrets.secretAccessKey);
  return secrets;
}

export interface OpenOptions {
  scope: ExpressionScope;
  where: string;
  timeoutMs: number;
  /** IMAP `link`: the URLs a message's body gives. */
  linksOf?: (message: MessageFacts & { text: string }) => string[];
}

export async function openFileSource(source: FileSourceConfig, secrets: SourceSecrets, o: OpenOptions): Promise<FileSourceClient> {
  const at = `${o.where}.source`;
  const render = (template: string, field: string) => o.scope.render(template, `${at}.${field}`);
  const port = (fallback: number) => {
    const given = 'port' in source ? source.port : undefined;
    return portOf(typeof given === 'string' ? render(given, 'port') : given, fallback, `${at}.port`);
  };
  switch (source.kind) {
    case 'sftp': {
      if (!secrets.password && !secrets.privateKey) throw new FileSourceError(`${at}: give a password or a privateKey credential`, false);
      const hostKey = source.hostKey ? render(source.hostKey, 'hostKey').toLowerCase() : undefined;
      if (hostKey !== undefined && !/^[0-9a-f]{64}$/.test(hostKey)) throw new FileSourceError(`${at}.hostKey: ${JSON.stringify(hostKey)} is not a SHA-256 in hex (64 digits)`, false);
      return SftpSource.connect({ host: render(source.host, 'host'), port: port(22), folder: render(source.folder, 'folder'), hostKey, timeoutMs: o.timeoutMs }, secrets);
    }
    case 's3':
      return new S3Source(
        {
          bucket: render(source.bucket, 'bucket'),
          prefix: source.prefix ? render(source.prefix, 'prefix') : '',
          region: source.region ?? 'us-east-1',
          endpoint: source.endpoint ? render(source.endpoint, 'endpoint') : undefined,
          timeoutMs: o.timeoutMs,
        },
        secrets,
      );
    case 'ftp': {
      const tls = source.tls ?? 'explicit';
      return FtpSource.connect({ host: render(source.host, 'host'), port: port(tls === 'implicit' ? 990 : 21), folder: render(source.folder, 'folder'), tls, timeoutMs: o.timeoutMs }, secrets);
    }
    case 'imap':
      return ImapSource.connect(
        {
          host: render(source.host, 'host'),
          port: port(993),
          folder: source.folder ? render(source.folder, 'folder') : 'INBOX',
          from: source.from ? render(source.from, 'from') : undefined,
          subject: source.subject ? render(source.subject, 'subject') : undefined,
          after: source.after,
          linksOf: source.link ? o.linksOf : undefined,
          timeoutMs: o.timeoutMs,
        },
        secrets,
      );
  }
}
