/**
 * Fuzzing the validator with malformed configs: mutations of the real vendors/*\/config.json
 * (wrong types, missing fields, hostile names, hostile expression texts, huge numbers,
 * deep nesting, duplicated keys, a BOM, broken JSON…), seeded so a failure reproduces:
 * DIF_FUZZ_SEED=<seed printed on failure> npx jest test/security/validator-fuzz.test.ts
 *
 * Each case must end in one of two ways:
 * - refused: a ConfigError whose every problem names where it is, a JSON path (`$…`) or,
 *   for text that is not JSON at all, `line L, column C`;
 * - harmless: it validates, and what DIF does next with a config succeeds without
 *   throwing: hashing it for pinning (configHash), planning every stream's warehouse
 *   table and load (table-plan.ts, both dialects), and validating the result again.
 * Anything else (a TypeError, a RangeError from recursion, a plan that throws) is a
 * crash and fails the test, with the seed, the case number and the mutation named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, checkVendorConfig, type ConfigProblem } from '../../core/validate';
import { configHash, parseJsonFile } from '../../adapters/vendor-configs';
import { createTableSql, loadPlan, tablePlan } from '../../adapters/warehouse/table-plan';
import { seededRandom } from '../setup/seeded-random';

const VENDORS = path.join(__dirname, '..', '..', 'vendors');
const SEED = Number(process.env.DIF_FUZZ_SEED ?? 20261202);
const CASES = Number(process.env.DIF_FUZZ_CASES ?? 400);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Place = { parent: Json[] | { [k: string]: Json }; key: string | number };

const HOSTILE_NAMES = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'dif_load_audit', 'dif_fencing', 'x'.repeat(900), '', 'A-B', '0abc', 'a/b', 'naïve'];
const HOSTILE_CODE = [
  'x}); process.exit(1); ({',
  '${x)}); process.exit(1); ({}',
  '${x}); process; ({',
  "import('child_process')",
  'import.meta',
  '$raw{inputs.account_id}',
  '${inputs.acount_id}',
  '${secrets.api_key}',
  '${window.nope}',
  '${',
  '}',
  '`${`',
  '/*',
  '// comment',
  'a; b',
  '(() => { while (true) {} })()',
  'this.constructor.constructor("return process")()',
  'x'.repeat(100_000),
  '\u0000',
  '${' + '('.repeat(5_000) + '}',
];
const HUGE_NUMBERS = [1e308, -1e308, 1e21, -1, 0, 2 ** 53 + 1, 1.5, -0.0001, 4294967296, 2147483648];
const WRONG_VALUES: Json[] = [null, true, 0, -3, 'text', '', [], {}, [null], { kind: 'nope' }];

function places(value: Json, out: Place[] = []): Place[] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push({ parent: value, key: i }), places(v, out)));
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) out.push({ parent: value, key: k }), places(value[k], out);
  return out;
}

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const get = (p: Place): Json => (p.parent as Record<string | number, Json>)[p.key];
const set = (p: Place, v: Json) => ((p.parent as Record<string | number, Json>)[p.key] = v);

function deep(depth: number): Json {
  let v: Json = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** A mutation: changes `config` in place (value mutations) or returns the file text (text mutations). */
type Mutation = { name: string; apply: (config: Json, rng: () => number, text: string) => string | void };

const MUTATIONS: Mutation[] = [
  { name: 'wrong type', apply: (c, rng) => set(pick(rng, places(c)), structuredClone(pick(rng, WRONG_VALUES))) },
  {
    name: 'missing field',
    apply: (c, rng) => {
      const p = pick(rng, places(c).filter((q) => !Array.isArray(q.parent)));
      delete (p.parent as Record<string, Json>)[p.key as string];
    },
  },
  {
    name: 'hostile name',
    apply: (c, rng) => {
      const objects = places(c).filter((q) => !Array.isArray(q.parent));
      const p = pick(rng, objects);
      const parent = p.parent as Record<string, Json>;
      const value = parent[p.key as string];
      delete parent[p.key as string];
      // defineProperty, so "__proto__" becomes an own key as JSON.parse would make it.
      Object.defineProperty(parent, pick(rng, HOSTILE_NAMES), { value, enumerable: true, writable: true, configurable: true });
    },
  },
  {
    name: 'hostile name value',
    apply: (c, rng) => {
      const names = places(c).filter((q) => q.key === 'name' || q.key === 'from' || q.key === 'secret');
      if (names.length) set(pick(rng, names), pick(rng, HOSTILE_NAMES));
    },
  },
  {
    name: 'hostile expression text',
    apply: (c, rng) => {
      const strings = places(c).filter((q) => typeof get(q) === 'string');
      set(pick(rng, strings), pick(rng, HOSTILE_CODE));
    },
  },
  {
    name: 'huge number',
    apply: (c, rng) => {
      const numbers = places(c).filter((q) => typeof get(q) === 'number');
      set(numbers.length ? pick(rng, numbers) : pick(rng, places(c)), pick(rng, HUGE_NUMBERS));
    },
  },
  { name: 'deep nesting', apply: (c, rng) => set(pick(rng, places(c)), deep(pick(rng, [40, 500, 3_000]))) },
  {
    name: 'unknown field',
    apply: (c, rng) => {
      const objects = places(c).filter((q) => get(q) && typeof get(q) === 'object' && !Array.isArray(get(q)));
      (get(pick(rng, objects)) as Record<string, Json>)[pick(rng, ['extra', 'kind2', 'constructor'])] = 1;
    },
  },
  {
    name: 'many columns',
    apply: (c) => {
      const stream = Object.values((c as any).streams)[0] as any;
      for (let i = 0; i < 1_700; i++) stream.table.columns.push({ name: `c${i}`, type: 'string' });
    },
  },
  {
    name: 'many long streams',
    apply: (c) => {
      const streams = (c as any).streams;
      const first = Object.values(streams)[0];
      for (let i = 0; i < 20; i++) streams[`s${String(i).padStart(62, '0')}`] = first;
    },
  },
  { name: 'BOM', apply: (_c, _rng, text) => `\uFEFF${text}` },
  { name: 'duplicated key', apply: (_c, rng, text) => text.replace(/\{/, `{"${pick(rng, ['vendor', 'streams', 'auth', 'inputs'])}": 1,`) },
  { name: 'truncated', apply: (_c, rng, text) => text.slice(0, Math.floor(rng() * text.length)) },
  { name: 'trailing comma', apply: (_c, _rng, text) => text.replace(/\}\s*$/, ',}') },
  { name: 'not an object', apply: (_c, rng) => JSON.stringify(pick(rng, [[], 'config', 42, null])) },
];

