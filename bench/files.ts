/**
 * files: taking one large file from SFTP (OpenSSH of scripts/file-servers.sh, key auth)
 * into the object store the way a files step does (SftpSource stream → FileDigest, which
 * hashes it and checks its head → ObjectStore.put), against OpenSSH's own `sftp` client
 * getting the same file to disk. Throughput in MB/s, and the growth of this process's
 * resident memory while the file streams through, next to the file's size: the claim is
 * that it stays flat whatever the size.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { LocalObjectStore } from '../adapters/object-store';
import { SftpSource } from '../adapters/file-sources/sftp';
import { FileDigest } from '../activities/file-digest';
import { headProblem } from '../core/file-content';
import { projectRoot } from '../adapters/settings';
import { figure, progress, type Figure } from './report';

const BENCH = 'files';
const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.DIF_BENCH_FILES_MB ?? 256);

function servers(): Record<string, string> {
  const script = path.join(projectRoot(), 'scripts', 'file-servers.sh');
  execFileSync('bash', [script, 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return Object.fromEntries(
    execFileSync('bash', [script, 'env'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** A CSV of about `mb` MiB in the SFTP user's folder, written in chunks. */
function writeFile(file: string, mb: number, owner: fs.Stats): void {
  const line = 'order-0000001,2024-09-01T08:15:02Z,someone@example.com,EUR,129.90,paid\n';
  const chunk = Buffer.from(line.repeat(Math.ceil(MB / line.length)));
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'order_id,ordered_at,customer_email,currency,total,status\n');
    for (let written = 0; written < mb * MB; written += chunk.length) fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  fs.chownSync(file, owner.uid, owner.gid);
}

export async function runFiles(): Promise<Figure[]> {
  const env = servers();
  const folder = path.join(env.DIF_FILES_HOME, 'outbound', `bench-${Date.now().toString(36)}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-bench-files-'));
  fs.mkdirSync(folder, { recursive: true });
  const owner = fs.statSync(env.DIF_FILES_HOME);
  fs.chownSync(folder, owner.uid, owner.gid);
  const remote = path.join(folder, 'orders.csv');
  try {
    progress(`writing a ${SIZE_MB} MB file into ${folder}`);
    writeFile(remote, SIZE_MB, owner);
    const bytes = fs.statSync(remote).size;

    // DIF: the files step's path, in this process, sampling resident memory as it goes.
    const key = path.join(env.DIF_FILES_DIR, 'client_key');
    const source = await SftpSource.connect(
      { host: '127.0.0.1', port: Number(env.DIF_SFTP_PORT), folder, timeoutMs: 30_000 },
      { username: env.DIF_FILES_USER, privateKey: fs.readFileSync(key, 'utf8') },
    );
    const store = new LocalObjectStore(path.join(scratch, 'objects'));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const started = process.hrtime.bigint();
    const [file] = await source.list();
    const digest = new FileDigest((head) => (headProblem(head, { format: 'csv' }) ? new Error('bad head') : undefined));
    await store.put('raw/bench/page-000001.json', pipeline(await source.open(file), digest, () => undefined));
    const difSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    await source.close();
    if (digest.bytes !== bytes) throw new Error(`bench: stored ${digest.bytes} bytes of ${bytes}`);
    progress(`DIF: ${(bytes / MB / difSeconds).toFixed(1)} MB/s, sha256 ${digest.sha256.slice(0, 12)}…, RSS +${((rssPeak - rssBefore) / MB).toFixed(1)} MB`);

    // Baseline: OpenSSH's sftp client, the same file to disk.
    const baselineStarted = process.hrtime.bigint();
    execFileSync('sftp', ['-q', '-b', '-', '-i', key, '-P', env.DIF_SFTP_PORT, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', `${env.DIF_FILES_USER}@127.0.0.1`], {
      input: `get ${remote} ${path.join(scratch, 'baseline.csv')}\n`,
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const baselineSeconds = Number(process.hrtime.bigint() - baselineStarted) / 1e9;
    const expected = createHash('sha256').update(fs.readFileSync(path.join(scratch, 'baseline.csv'))).digest('hex');
    if (expected !== digest.sha256) throw new Error(`bench: DIF stored a file whose SHA-256 ${digest.sha256} is not the original's ${expected}`);
    progress(`sftp client: ${(bytes / MB / baselineSeconds).toFixed(1)} MB/s`);

    return [
      figure({ bench: BENCH, metric: 'throughput', unit: 'MB/s', dif: bytes / MB / difSeconds, baseline: bytes / MB / baselineSeconds, baselineName: 'OpenSSH sftp get', higherIsBetter: true }),
      figure({ bench: BENCH, metric: 'rss growth while streaming', unit: 'MB', dif: (rssPeak - rssBefore) / MB, baseline: bytes / MB, baselineName: 'file size', higherIsBetter: false }),
    ];
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
