/**
 * What an operator stores per customer (inputs, overrides) is checked on write and read
 * (runtime/customer-values.ts, called by adapters/mysql/customers.ts). Each refusal
 * names the customer, the vendor and the field.
 */
import { checkCustomerValues, CustomerValueError } from '../../../runtime/customer-values';
import { InputError } from '../../../core/run-plan';

function refusal(inputs: unknown, overrides: unknown, options = {}): string {
  try {
    checkCustomerValues('acme', 'demo-ads', inputs, overrides, options);
  } catch (e) {
    expect(e).toBeInstanceOf(CustomerValueError);
    expect(e).toBeInstanceOf(InputError); // so a run fails finally, not with retries
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('baseUrl overrides', () => {
  test.each([
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local or cloud metadata address; DIF never calls it'],
    ['https://169.254.169.254', '169.254.169.254 is a link-local or cloud metadata address; DIF never calls it'],
    ['https://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254 is a link-local or cloud metadata address; DIF never calls it'],
    ['https://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is a link-local or cloud metadata address; DIF never calls it'],
    ['https://[fd00:ec2::254]/', 'fd00:ec2::254 is a link-local or cloud metadata address; DIF never calls it'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is a link-local or cloud metadata address; DIF never calls it'],
    ['http://api.example.com', 'must be an https URL, not http'],
    ['ftp://api.example.com', 'must be an https URL, not ftp'],
    ['https://user:pw@api.example.com', 'must not carry a user name or password (store credentials with `dif credentials set`)'],
    ['api.example.com', '"api.example.com" is not an absolute URL'],
  ])('%s is refused', (baseUrl, problem) => {
    expect(refusal({}, { baseUrl }, { allowLoopbackHttp: true })).toBe(`customer "acme", vendor "demo-ads": overrides.baseUrl: ${problem}`);
  });

  test('http to a loopback host only with the dev setting', () => {
    expect(refusal({}, { baseUrl: 'http://127.0.0.1:8091' })).toBe(
      'customer "acme", vendor "demo-ads": overrides.baseUrl: must be https (http to a loopback host only with DIF_ALLOW_LOOPBACK_HTTP=1, for local mock vendors)',
    );
    for (const baseUrl of ['http://127.0.0.1:8091', 'http://localhost:1234', 'http://[::1]:80']) {
      expect(() => checkCustomerValues('acme', 'demo-ads', {}, { baseUrl }, { allowLoopbackHttp: true })).not.toThrow();
    }
    expect(() => checkCustomerValues('acme', 'demo-ads', {}, { baseUrl: 'https://api.example.com/v2' })).not.toThrow();
  });
});

describe('header overrides are templates', () => {
  test('an escape payload is refused with the header named', () => {
    expect(refusal({}, { headers: { 'x-token': '${x)}); process.exit(1); ({}' } })).toMatch(
      /^customer "acme", vendor "demo-ads": overrides\.headers\["x-token"\]: expected "}" to close "\$\{" at column 4/,
    );
  });
  test('$raw, bad names and line breaks are refused', () => {
    expect(refusal({}, { headers: { 'x-a': '$raw{inputs.a}' } })).toBe('customer "acme", vendor "demo-ads": overrides.headers["x-a"]: $raw{} is not allowed here: use ${…}');
    expect(refusal({}, { headers: { 'x-a': '$auth{token}' } })).toBe(
      'customer "acme", vendor "demo-ads": overrides.headers["x-a"]: $auth{} is not allowed here: the signer fills places only in a request\'s "xml" body',
    );
    expect(refusal({}, { headers: { 'bad name': 'v' } })).toBe('customer "acme", vendor "demo-ads": overrides.headers["bad name"]: is not a valid HTTP header name');
    expect(refusal({}, { headers: { 'x-a': 'v\r\nx-b: w' } })).toBe('customer "acme", vendor "demo-ads": overrides.headers["x-a"]: holds a control character (a line break, a NUL…)');
  });
  test('a well-formed header template passes', () => {
    expect(() => checkCustomerValues('acme', 'demo-ads', {}, { headers: { 'x-account': 'acct-${inputs.account_id}' } })).not.toThrow();
  });
});

describe('override keys and inputs', () => {
  test('unknown override keys and fields are refused', () => {
    expect(refusal({}, { streams: {} })).toBe(
      'customer "acme", vendor "demo-ads": overrides.streams: cannot be overridden per customer; allowed: baseUrl, semaphore, concurrency, headers, rateLimit, timeoutSeconds, columns, tokenUrl, authVariant',
    );
    expect(refusal({}, { semaphore: { limit: 2, lease: 5 } })).toBe('customer "acme", vendor "demo-ads": overrides.semaphore.lease: unknown field; allowed: scope, limit, account, leaseSeconds, hold, maxWaitSeconds');
    expect(refusal({}, { timeoutSeconds: 1e9 })).toBe('customer "acme", vendor "demo-ads": overrides.timeoutSeconds: must be a number of seconds from 0.1 to 86400');
  });
  test('inputs are strings or numbers of bounded length under plain names', () => {
    expect(refusal({ account_id: { $gt: '' } }, {})).toBe('customer "acme", vendor "demo-ads": inputs.account_id: must be a string, a number or a list of them, not object');
    expect(refusal({ account_id: 'x'.repeat(2_049) }, {})).toBe('customer "acme", vendor "demo-ads": inputs.account_id: is 2049 characters; at most 2048');
    expect(refusal({ constructor: 'x' }, {})).toBe('customer "acme", vendor "demo-ads": inputs.constructor: "constructor" cannot be an input name');
    expect(refusal({ 'Account-Id': 'x' }, {})).toMatch(/inputs\["Account-Id"\]: an input name is lower-case letters/);
    expect(() => checkCustomerValues('acme', 'demo-ads', { account_id: 'act_1001', n: 7, empty: null }, {})).not.toThrow();
  });
});

describe('CustomerRepository checks on write and on read', () => {
  // A pool stand-in: records queries and answers a stored row; no MySQL needed.
  const { CustomerRepository } = jest.requireActual('../../../adapters/mysql/customers');
  function repository(storedOverrides: unknown) {
    const queries: string[] = [];
    const pool = {
      query: async (sql: string) => {
        queries.push(sql);
        return [[{ customer_id: 'acme', vendor: 'demo-ads', inputs: '{}', overrides: JSON.stringify(storedOverrides), enabled: 1, clean_room: 0 }]];
      },
    };
    return { repo: new CustomerRepository(pool as never), queries };
  }

  test('a metadata baseUrl is refused before anything is written', async () => {
    const { repo, queries } = repository({});
    await expect(repo.upsertCustomerVendor('acme', 'demo-ads', {}, { baseUrl: 'http://169.254.169.254' })).rejects.toThrow(
      'customer "acme", vendor "demo-ads": overrides.baseUrl: 169.254.169.254 is a link-local or cloud metadata address; DIF never calls it',
    );
    expect(queries).toEqual([]);
  });

  test('a row stored before the checks is refused when read', async () => {
    const { repo } = repository({ headers: { 'x-a': '${x)}); process.exit(1); ({}' } });
    await expect(repo.findCustomerVendor('acme', 'demo-ads')).rejects.toThrow(/^customer "acme", vendor "demo-ads": overrides\.headers\["x-a"\]: expected "}"/);
    const clean = repository({ baseUrl: 'https://api.example.com' });
    await expect(clean.repo.findCustomerVendor('acme', 'demo-ads')).resolves.toMatchObject({ overrides: { baseUrl: 'https://api.example.com' } });
  });
});
