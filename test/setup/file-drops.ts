/**
 * Deliveries for the file-source tests, made the way vendors make them: files written into
 * the SFTP/FTP user's folders (the tests run as root on the servers' machine), objects put
 * into a bucket of "another account" on the local S3 server, messages appended to a
 * mailbox over IMAP. The servers are started by scripts/file-servers.sh (npm test's
 * pretest runs it through scripts/services.sh up); here they are only checked.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ImapFlow } from 'imapflow';
import { projectRoot } from '../../adapters/settings';
import { S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY } from './test-settings';

export interface FileServers {
  dir: string;
  user: string;
  home: string;
  password: string;
  sftpPort: number;
  ftpPort: number;
  imapPort: number;
  imapUser: string;
  imapPassword: string;
  /** The servers' self-signed certificate (PEM): the `ca` credential. */
  cert: string;
  /** The OpenSSH private key authorised for the test user. */
  clientKey: string;
}

export function fileServers(): FileServers {
  const script = path.join(projectRoot(), 'scripts', 'file-servers.sh');
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`the file servers are not all up; start them with: bash scripts/file-servers.sh up\n${(e as { stdout?: Buffer }).stdout ?? ''}`);
  }
  const env = Object.fromEntries(
    execFileSync('bash', [script, 'env'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    dir: env.DIF_FILES_DIR,
    user: env.DIF_FILES_USER,
    home: env.DIF_FILES_HOME,
    password: env.DIF_FILES_PASSWORD,
    sftpPort: Number(env.DIF_SFTP_PORT),
    ftpPort: Number(env.DIF_FTP_PORT),
    imapPort: Number(env.DIF_IMAP_PORT),
    imapUser: env.DIF_IMAP_USER,
    imapPassword: env.DIF_IMAP_PASSWORD,
    cert: fs.readFileSync(path.join(env.DIF_FILES_DIR, 'cert.pem'), 'utf8'),
    clientKey: fs.readFileSync(path.join(env.DIF_FILES_DIR, 'client_key'), 'utf8'),
  };
}

/** A folder of the test user (under its home), as the vendor's upload leaves it. */
export function userFolder(servers: FileServers, relative: string) {
  const dir = path.join(servers.home, relative);
  fs.mkdirSync(dir, { recursive: true });
  const owner = () => {
    const { uid, gid } = fs.statSync(servers.home);
    return { uid, gid };
  };
  const { uid, gid } = owner();
  fs.chownSync(dir, uid, gid);
  return {
    dir,
    /** Remote path as the servers show it (SFTP: absolute; FTP: relative to the home). */
    remote: dir,
    write(name: string, content: string | Buffer, modified?: Date) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      fs.chownSync(file, uid, gid);
      if (modified) fs.utimesSync(file, modified, modified);
    },
    remove(name: string) {
      fs.rmSync(path.join(dir, name), { force: true });
    },
  };
}

/** A bucket of "another account" on the local S3 server. */
export async function s3Drop(bucket: string) {
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((e: Error) => {
    if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(e.name)) throw e;
  });
  return {
    endpoint: S3_ENDPOINT,
    accessKeyId: S3_ACCESS_KEY,
    secretAccessKey: S3_SECRET_KEY,
    async put(key: string, body: string | Buffer) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async remove(key: string) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    close: () => client.destroy(),
  };
}

export const gzipCsv = (rows: string[][]) => gzipSync(rows.map((r) => r.join(',')).join('\n') + '\n');

export interface Mail {
  from: string;
  subject: string;
  date: Date;
  text: string;
  attachments?: { filename: string; content: Buffer | string; contentType?: string }[];
}

/** A MIME message with base64 attachments, as a mail client would send it. */
export function mime(mail: Mail, messageId: string): string {
  const boundary = `dif-${Math.random().toString(36).slice(2)}`;
  const parts = [
    `From: Reports <${mail.from}>`,
    'To: reports@dif.test',
    `Subject: ${mail.subject}`,
    `Date: ${mail.date.toUTCString()}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    mail.text,
  ];
  for (const a of mail.attachments ?? []) {
    const base64 = Buffer.from(a.content).toString('base64').replace(/.{76}/g, '$&\r\n');
    parts.push(
      `--${boundary}`,
      `Content-Type: ${a.contentType ?? 'text/csv'}; name="${a.filename}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${a.filename}"`,
      '',
      base64,
    );
  }
  parts.push(`--${boundary}--`, '');
  return parts.join('\r\n');
}

/** A mailbox folder of the test user, filled over IMAP APPEND. */
export async function imapFolder(servers: FileServers, folder: string) {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: servers.imapPort,
    secure: true,
    auth: { user: servers.imapUser, pass: servers.imapPassword },
    tls: { ca: servers.cert },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  await client.mailboxCreate(folder).catch(() => undefined);
  return {
    async deliver(mail: Mail, messageId = `${Math.random().toString(36).slice(2)}@vendor.test`) {
      await client.append(folder, mime(mail, messageId), [], mail.date);
      return messageId;
    },
    /** How many messages a folder holds, and how many carry `flag`. */
    async count(name = folder, flag?: string) {
      const lock = await client.getMailboxLock(name);
      try {
        const all = (await client.search({ all: true })) || [];
        const flagged = flag ? (await client.search({ keyword: flag })) || [] : [];
        return { messages: all.length, flagged: flagged.length };
      } finally {
        lock.release();
      }
    },
    close: () => client.logout().catch(() => undefined),
  };
}
