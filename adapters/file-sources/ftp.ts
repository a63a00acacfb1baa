/** FTP and FTPS folders through basic-ftp. One connection, one transfer at a time. */
import { PassThrough, type Readable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import type { RemoteFile } from '../../core/file-selection';
import { FileSourceError, isTransientNetworkError, joinPath, type FileSourceClient, type SourceSecrets } from './file-source';

export interface FtpOptions {
  host: string;
  port: number;
  folder: string;
  tls: 'explicit' | 'implicit' | 'none';
  timeoutMs: number;
}

export class FtpSource implements FileSourceClient {
  readonly location: string;
  private constructor(
    private readonly client: Client,
    private readonly options: FtpOptions,
  ) {
    const scheme = options.tls === 'none' ? 'ftp' : 'ftps';
    this.location = `${scheme}://${options.host}:${options.port}${options.folder.startsWith('/') ? '' : '/'}${options.folder}`;
  }

  static async connect(options: FtpOptions, secrets: SourceSecrets): Promise<FtpSource> {
    const client = new Client(options.timeoutMs);
    const location = `ftp://${options.host}:${options.port}`;
    try {
      await client.access({
        host: options.host,
        port: options.port,
        user: secrets.username,
        password: secrets.password,
        secure: options.tls === 'none' ? false : options.tls === 'implicit' ? 'implicit' : true,
        secureOptions: secrets.ca ? { ca: secrets.ca } : {},
      });
    } catch (e) {
      client.close();
      if (e instanceof FTPError && e.code === 530) {
        throw new FileSourceError(`${location}: login refused for the configured user (check the credentials): ${e.message}`, false, 'auth');
      }
      if (/certificate|self.signed|CERT_/i.test((e as Error).message)) {
        throw new FileSourceError(`${location}: TLS certificate not trusted (set the source's ca credential): ${(e as Error).message}`, false, 'auth');
      }
      throw new FileSourceError(`${location}: cannot connect: ${(e as Error).message}`, !(e instanceof FTPError) || isTransientNetworkError(e), 'unavailable');
    }
    return new FtpSource(client, options);
  }

  async list(): Promise<RemoteFile[]> {
    try {
      const entries = (await this.client.list(this.options.folder)).filter((e) => e.isFile);
      const files: RemoteFile[] = [];
      for (const e of entries) {
        const path = joinPath(this.options.folder, e.name);
        // A Unix LIST gives minutes at best and no year for recent files: ask MDTM when MLSD is not there.
        const modified = (e.modifiedAt ?? (await this.client.lastMod(path).catch(() => undefined)))?.toISOString();
        files.push({ name: e.name, path, size: e.size, modified, fingerprint: `${e.size}@${modified ?? e.rawModifiedAt}` });
      }
      return files;
    } catch (e) {
      if (e instanceof FTPError) throw new FileSourceError(`${this.location}: cannot list the folder: ${e.message}`, false, e.code === 550 ? 'missing' : 'other');
      throw new FileSourceError(`${this.location}: cannot list the folder: ${(e as Error).message}`, true);
    }
  }

  async open(file: RemoteFile): Promise<Readable> {
    // basic-ftp ends the stream it writes to even when the transfer fails; a second stream
    // that only the outcome ends keeps a broken transfer from looking like a short file.
    const sink = new PassThrough();
    const out = new PassThrough();
    sink.pipe(out, { end: false });
    this.client.downloadTo(sink, file.path).then(
      () => (sink.readableEnded ? out.end() : sink.once('end', () => out.end())),
      (e: Error) => out.destroy(new FileSourceError(`${this.location}: cannot read ${file.path}: ${e.message}`, !(e instanceof FTPError))),
    );
    return out;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
