/**
 * The file sources of contract tables (a case's `files`, a run's `drops`, `mailbox` and
 * `manifest` checks): a folder of the case's own on the test file servers
 * (scripts/file-servers.sh, test/setup/file-drops.ts), deliveries into it, and what the
 * run left there. TEST CODE ONLY.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type mysql from 'mysql2/promise';
import type { WorkflowHandle } from '@temporalio/client';
import { fileServers, imapFolder, userFolder } from './file-drops';
import type { FileDrop } from './contract-table';
import { uniqueName } from './test-settings';

export interface CaseFiles {
  /** `files.<name>` template values: the folder, the servers' ports, users and keys. */
  vars: Record<string, string>;
  deliver(drop: FileDrop, where: string): Promise<void>;
  /** How many messages an IMAP folder holds. */
  messages(folder: string): Promise<number>;
  close(): Promise<void>;
}

export async function openCaseFiles(kind: 'sftp' | 'imap', vendor: string, fixturesDir: string): Promise<CaseFiles> {
  const servers = fileServers();
  const fixture = (name: string) => fs.readFileSync(path.join(fixturesDir, name));
  const vars = {
    'files.sftpPort': String(servers.sftpPort),
    'files.imapPort': String(servers.imapPort),
    'files.user': servers.user,
    'files.clientKey': servers.clientKey,
    'files.imapUser': servers.imapUser,
    'files.imapPassword': servers.imapPassword,
    'files.cert': servers.cert,
  };
  if (kind === 'sftp') {
    const folder = userFolder(servers, `outbound/${uniqueName(vendor)}`);
    return {
      vars: { ...vars, 'files.folder': folder.remote },
      async deliver(drop, where) {
        if (!drop.sftp) throw new Error(`${where}: the case's files are sftp: give sftp`);
        const { name, file, text, gzip, modifiedLater } = drop.sftp;
        const content = file !== undefined ? fixture(file) : Buffer.from(text ?? '');
        folder.write(name, gzip ? gzipSync(content) : content, modifiedLater ? new Date(Date.now() + 60_000) : undefined);
      },
      messages: () => Promise.reject(new Error('mailbox: the case’s files are sftp, not imap')),
      close: async () => undefined,
    };
  }
  const name = uniqueName('Reports');
  const box = await imapFolder(servers, name);
  return {
    vars: { ...vars, 'files.folder': name },
    async deliver(drop, where) {
      if (!drop.mail) throw new Error(`${where}: the case's files are imap: give mail`);
      const { attachments, date, ...mail } = drop.mail;
      await box.deliver({ ...mail, date: new Date(date), attachments: attachments?.map((a) => ({ filename: a.filename, content: fixture(a.file) })) });
    },
    messages: async (folder) => (await box.count(folder)).messages,
    close: () => box.close().then(() => undefined),
  };
}

/** Fills `files.*` values; an input that is a whole port placeholder becomes a number, as the config's integer input wants. */
export function fillInputs(inputs: Record<string, unknown>, vars: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => {
      const whole = typeof v === 'string' ? /^\{\{(files\.\w+Port)\}\}$/.exec(v) : null;
      return [k, whole && vars[whole[1]] !== undefined ? Number(vars[whole[1]]) : v];
    }),
  );
}

/** Resolves once the run's workflow has started a timer (it waits for a late delivery); gives up after 30 s. */
export async function untilWaiting(handle: WorkflowHandle): Promise<void> {
  for (let tries = 0; tries <= 150; tries++) {
    await new Promise((r) => setTimeout(r, 200));
    const events = await handle.fetchHistory().then((h) => h.events ?? [], () => []);
    if (events.some((e) => e.timerStartedEventAttributes)) return;
  }
  throw new Error('afterWait: the run never started waiting (no timer in its history after 30 s)');
}

/** The customer's file manifest as [{path, run}], run the index of the case's run id that took the file (-1: none of them). */
export async function manifestOf(pool: mysql.Pool, customer: string, runIds: string[]): Promise<{ path: string; run: number }[]> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT path, run_id FROM file_manifest WHERE customer_id = ? ORDER BY id', [customer]);
  return rows.map((r) => ({ path: r.path as string, run: runIds.indexOf(r.run_id as string) }));
}

/** The timers (seconds) and scheduled activity types of a run's history. */
export async function historyShape(handle: WorkflowHandle): Promise<{ timers: number[]; activities: string[] }> {
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    timers: events.filter((e) => e.timerStartedEventAttributes).map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds)),
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!),
  };
}
