/**
 * Vendor config validation: every problem must name the JSON path where it is, so an
 * engineer can fix a config from the message alone (DESIGN invariant 6).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, pointerToPath, validateVendorConfig } from '../../../core/validate';
import { problemsOf } from '../helpers/config-problems';

const DEMO_FILE = path.join(__dirname, '..', '..', '..', 'vendors', 'demo-ads', 'config.json');
const STEP = '$.streams.campaign_daily.steps[0]';
const TABLE = '$.streams.campaign_daily.table';

/** A fresh, mutable copy of the demo vendor's config (valid as committed). */
function demo(): any {
  return JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8'));
}

describe('pointerToPath', () => {
  test.each([
    ['', '$'],
    ['/', '$'],
    ['/vendor', '$.vendor'],
    ['/streams/a/steps/0/kind', '$.streams.a.steps[0].kind'],
    ['/streams/campaign_daily/table/columns/12/name', '$.streams.campaign_daily.table.columns[12].name'],
    // Names that are not identifiers are bracket-quoted, so the path stays unambiguous.
    ['/headers/X-Api-Key', '$.headers["X-Api-Key"]'],
    ['/streams/0abc', '$.streams["0abc"]'],
    // JSON Pointer escapes: ~1 is "/", ~0 is "~".
    ['/streams/a~1b/x', '$.streams["a/b"].x'],
    ['/streams/a~0b', '$.streams["a~b"]'],
  ])('%j → %s', (pointer, expected) => {
    expect(pointerToPath(pointer)).toBe(expected);
  });
});

describe('validateVendorConfig: valid configs', () => {
  test('the committed demo-ads config validates and comes back unchanged', () => {
    const config = demo();
    const result = validateVendorConfig(config, DEMO_FILE, 'demo-ads');
    expect(result).toBe(config);
    expect(result.vendor).toBe('demo-ads');
    expect(Object.keys(result.streams)).toEqual(['campaign_daily']);
  });

  test('the folder check is skipped when no folder is given', () => {
    const config = demo();
    config.vendor = 'somewhere-else';
    expect(() => validateVendorConfig(config, 'x.json')).not.toThrow();
  });

  test('optional fields may be added: POST method, bearer auth, headers', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.method = 'POST';
    config.auth = { kind: 'bearer', secret: 'token' };
    config.headers = { Accept: 'application/json' };
    expect(() => validateVendorConfig(config, 'x.json', 'demo-ads')).not.toThrow();
  });
});

