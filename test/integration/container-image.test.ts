/**
 * The worker images, built and started as the client would run them (README: Containers).
 * Slow (a first build makes a Debian base and runs npm ci: many minutes), and it needs root
 * and buildah, so it runs only with DIF_TEST_CONTAINERS=1:
 *   DIF_TEST_CONTAINERS=1 npx jest test/integration/container-image.test.ts
 * scripts/container-build.sh builds both images; the worker image is started with buildah's
 * chroot isolation (no OCI runtime is installed here; it shares this machine's network, so
 * the test's services on 127.0.0.1 are the container's) and its own health command must
 * report healthy once the worker polls, and unhealthy once it is stopped.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { loadSettings } from '../../adapters/settings';
import { TEST_MYSQL_URL, TEST_POSTGRES_URL } from '../setup/test-settings';

const enabled = process.env.DIF_TEST_CONTAINERS === '1';
const BUILDAH = ['--storage-driver', process.env.DIF_BUILDAH_STORAGE_DRIVER ?? 'vfs'];
const buildah = (...args: string[]) => execFileSync('buildah', [...BUILDAH, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface DockerConfig {
  User?: string;
  Cmd?: string[];
  Healthcheck?: { Test?: string[] };
}
const configOf = (image: string) => (JSON.parse(buildah('inspect', '--type', 'image', image)) as { Docker: { config: DockerConfig } }).Docker.config;

(enabled ? describe : describe.skip)('container images', () => {
  beforeAll(() => {
    execFileSync('bash', ['scripts/container-build.sh'], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 40 * 60_000 });
  }, 41 * 60_000);

  test('both images run as a non-root user, with the workflow bundle and a HEALTHCHECK', () => {
    for (const [image, entry] of [['localhost/dif-worker', 'dist/workers/main.js'], ['localhost/dif-clean-room', 'dist/workers/clean-room.js']]) {
      const config = configOf(image);
      expect(config.User).toBe('10001:10001');
      expect(config.Cmd).toEqual(['node', entry]);
      expect(config.Healthcheck?.Test).toEqual(['CMD', 'node', 'dist/workers/health-check.js']);
    }
    const ctr = buildah('from', 'localhost/dif-worker');
    try {
      expect(buildah('run', '--isolation', 'chroot', ctr, '--', 'id', '-u')).toBe('10001');
      expect(buildah('run', '--isolation', 'chroot', ctr, '--', 'node', '-e', "console.log(require('fs').statSync('dist/workflow-bundle.js').size > 100000)")).toBe('true');
      // No compiler and no TypeScript sources in the runtime image.
      expect(buildah('run', '--isolation', 'chroot', ctr, '--', 'sh', '-c', 'ls node_modules/.bin/tsc workflows 2>&1 || true')).toMatch(/No such file.*No such file/s);
    } finally {
      buildah('rm', ctr);
    }
  }, 120_000);

  test('the worker image starts, polls Temporal, and its health command says so', async () => {
    const port = await freePort();
    const settings = loadSettings();
    const env = {
      DIF_TEMPORAL_ADDRESS: settings.temporalAddress,
      DIF_MYSQL_URL: TEST_MYSQL_URL,
      DIF_POSTGRES_URL: TEST_POSTGRES_URL,
      DIF_REDIS_URL: settings.redisUrl,
      DIF_TASK_QUEUE: `dif-test-container-${process.pid}`,
      DIF_KMS: 'local',
      DIF_METRICS_PORT: String(port),
    };
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    const ctr = buildah('from', 'localhost/dif-worker');
    const probe = buildah('from', 'localhost/dif-worker');
    const health = () => {
      try {
        return { ok: true, out: buildah('run', '--isolation', 'chroot', ...envArgs, probe, '--', 'node', 'dist/workers/health-check.js') };
      } catch (e) {
        return { ok: false, out: String((e as { stdout?: string }).stdout ?? e) };
      }
    };
    let worker: ChildProcess | undefined;
    let log = '';
    try {
      expect(health()).toMatchObject({ ok: false }); // nothing listens yet
      worker = spawn('buildah', [...BUILDAH, 'run', '--isolation', 'chroot', ...envArgs, ctr, '--', 'node', 'dist/workers/main.js'], { stdio: ['ignore', 'pipe', 'pipe'] });
      worker.stdout!.on('data', (d) => (log += d));
      worker.stderr!.on('data', (d) => (log += d));
      let last = health();
      for (let i = 0; i < 90 && !last.ok; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        last = health();
      }
      expect({ ...last, log }).toMatchObject({ ok: true, out: expect.stringContaining('healthy (200 ok)') });
      expect(log).toContain(`polling task queue "${env.DIF_TASK_QUEUE}"`);
    } finally {
      worker?.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 3000));
      for (const c of [ctr, probe]) buildah('rm', c);
    }
  }, 180_000);
});
