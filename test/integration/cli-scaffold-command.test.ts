/**
 * `dif scaffold --openapi` run as a script would run it (dist/cli/dif.js, built by jest's
 * global setup): the config it writes passes `dif validate`, it never overwrites a file, and
 * each bad input (no operation chosen, an unknown operationId, Swagger 2, a $ref to nothing,
 * broken YAML) exits 2 with a message naming the problem, never a stack trace.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../adapters/settings';
import { checkVendorConfig } from '../../core/validate';

const CLI = path.join(projectRoot(), 'dist', 'cli', 'dif.js');
const FIXTURES = path.join(projectRoot(), 'test', 'fixtures', 'openapi');
const PINTEREST = path.join(FIXTURES, 'pinterest-v5.yaml');
const KLAVIYO = path.join(FIXTURES, 'klaviyo-get-images.json');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-scaffold-'));

/** `dif <args>` in its own process; nothing it does waits on input, so a synchronous run is enough. */
async function dif(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A file in the scratch folder. */
function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: jest's global setup builds it (or npm run build)`);
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('dif scaffold --openapi', () => {
  it('without --operation lists the GET operations with their ids and exits 2', async () => {
    const r = await dif(['scaffold', '--openapi', PINTEREST]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('2 GET operations; choose with --operation <operationId>');
    expect(r.stdout).toContain('ad_accounts/list  GET /ad_accounts  List ad accounts');
    expect(r.stdout).toContain('campaigns/list  GET /ad_accounts/{ad_account_id}/campaigns');
  });

  it('writes vendors/<vendor>/config.json under --out, valid, and never overwrites it', async () => {
    const out = path.join(scratch, 'out');
    const args = ['scaffold', '--openapi', PINTEREST, '--operation', 'campaigns/list', '--vendor', 'pinterest', '--out', out];
    const first = await dif(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const target = path.join(out, 'vendors', 'pinterest', 'config.json');
    const written = fs.readFileSync(target, 'utf8');
    expect(() => checkVendorConfig(JSON.parse(written), target, 'pinterest')).not.toThrow();
    expect(JSON.parse(written).streams.campaigns_list.steps[0].pagination.kind).toBe('cursor');

    const again = await dif(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`dif: ${target} exists already; dif scaffold never overwrites a config (move it or choose another --out or --vendor)\n`);
    expect(fs.readFileSync(target, 'utf8')).toBe(written);
  });

  it('prints the config to stdout without --out', async () => {
    const r = await dif(['scaffold', '--openapi', KLAVIYO, '--operation', 'get_images']);
    expect(r.code).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.streams.get_images.steps[0].pagination).toEqual({ kind: 'nextUrl', next: 'response.links?.next' });
  });
});

describe('bad input: exit 2 with the reason, no stack trace', () => {
  const openapi = (response: object) =>
    JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'X', version: '1' },
      servers: [{ url: 'https://api.x.example' }],
      paths: { '/things': { get: { operationId: 'listThings', responses: { '200': { description: 'ok', content: { 'application/json': { schema: response } } } } } } },
    });

  test.each([
    ['an unknown operationId, naming the known ones', () => [KLAVIYO, '--operation', 'get_image'], 'no GET operation with operationId "get_image"; the GET operations are: get_images'],
    ['a Swagger 2 document', () => [write('swagger.json', '{"swagger":"2.0","paths":{}}'), '--operation', 'x'], 'a Swagger 2.0 document; dif scaffold reads OpenAPI 3 only'],
    [
      'a $ref that cannot be resolved, naming the pointer',
      () => [write('bad-ref.json', openapi({ $ref: '#/components/schemas/Things' })), '--operation', 'listThings'],
      'bad-ref.json: GET /things (listThings): $ref "#/components/schemas/Things" cannot be resolved: nothing at that JSON pointer',
    ],
    ['YAML that does not parse', () => [write('broken.yaml', 'openapi: 3.0.0\npaths: [unclosed\n'), '--operation', 'x'], 'not valid YAML'],
    ['a missing file', () => [path.join(scratch, 'nope.json'), '--operation', 'x'], 'nope.json: cannot read it (ENOENT)'],
  ])('%s', async (_, args, message) => {
    const r = await dif(['scaffold', '--openapi', ...args()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/^dif: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