describe('validateVendorConfig: schema problems name their JSON path', () => {
  test('a bad enum value is reported at its exact path, with an example', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.method = 'FETCH';
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(`${STEP}.request.method`);
    expect(problems[0].message).toContain('"GET"');
  });

  test('the ConfigError message lists the source and each problem as "path: message"', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.method = 'FETCH';
    let error: unknown;
    try {
      validateVendorConfig(config, 'vendors/demo-ads/config.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.name).toBe('ConfigError');
    expect(e.source).toBe('vendors/demo-ads/config.json');
    expect(e.message.split('\n')[0]).toBe('invalid vendor config vendors/demo-ads/config.json:');
    expect(e.message).toContain(`\n  ${STEP}.request.method: expected union value`);
  });

  test('an unknown auth kind lists the allowed kinds', () => {
    const config = demo();
    config.auth = { kind: 'kerberos', secret: 'x' };
    expect(problemsOf(config)).toEqual([
      { path: '$.auth.kind', message: 'unknown kind "kerberos"; expected one of: apiKey, bearer, basic, header, oauth2, googleServiceAccount, jwtClientSecret, login, none, hmac, awsSigV4, oauth1' },
    ]);
  });

  test('an unknown step kind is reported at .kind and names the allowed kind', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].kind = 'paged';
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toContain(`${STEP}.kind`);
    expect(problems.find((p) => p.path === `${STEP}.kind`)!.message).toContain('single');
  });

  // Regression (was a bug while Step had one member: TypeBox collapsed the union).
  test('an unknown step kind gets the same "unknown kind …; expected one of" message as auth, and nothing else', () => {
    const config = demo();
    const step = config.streams.campaign_daily.steps[0];
    step.kind = 'paged';
    step.pagination = { kind: 'cursor' };
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(`${STEP}.kind`);
    expect(problems[0].message).toMatch(/^unknown kind "paged"; expected one of: (.*, )?single(, |$)/);
  });

  test('an unknown field is reported with the allowed fields', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].recrods = 'response.data';
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(`${STEP}.recrods`);
    // The allowed list grows with the grammar; the fields of a single step are all in it.
    expect(problems[0].message).toMatch(/^unknown field "recrods"; allowed: kind, name, request, /);
    expect(problems[0].message.split('allowed: ')[1].split(', ')).toEqual(expect.arrayContaining(['kind', 'name', 'request', 'records']));
  });

  test('an unknown top-level field is reported at $.<name>', () => {
    const config = demo();
    config.colour = 'blue';
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('$.colour');
    expect(problems[0].message).toMatch(/^unknown field "colour"; allowed: /);
    expect(problems[0].message.split('allowed: ')[1].split(', ')).toEqual(
      expect.arrayContaining(['$schema', 'vendor', 'title', 'baseUrl', 'auth', 'inputs', 'semaphore', 'streams']),
    );
  });

  test('a missing required field is reported on its parent object', () => {
    const config = demo();
    delete config.streams.campaign_daily.steps[0].name;
    expect(problemsOf(config)).toEqual([{ path: STEP, message: 'missing required field "name"' }]);
  });

  test('a missing top-level field is reported at $', () => {
    const config = demo();
    delete config.title;
    expect(problemsOf(config)).toEqual([{ path: '$', message: 'missing required field "title"' }]);
  });

  test('a column of an unknown type is reported at its index', () => {
    const config = demo();
    config.streams.campaign_daily.table.columns[2].type = 'datetime';
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([`${TABLE}.columns[2].type`]);
  });

  test('empty arrays and records where at least one is needed', () => {
    const config = demo();
    config.streams.campaign_daily.steps = [];
    expect(problemsOf(config)).toEqual([{ path: '$.streams.campaign_daily.steps', message: 'needs at least 1 item(s)' }]);
    const noStreams = demo();
    noStreams.streams = {};
    expect(problemsOf(noStreams)).toEqual([{ path: '$.streams', message: 'needs at least 1 entry(ies)' }]);
  });

  test('a stream name that is not an identifier is reported with the pattern', () => {
    const config = demo();
    config.streams['Campaign-Daily'] = config.streams.campaign_daily;
    expect(problemsOf(config)).toEqual([{ path: '$.streams["Campaign-Daily"]', message: 'name must match ^[a-z][a-z0-9_]*$' }]);
  });

  test('numeric bounds and patterns are reported with their path', () => {
    const config = demo();
    config.semaphore.limit = 0;
    config.baseUrl = 'ftp://example.com';
    const paths = problemsOf(config).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['$.semaphore.limit', '$.baseUrl']));
    expect(paths).toHaveLength(2);
  });

  test('something that is not an object at all is reported at $', () => {
    for (const value of [null, [], 'config', 42]) {
      expect(problemsOf(value)).toEqual([{ path: '$', message: expect.stringContaining('expected object') }]);
    }
  });

  test('several schema problems are all reported at once', () => {
    const config = demo();
    delete config.title;
    config.colour = 'blue';
    config.semaphore.limit = 0;
    config.streams.campaign_daily.steps[0].request.method = 'FETCH';
    config.auth.kind = 'magic';
    const paths = problemsOf(config).map((p) => p.path);
    expect(paths.sort()).toEqual(['$', '$.auth.kind', '$.colour', '$.semaphore.limit', `${STEP}.request.method`].sort());
  });
});

