/** SFTP folders through ssh2-sftp-client: key or password auth, optional host key pinning. */
import type { Readable } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import type { SFTPWrapper } from 'ssh2';
import { PipelinedRead } from './sftp-read';
import type { RemoteFile } from '../../core/file-selection';
import { FileSourceError, isTransientNetworkError, joinPath, type FileSourceClient, type SourceSecrets } from './file-source';

export interface SftpOptions {
  host: string;
  port: number;
  folder: string;
  /** Hex SHA-256 of the host key to insist on. */
  hostKey?: string;
  timeoutMs: number;
}

export class SftpSource implements FileSourceClient {
  readonly location: string;
  private constructor(
    private readonly client: SftpClient,
    private readonly sftp: SFTPWrapper,
    private readonly options: SftpOptions,
  ) {
    this.location = `sftp://${options.host}:${options.port}${options.folder.startsWith('/') ? '' : '/'}${options.folder}`;
  }

  static async connect(options: SftpOptions, secrets: SourceSecrets): Promise<SftpSource> {
    const client = new SftpClient('dif');
    const location = `sftp://${options.host}:${options.port}`;
    let hostKeySeen: string | undefined;
    let sftp: SFTPWrapper;
    try {
      sftp = await client.connect({
        host: options.host,
        port: options.port,
        username: secrets.username,
        password: secrets.password,
        privateKey: secrets.privateKey,
        readyTimeout: options.timeoutMs,
        retries: 0,
        ...(options.hostKey
          ? {
              hostHash: 'sha256',
              hostVerifier: (hash: string) => {
                hostKeySeen = hash;
                return hash === options.hostKey;
              },
            }
          : {}),
      } as SftpClient.ConnectOptions);
    } catch (e) {
      await client.end().catch(() => undefined);
      const message = (e as Error).message;
      if (hostKeySeen && hostKeySeen !== options.hostKey) {
        throw new FileSourceError(`${location}: host key SHA-256 ${hostKeySeen} is not the configured hostKey ${options.hostKey}`, false, 'auth');
      }
      if (/authentication|auth fail|permission denied/i.test(message)) {
        throw new FileSourceError(`${location}: login refused for the configured user (check the credentials): ${message}`, false, 'auth');
      }
      throw new FileSourceError(`${location}: cannot connect: ${message}`, isTransientNetworkError(e) || /connect|timeout|handshake/i.test(message), 'unavailable');
    }
    return new SftpSource(client, sftp, options);
  }

  async list(): Promise<RemoteFile[]> {
    let entries: SftpClient.FileInfo[];
    try {
      entries = await this.client.list(this.options.folder);
    } catch (e) {
      const message = (e as Error).message;
      const missing = /no such file|not exist/i.test(message);
      throw new FileSourceError(`${this.location}: cannot list the folder: ${message}`, !missing && isTransientNetworkError(e), missing ? 'missing' : 'other');
    }
    return entries
      .filter((e) => e.type === '-')
      .map((e) => {
        const modified = new Date(e.modifyTime).toISOString();
        return { name: e.name, path: joinPath(this.options.folder, e.name), size: e.size, modified, fingerprint: `${e.size}@${modified}` };
      });
  }

  async open(file: RemoteFile): Promise<Readable> {
    // Many reads in flight rather than ssh2's one at a time: a round trip per chunk is what bounds a download.
    const stream = new PipelinedRead(this.sftp, file.path);
    const location = this.location;
    return stream.on('error', function relabel(this: PipelinedRead, e: Error) {
      e.message = `${location}: cannot read ${file.path}: ${e.message}`;
    });
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
