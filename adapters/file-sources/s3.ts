/** A prefix of another account's bucket, read with that account's keys (AWS or an S3-compatible endpoint). */
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { RemoteFile } from '../../core/file-selection';
import { FileSourceError, type FileSourceClient, type SourceSecrets } from './file-source';

export interface S3SourceOptions {
  bucket: string;
  prefix: string;
  region: string;
  endpoint?: string;
  timeoutMs: number;
}

const REFUSED = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'ExpiredToken', 'InvalidToken']);

export class S3Source implements FileSourceClient {
  readonly location: string;
  private readonly client: S3Client;

  constructor(
    private readonly options: S3SourceOptions,
    secrets: SourceSecrets,
  ) {
    this.location = `s3://${options.bucket}/${options.prefix}`;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      credentials: { accessKeyId: secrets.accessKeyId ?? '', secretAccessKey: secrets.secretAccessKey ?? '' },
      maxAttempts: 1, // Temporal retries the activity; the SDK's own retries would hide an outage
      requestHandler: { requestTimeout: options.timeoutMs, connectionTimeout: options.timeoutMs },
    });
  }

  async list(): Promise<RemoteFile[]> {
    const files: RemoteFile[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(`list ${this.location}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.options.prefix || undefined, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        const modified = object.LastModified?.toISOString();
        files.push({ name: object.Key.slice(this.options.prefix.length), path: object.Key, size: object.Size, modified, fingerprint: `${object.ETag ?? ''}:${object.Size}` });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files;
  }

  async open(file: RemoteFile): Promise<Readable> {
    const object = await this.call(`read s3://${this.options.bucket}/${file.path}`, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: file.path })),
    );
    return object.Body as Readable;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (e instanceof S3ServiceException) {
        const status = e.$metadata?.httpStatusCode ?? 0;
        if (REFUSED.has(e.name) || status === 403) throw new FileSourceError(`cannot ${what}: ${e.name} (check the credentials and the bucket policy)`, false, 'auth');
        if (e.name === 'NoSuchBucket' || e.name === 'NoSuchKey') throw new FileSourceError(`cannot ${what}: ${e.name}`, false, 'missing');
        throw new FileSourceError(`cannot ${what}: ${e.name} (HTTP ${status})`, status >= 500 || status === 429);
      }
      // Not an answer from S3: the network or the endpoint, which a later attempt may find back.
      throw new FileSourceError(`cannot ${what}: ${(e as Error).message}`, true, 'unavailable');
    }
  }
}