interface Outcome {
  kind: 'refused' | 'harmless' | 'crash';
  detail?: string;
}

const LOCATION = /^(\$|line \d+, column \d+$)/;

function judge(run: () => unknown): Outcome {
  try {
    const config = run() as ReturnType<typeof checkVendorConfig>['config'];
    configHash(config, {});
    for (const stream of Object.values(config.streams)) {
      tablePlan('dif', stream.table);
      for (const dialect of ['postgres', 'redshift'] as const) {
        createTableSql('dif', stream.table, dialect);
        // A run always loads with its scope (customer, window, partition); replaceWindow needs it.
        const scope = { customer: 'acme', window: { from: '2026-01-01', to: '2026-01-31' }, partition: 'p1' };
        loadPlan(dialect, 'dif', stream.table, dialect === 'redshift' ? { kind: 's3', manifestUrl: 's3://b/m', iamRole: 'arn:aws:iam::1:role/r' } as never : { kind: 'stdin' } as never, scope);
      }
    }
    checkVendorConfig(JSON.parse(JSON.stringify(config)), 'again.json');
    return { kind: 'harmless' };
  } catch (e) {
    if (e instanceof ConfigError) {
      const unlocated = e.problems.filter((p: ConfigProblem) => !LOCATION.test(p.path));
      return unlocated.length === 0 ? { kind: 'refused' } : { kind: 'crash', detail: `problem without a location: ${JSON.stringify(unlocated[0])}` };
    }
    return { kind: 'crash', detail: e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e) };
  }
}

describe('validator fuzz', () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-fuzz-'))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test(`${CASES} malformed configs (seed ${SEED}): each refused with a location, or harmless; none crashes`, () => {
    const rng = seededRandom(SEED);
    const bases = fs.readdirSync(VENDORS).sort().map((v) => ({ vendor: v, text: fs.readFileSync(path.join(VENDORS, v, 'config.json'), 'utf8') }));
    const counts: Record<string, { refused: number; harmless: number }> = {};
    const crashes: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const base = pick(rng, bases);
      const mutation = MUTATIONS[i % MUTATIONS.length];
      const config = JSON.parse(base.text) as Json;
      const text = mutation.apply(config, rng, base.text);
      const outcome = judge(() => {
        if (typeof text === 'string') {
          const file = path.join(tmp, `case-${i}.json`);
          fs.writeFileSync(file, text);
          return checkVendorConfig(parseJsonFile(file), file).config;
        }
        return checkVendorConfig(config, `case-${i}.json`).config;
      });
      counts[mutation.name] ??= { refused: 0, harmless: 0 };
      if (outcome.kind === 'crash') crashes.push(`case ${i} (seed ${SEED}, ${mutation.name} of ${base.vendor}): ${outcome.detail}`);
      else counts[mutation.name][outcome.kind]++;
    }
    const refused = Object.values(counts).reduce((n, c) => n + c.refused, 0);
    const harmless = Object.values(counts).reduce((n, c) => n + c.harmless, 0);
    // Shown in the test output: how the cases ended, by mutation.
    console.log(`validator fuzz, seed ${SEED}: ${refused} refused, ${harmless} harmless, ${crashes.length} crashed\n` + JSON.stringify(counts, null, 1));
    expect(crashes).toEqual([]);
    expect(refused + harmless).toBeGreaterThanOrEqual(200);
    // Mutations that can never leave a valid config must all be refused.
    for (const name of ['many columns', 'many long streams', 'truncated', 'not an object', 'duplicated key', 'trailing comma']) {
      expect({ name, harmless: counts[name].harmless }).toEqual({ name, harmless: 0 });
    }
    // …and a BOM alone is harmless.
    expect(counts.BOM.refused).toBe(0);
  });
});
