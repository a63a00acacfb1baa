import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { loadSettings, projectRoot, type Settings } from '../../adapters/settings';

/** Databases and folders of the test suite, apart from the demo's. */
export const TEST_MYSQL_URL = process.env.DIF_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/dif_test';
export const TEST_POSTGRES_URL = process.env.DIF_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/dif_test';
/** Names this checkout in shared scratch paths, so test runs in two worktrees never overwrite each other's files. */
export const CHECKOUT_ID = createHash('sha1').update(projectRoot()).digest('hex').slice(0, 8);
/** Scratch folders of this checkout's tests (keyrings, local object stores, generated vendors). */
export const TEST_SCRATCH = path.join(os.tmpdir(), `dif-test-${CHECKOUT_ID}`);
export const WORKFLOW_BUNDLE = path.join(os.tmpdir(), `dif-test-workflow-bundle-${CHECKOUT_ID}.js`);
export const S3_ENDPOINT = `http://127.0.0.1:${process.env.DIF_S3_PORT ?? 7070}`;
export const S3_ACCESS_KEY = process.env.DIF_S3_ACCESS_KEY ?? 'diflocal';
export const S3_SECRET_KEY = process.env.DIF_S3_SECRET_KEY ?? 'diflocalsecret';
export const KMS_ENDPOINT = `http://127.0.0.1:${process.env.DIF_KMS_PORT ?? 4599}`;

export function testSettings(name: string, overrides: Partial<Settings> = {}): Settings {
  const scratch = path.join(TEST_SCRATCH, name);
  return loadSettings({
    mysqlUrl: TEST_MYSQL_URL,
    postgresUrl: TEST_POSTGRES_URL,
    warehouseSchema: 'dif_test',
    taskQueue: `dif-test-${name}-${process.pid}`,
    objectStore: { kind: 'local', dir: path.join(scratch, 'objects') },
    kms: { kind: 'local', keyringFile: path.join(scratch, 'keyring.json') },
    // Tests' mock vendors listen on http://127.0.0.1.
    allowLoopbackHttp: true,
    ...overrides,
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}
