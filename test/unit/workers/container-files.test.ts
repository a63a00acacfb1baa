/**
 * The Dockerfile, .dockerignore and the example ECS task definition, read as files (no
 * hadolint here, and the image build itself runs only with DIF_TEST_CONTAINERS=1:
 * test/integration/container-image.test.ts): a multi-stage build whose images run as a
 * numeric non-root user with a HEALTHCHECK running the worker's health command; an ECS task
 * with awslogs, the same health command, and every secret setting from SSM or Secrets Manager.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';

const root = projectRoot();

interface Instruction {
  line: number;
  op: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments left out. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    const body = line.replace(/\\$/, '').trim();
    if (pending) pending.args += ` ${body}`;
    else {
      const [op, ...rest] = body.split(/\s+/);
      pending = { line: i + 1, op: op.toUpperCase(), args: rest.join(' ') };
    }
    if (!line.endsWith('\\')) {
      out.push(pending);
      pending = undefined;
    }
  });
  return out;
}

/** Stages by name, each with its instructions; a stage FROM another inherits its USER and HEALTHCHECK. */
function stages(list: Instruction[]): Map<string, { from: string; body: Instruction[] }> {
  const out = new Map<string, { from: string; body: Instruction[] }>();
  let current: Instruction[] = [];
  for (const ins of list) {
    if (ins.op === 'FROM') {
      const m = /^(\S+)\s+AS\s+(\S+)$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile:${ins.line}: a stage without a name: FROM ${ins.args}`);
      current = [];
      out.set(m[2], { from: m[1], body: current });
    } else current.push(ins);
  }
  return out;
}

function inherited(all: ReturnType<typeof stages>, name: string, op: string): Instruction | undefined {
  for (let stage = all.get(name); stage; stage = all.get(stage.from)) {
    const found = [...stage.body].reverse().find((i) => i.op === op);
    if (found) return found;
  }
  return undefined;
}

const dockerfile = instructions(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const all = stages(dockerfile);
const HEALTH = ['CMD', 'node', 'dist/workers/health-check.js'];

test('a multi-stage build: compiled in one stage, copied into the images without sources or compiler', () => {
  expect([...all.keys()]).toEqual(['build', 'runtime', 'clean-room', 'worker']);
  expect(all.get('build')!.body.map((i) => `${i.op} ${i.args}`)).toContainEqual(expect.stringMatching(/^RUN npm run build && npm prune --omit=dev/));
  const copies = all.get('runtime')!.body.filter((i) => i.op === 'COPY').map((i) => i.args);
  expect(copies.every((c) => c.startsWith('--from=build '))).toBe(true);
  expect(copies.some((c) => c.includes('/src/dist'))).toBe(true);
  // The last stage is what a plain `docker build` makes: DIF's worker.
  expect(dockerfile.filter((i) => i.op === 'FROM').at(-1)!.args).toBe('runtime AS worker');
});

test.each([
  ['worker', 'dist/workers/main.js'],
  ['clean-room', 'dist/workers/clean-room.js'],
])('the %s image runs %s as a numeric non-root user, with the health command as HEALTHCHECK', (stage, entry) => {
  const user = inherited(all, stage, 'USER');
  expect(user?.args).toMatch(/^\d+(:\d+)?$/);
  expect(Number(user!.args.split(':')[0])).toBeGreaterThan(0);
  const health = inherited(all, stage, 'HEALTHCHECK')!;
  expect(health.args).toMatch(/--interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+ CMD /);
  expect(JSON.parse(health.args.slice(health.args.indexOf('CMD ') + 4))).toEqual(HEALTH.slice(1));
  expect(JSON.parse(inherited(all, stage, 'CMD')!.args)).toEqual(['node', entry]);
  // What they run exists: the TypeScript each compiles from.
  for (const js of [entry, HEALTH[2]]) expect(fs.existsSync(path.join(root, js.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
});

test('.dockerignore keeps installed, built and local state out of the build context', () => {
  const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.dif']));
});

test('the ECS task definition: awslogs, the image\'s health command, its user, secrets from SSM or Secrets Manager only', () => {
  const task = JSON.parse(fs.readFileSync(path.join(root, 'docs', 'ecs-task-definition.json'), 'utf8'));
  const [c] = task.containerDefinitions;
  expect(c.logConfiguration.logDriver).toBe('awslogs');
  expect(c.logConfiguration.options).toEqual(expect.objectContaining({ 'awslogs-group': expect.any(String), 'awslogs-region': expect.any(String), 'awslogs-stream-prefix': expect.any(String) }));
  expect(c.healthCheck.command).toEqual(HEALTH);
  expect(c.user).toBe(inherited(all, 'worker', 'USER')!.args);
  const plain = new Set(c.environment.map((e: { name: string }) => e.name));
  // Settings holding a password, a token or a webhook: never a plain environment value.
  for (const secret of ['DIF_MYSQL_URL', 'DIF_POSTGRES_URL', 'DIF_REDSHIFT_URL', 'DIF_REDIS_URL', 'DIF_ALERT_WEBHOOK_URL', 'DIF_S3_ACCESS_KEY', 'DIF_S3_SECRET_KEY', 'DIF_KMS_ACCESS_KEY', 'DIF_KMS_SECRET_KEY']) {
    expect(plain.has(secret)).toBe(false);
  }
  expect(c.secrets.length).toBeGreaterThan(0);
  for (const s of c.secrets) expect(s.valueFrom).toMatch(/^arn:aws:(ssm:[^:]+:\d+:parameter\/|secretsmanager:[^:]+:\d+:secret:)/);
  expect(plain.has('DIF_METRICS_EMF')).toBe(true);
});
