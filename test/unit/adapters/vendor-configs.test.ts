/** Loading vendor configs from folders, JSON syntax errors with positions, per-customer overrides. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../core/validate';
import { VendorConfigs, applyOverrides, configHash, parseJsonFile } from '../../../adapters/vendor-configs';
import { UnknownVendorError } from '../../../core/errors';

const VENDORS = path.join(__dirname, '..', '..', '..', 'vendors');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-vendor-configs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseJsonFile', () => {
  test('parses valid JSON', () => {
    expect(parseJsonFile(write('ok.json', '{"a": [1, 2]}'))).toEqual({ a: [1, 2] });
  });

  test('a syntax error names the line and column, and the file', () => {
    // The missing comma after `"b": 2` is noticed at the `"c"` on line 4, column 3.
    const file = write('bad.json', '{\n  "a": 1,\n  "b": 2\n  "c": 3\n}\n');
    const error = configError(() => parseJsonFile(file));
    expect(error.source).toBe(file);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].path).toBe('line 4, column 3');
    expect(error.problems[0].message).toMatch(/^not valid JSON: /);
    expect(error.message).toContain(`invalid vendor config ${file}:\n  line 4, column 3: not valid JSON: `);
  });

  test('a trailing comma is located on its line', () => {
    const file = write('trailing.json', '{\n  "a": 1,\n}');
    expect(configError(() => parseJsonFile(file)).problems[0].path).toBe('line 3, column 1');
  });

  test('an error on the first line is line 1', () => {
    const file = write('first.json', '{"a" 1}');
    expect(configError(() => parseJsonFile(file)).problems[0].path).toBe('line 1, column 6');
  });

  // Regression (was a bug): the position is read from "position N" in V8's message, but Node 20's most common
  // message, "Unexpected token X, "<the whole file>" is not valid JSON" (a missing value, a
  // trailing comma in an array, a bare word), has no position, so the problem's path is only
  // "(file)". Expected: the line and column of the offending token.
  test.each([
    ['a bare word', 'word.json', '{"a": tru}', 1],
    ['a missing value', 'missing.json', '{\n  "vendor": \n}', 3],
    ['a trailing comma in an array', 'array.json', '{\n  "a": [1,\n  ]\n}', 3],
  ])('%s is located too', (_label, name, text, line) => {
    expect(configError(() => parseJsonFile(write(name, text))).problems[0].path).toMatch(new RegExp(`^line ${line}, column \\d+$`));
  });

  test('a missing file is a plain file-system error, not a ConfigError', () => {
    expect(() => parseJsonFile(path.join(tmp, 'absent.json'))).toThrow(/ENOENT/);
  });
});

describe('VendorConfigs', () => {
  test('lists vendor folders that hold a config.json, sorted', () => {
    const dir = path.join(tmp, 'vendors-list');
    write('vendors-list/zeta/config.json', '{}');
    write('vendors-list/alpha/config.json', '{}');
    fs.mkdirSync(path.join(dir, 'empty-folder'), { recursive: true });
    write('vendors-list/stray.json', '{}');
    expect(new VendorConfigs(dir).vendors()).toEqual(['alpha', 'zeta']);
  });

  test('a missing vendors folder has no vendors', () => {
    expect(new VendorConfigs(path.join(tmp, 'nowhere')).vendors()).toEqual([]);
  });

  test('loads and validates the committed demo-ads config', () => {
    const config = new VendorConfigs(VENDORS).load('demo-ads');
    expect(config.vendor).toBe('demo-ads');
    expect(config.streams.campaign_daily.table.primaryKey).toEqual(['campaign_id', 'date']);
  });

  test('an unknown vendor throws UnknownVendorError listing the known vendors', () => {
    const configs = new VendorConfigs(VENDORS);
    expect(() => configs.load('no-such-vendor')).toThrow(UnknownVendorError);
    let message = '';
    try {
      configs.load('no-such-vendor');
    } catch (e) {
      message = (e as Error).message;
      expect((e as Error).name).toBe('UnknownVendorError');
    }
    expect(message).toBe(
      `unknown vendor "no-such-vendor": no ${path.join(VENDORS, 'no-such-vendor', 'config.json')}; known vendors: ${configs.vendors().join(', ')}`,
    );
    expect(message).toContain('demo-ads');
  });

  test('an unknown vendor in an empty folder says "(none)"', () => {
    expect(() => new VendorConfigs(path.join(tmp, 'nowhere')).load('x')).toThrow('known vendors: (none)');
  });

  test.each(['../etc', 'Demo-Ads', 'demo ads', '', 'demo-ads/../demo-ads'])(
    'a vendor id that is not a plain folder name (%j) is unknown, never a path',
    (vendor) => {
      expect(() => new VendorConfigs(VENDORS).fileOf(vendor)).toThrow(UnknownVendorError);
    },
  );

  test('a config in the wrong folder is rejected at $.vendor', () => {
    const demo = fs.readFileSync(path.join(VENDORS, 'demo-ads', 'config.json'), 'utf8');
    write('vendors-moved/other-ads/config.json', demo);
    const error = configError(() => new VendorConfigs(path.join(tmp, 'vendors-moved')).load('other-ads'));
    expect(error.problems).toEqual([{ path: '$.vendor', message: 'is "demo-ads" but the config is in folder "other-ads"' }]);
  });

  test('a config with a JSON syntax error is a ConfigError with a position', () => {
    write('vendors-broken/broken/config.json', '{\n  "vendor": "broken",\n  oops\n}');
    const error = configError(() => new VendorConfigs(path.join(tmp, 'vendors-broken')).load('broken'));
    expect(error.problems[0].path).toBe('line 3, column 3');
  });
});

describe('applyOverrides', () => {
  const base = () => new VendorConfigs(VENDORS).load('demo-ads');

  test.each(['streams', 'auth', 'vendor', 'inputs', 'window'])('refuses to override %s, naming $.<field>', (field) => {
    const error = configError(() => applyOverrides(base(), { [field]: {} }, 'mysql:acme/demo-ads'));
    expect(error.source).toBe('mysql:acme/demo-ads');
    expect(error.problems).toEqual([
      { path: `$.${field}`, message: 'cannot be overridden per customer; allowed: baseUrl, semaphore, concurrency, headers, rateLimit, timeoutSeconds, columns, tokenUrl, authVariant' },
    ]);
  });

  test('baseUrl, headers and semaphore are merged; the original config is untouched', () => {
    const config = base();
    const merged = applyOverrides(
      config,
      { baseUrl: 'https://eu.example.com', headers: { 'X-Region': 'eu' }, semaphore: { limit: 5 } },
      'src',
    );
    expect(merged.baseUrl).toBe('https://eu.example.com');
    expect(merged.headers).toEqual({ 'X-Region': 'eu' });
    // Only the given semaphore fields change.
    expect(merged.semaphore).toEqual({ scope: 'customer', limit: 5, leaseSeconds: 120 });
    expect(merged.streams).toBe(config.streams);
    expect(config.baseUrl).toBe('http://127.0.0.1:8091');
    expect(config.semaphore.limit).toBe(2);
  });

  test('tokenUrl replaces only the OAuth2 token endpoint, and is refused for other auth kinds', () => {
    const oauth = { ...base(), auth: { kind: 'oauth2' as const, grant: 'refresh_token' as const, tokenUrl: 'https://oauth2.googleapis.com/token', clientId: 'client_id', clientSecret: 'client_secret', refreshToken: 'refresh_token' } };
    const merged = applyOverrides(oauth, { tokenUrl: 'http://127.0.0.1:9/token' }, 'src');
    expect(merged.auth).toEqual({ ...oauth.auth, tokenUrl: 'http://127.0.0.1:9/token' });
    expect(oauth.auth.tokenUrl).toBe('https://oauth2.googleapis.com/token');
    expect(configError(() => applyOverrides(base(), { tokenUrl: 'http://127.0.0.1:9/token' }, 'src')).problems).toEqual([
      { path: '$.tokenUrl', message: 'applies only to oauth2, googleServiceAccount, jwtClientSecret auth, not apiKey' },
    ]);
  });

  test('no overrides gives an equal config', () => {
    const config = base();
    expect(applyOverrides(config, {}, 'src')).toEqual(config);
  });

  test('overridden values are validated like the config itself', () => {
    expect(configError(() => applyOverrides(base(), { baseUrl: 'ftp://x' }, 'src')).problems.map((p) => p.path)).toEqual(['$.baseUrl']);
    expect(configError(() => applyOverrides(base(), { semaphore: { limit: 0 } }, 'src')).problems.map((p) => p.path)).toEqual([
      '$.semaphore.limit',
    ]);
    expect(configError(() => applyOverrides(base(), { semaphore: { extra: 1 } }, 'src')).problems.map((p) => p.path)).toEqual([
      '$.semaphore.extra',
    ]);
    expect(configError(() => applyOverrides(base(), { headers: { 'X-N': 5 } }, 'src')).problems.map((p) => p.path)).toEqual([
      '$.headers["X-N"]',
    ]);
  });
});

describe('configHash', () => {
  test('is stable for the same config and inputs, and changes with either', () => {
    const config = new VendorConfigs(VENDORS).load('demo-ads');
    const h = configHash(config, { account_id: 'A' });
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(configHash(JSON.parse(JSON.stringify(config)), { account_id: 'A' })).toBe(h);
    expect(configHash(config, { account_id: 'B' })).not.toBe(h);
    expect(configHash({ ...config, baseUrl: 'https://other.example.com' }, { account_id: 'A' })).not.toBe(h);
  });
});

describe('parseJsonFile: what editors write', () => {
  test('a UTF-8 byte order mark is skipped, so a BOM-prefixed config loads', () => {
    const text = fs.readFileSync(path.join(VENDORS, 'demo-ads', 'config.json'), 'utf8');
    const file = write('bom/config.json', `\uFEFF${text}`);
    expect(parseJsonFile(file)).toEqual(JSON.parse(text));
  });

  test('a key written twice in one object is refused with its path, line and column', () => {
    const file = write('dup/config.json', '{\n  "vendor": "a",\n  "streams": {"x": {"table": {"name": "t", "name": "u"}}},\n  "vendor": "b"\n}\n');
    expect(configError(() => parseJsonFile(file)).problems).toEqual([
      { path: '$.streams.x.table.name', message: 'key "name" is written twice in one object (line 3, column 44); JSON keeps only the last' },
      { path: '$.vendor', message: 'key "vendor" is written twice in one object (line 4, column 3); JSON keeps only the last' },
    ]);
  });

  test('the same key in two different objects is fine', () => {
    const file = write('nodup/config.json', '{"a": {"name": 1}, "b": [{"name": 2}, {"name": 3}]}');
    expect(parseJsonFile(file)).toEqual({ a: { name: 1 }, b: [{ name: 2 }, { name: 3 }] });
  });
});