describe('validateVendorConfig: semantic problems', () => {
  test('a primary key column that is not among the columns', () => {
    const config = demo();
    config.streams.campaign_daily.table.primaryKey = ['campaign_id', 'day'];
    expect(problemsOf(config)).toEqual([
      { path: `${TABLE}.primaryKey[1]`, message: '"day" is not one of the table\'s columns' },
    ]);
  });

  test('a duplicate column is reported at the second occurrence', () => {
    const config = demo();
    config.streams.campaign_daily.table.columns.push({ name: 'clicks', type: 'integer' });
    expect(problemsOf(config)).toEqual([{ path: `${TABLE}.columns[6].name`, message: 'duplicate column "clicks"' }]);
  });

  test('a duplicate step name is reported at the second step', () => {
    const config = demo();
    const steps = config.streams.campaign_daily.steps;
    steps.push(JSON.parse(JSON.stringify(steps[0])));
    expect(problemsOf(config)).toEqual([{ path: '$.streams.campaign_daily.steps[1].name', message: 'duplicate step "stats"' }]);
  });

  test('an unparsable column source expression', () => {
    const config = demo();
    config.streams.campaign_daily.table.columns[3].source = 'record.spend_micros /';
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(`${TABLE}.columns[3].source`);
    expect(problems[0].message).toBe('not a JavaScript expression: Unexpected token at column 22 of "record.spend_micros /"');
  });

  test('unparsable vendor errors expressions and oauth2 header templates are reported where they are', () => {
    const config = demo() as unknown as Record<string, unknown>;
    config.errors = { when: 'response.code !==', message: 'response.message' };
    config.auth = {
      kind: 'oauth2', grant: 'refresh_token', tokenUrl: 'https://oauth2.example.com/token', clientId: 'client_id', clientSecret: 'client_secret',
      refreshToken: 'refresh_token', headers: { 'developer-token': '${secrets.developer_token' }, secrets: ['developer_token'],
    };
    const problems = problemsOf(config as never);
    // In the file's order: the demo config has auth before errors.
    expect(problems.map((p) => p.path)).toEqual(['$.auth.headers["developer-token"]', '$.errors.when']);
  });

  test('an unparsable step records expression', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].records = 'response.data[';
    const problems = problemsOf(config);
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe(`${STEP}.records`);
    expect(problems[0].message).toBe('not a JavaScript expression: Unexpected token at column 15 of "response.data["');
  });

  test('checking an expression never runs it', () => {
    const config = demo();
    // If the validator evaluated this, validation would throw "ran!".
    config.streams.campaign_daily.steps[0].records = '(() => { throw new Error("ran!") })()';
    expect(() => validateVendorConfig(config, 'x.json')).not.toThrow();
  });

  test('a vendor id that differs from its folder', () => {
    expect(problemsOf(demo(), 'demo-adz')).toEqual([
      { path: '$.vendor', message: 'is "demo-ads" but the config is in folder "demo-adz"' },
    ]);
  });

  test('several semantic problems are all reported at once, in the order of the file', () => {
    const config = demo();
    const stream = config.streams.campaign_daily;
    stream.table.primaryKey = ['nope'];
    stream.table.columns.push({ name: 'date', type: 'date' });
    stream.table.columns[0].source = ')';
    stream.steps[0].records = '(';
    expect(problemsOf(config, 'elsewhere').map((p) => p.path)).toEqual([
      '$.vendor',
      `${STEP}.records`,
      `${TABLE}.primaryKey[0]`,
      `${TABLE}.columns[0].source`,
      `${TABLE}.columns[6].name`,
    ]);
  });

  // Regression (was a bug): templates were not parsed during validation.
  test('an unclosed ${ in a request template is reported at its path', () => {
    const config = demo();
    config.streams.campaign_daily.steps[0].request.path = '/v1/accounts/${inputs.account_id/stats';
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([`${STEP}.request.path`]);
  });
});

describe('files steps', () => {
  function files(step: Record<string, unknown>): any {
    const config = demo();
    config.streams.campaign_daily.steps = [
      {
        kind: 'files',
        name: 'drop',
        source: { kind: 'sftp', host: '${inputs.host', folder: '/out', username: 'sftp_user', password: 'sftp_password' },
        match: '/(unclosed/',
        ...step,
      },
    ];
    return config;
  }

  test('a bad name pattern, a broken template and a stray wait are reported by path', () => {
    const problems = problemsOf(files({ wait: { intervalMinutes: 1, timeoutMinutes: 2 } }));
    expect(problems.map((p) => p.path)).toEqual([`${STEP}.source.host`, `${STEP}.match`, `${STEP}.wait`]);
    expect(problems[1].message).toMatch(/^not a valid regular expression/);
  });

  test('an unknown source kind names the kinds there are', () => {
    const problems = problemsOf(files({ source: { kind: 'gopher' }, match: '*.csv' }));
    expect(problems).toEqual([{ path: `${STEP}.source.kind`, message: 'unknown kind "gopher"; expected one of: sftp, ftp, s3, imap' }]);
  });
});

describe('files-only vendors', () => {
  function filesOnly(): any {
    const config = demo();
    delete config.baseUrl;
    delete config.auth;
    config.streams.campaign_daily.steps = [
      { kind: 'files', name: 'drop', source: { kind: 's3', bucket: 'b', accessKeyId: 'k', secretAccessKey: 's' }, match: '*.csv', decode: { format: 'csv' } },
    ];
    return config;
  }

  test('need neither baseUrl nor auth; validation gives them auth none', () => {
    expect(validateVendorConfig(filesOnly(), 'files.json').auth).toEqual({ kind: 'none' });
  });

  test('a vendor with HTTP steps still needs both', () => {
    const config = demo();
    delete config.baseUrl;
    delete config.auth;
    expect(problemsOf(config).map((p) => p.message)).toEqual([
      'missing required field "baseUrl": this vendor has HTTP steps',
      'missing required field "auth": this vendor has HTTP steps (use {"kind": "none"} for none)',
    ]);
  });
});
