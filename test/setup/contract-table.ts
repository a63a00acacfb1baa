/**
 * The grammar of a vendor's contract table, `vendors/<vendor>/contract.json`: the whole
 * contract test of a vendor config, with no TypeScript. The mock vendor's routes answer with
 * the vendor's fixture files; each case registers a customer, runs ingestions and checks the
 * outcome, the rows in Postgres, the requests DIF sent and the stored cursor.
 * test/integration/vendors/contracts.test.ts runs every table; the README's "Contract tables"
 * section is the manual. Types are the grammar (TypeBox), as for vendor configs.
 *
 * Matchers (`Matcher`) compare a value in part: objects list only the keys they check, arrays
 * are matched item by item and must be as long, and an object whose keys start with `$` is
 * an operator: {"$regex": "…", "$flags": "s"}, {"$contains": "…"}, {"$notContains": "…"},
 * {"$absent": true}, {"$present": true}, {"$not": m}, {"$exact": v} (deep equality, no
 * extra keys), {"$json": m} (a string parsed as JSON, then matched), {"$closeTo": n}
 * (within 0.005), {"$any": true}, {"$all": [m, …]} (every one of the matchers), {"$keys": [k, …]}
 * (exactly these keys), {"$jwt": {alg, verifiesWith, notVerifiesWith?, header?, claims?}} (a
 * compact JWS verified with a public key, its header and claims segments matched as text). Strings in a table may hold `{{baseUrl}}`, the mock's URL,
 * `{{url:<server>}}`, another mock's, `{{key:<name>.<form>}}`, a key pair of `keys`, and in an
 * ingestion's `expect`, `{{workflowId}}`, its run's.
 */
import fs from 'node:fs';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const doc = <T extends TSchema>(schema: T, description: string, example?: unknown): T =>
  Object.assign(schema, { description }, example === undefined ? {} : { examples: [example] });

const Matcher = doc(Type.Unknown(), 'A value matched in part (see the operators in the module comment).', { page: '2', token: { $absent: true } });

const Signature = doc(
  Type.Union([
    Type.Object({ naverHmac: Type.Object({ secretKey: Type.String(), apiKey: Type.String() }) }, { additionalProperties: false }),
    Type.Object(
      { awsSigV4: Type.Object({ accessKeyId: Type.String(), secretAccessKey: Type.String(), region: Type.String(), service: Type.String() }) },
      { additionalProperties: false },
    ),
    Type.Object(
      { oauth1: Type.Object({ consumerSecret: Type.String(), tokenSecret: Type.String() }, { additionalProperties: false }) },
      { additionalProperties: false },
    ),
  ]),
  'A request signature recomputed independently of DIF from the vendor’s documented algorithm (test/mock-vendor/signatures.ts; `oauth1`: RFC 5849 HMAC-SHA1 from the Authorization header’s oauth_* parameters, test/setup/oauth1-reference.ts); it must verify.',
  { naverHmac: { secretKey: 'naver-secret-key-SECRET', apiKey: '0100000000naver-license-SECRET' } },
);

export const RequestMatch = doc(
  Type.Object(
    {
      method: Type.Optional(Type.String()),
      query: Type.Optional(doc(Matcher, 'The decoded query parameters, matched in part.', { page: '1' })),
      headers: Type.Optional(doc(Matcher, 'Headers by lower-case name, matched in part.', { authorization: 'Bearer abc' })),
      json: Type.Optional(doc(Matcher, 'The body parsed as JSON or as a form, matched in part.', { startRow: 0 })),
      body: Type.Optional(doc(Matcher, 'The raw body text.', { $contains: 'campaign' })),
      xml: Type.Optional(
        doc(Matcher, 'The body parsed as XML (namespace prefixes removed, attributes as `@name`, an element with attributes as {"#text", …}), matched in part.', {
          Envelope: { Header: { CustomerAccountId: { '#text': '180123456' } } },
        }),
      ),
      signature: Type.Optional(Signature),
      not: Type.Optional(doc(Type.Unknown(), 'A RequestMatch that must NOT hold.', { headers: { authorization: 'Basic …' } })),
    },
    { additionalProperties: false },
  ),
  'What a request must be: every field given must match.',
  { query: { page: '2' } },
);
export type RequestMatch = Static<typeof RequestMatch>;

const PathSelector = {
  path: Type.Optional(doc(Type.String(), 'The exact path.', '/v1/campaigns')),
  pathPattern: Type.Optional(doc(Type.String(), 'A regular expression tested against the path, instead of `path`.', '^/rest/')),
};

const Vary = doc(
  Type.Object({ start: Type.Integer(), prefix: Type.Optional(Type.String()), pad: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
  'The n-th copy (from 0) gets start + n: a number, or with `prefix` a string, the number zero-padded to `pad` digits.',
  { start: 1, prefix: 'c', pad: 2 },
);

const AnswerEdit = doc(
  Type.Object(
    {
      repeat: Type.Optional(
        Type.Object(
          {
            at: doc(Type.String(), 'The dotted path of an array in the answer.', 'data.reportingDataResponse.row'),
            item: doc(Type.Integer({ minimum: 0 }), 'The index of the item copied.', 0),
            count: doc(Type.Integer({ minimum: 1, maximum: 10000 }), 'How many copies replace the array.', 1000),
            vary: Type.Optional(doc(Type.Record(Type.String(), Vary), 'Fields of each copy (dotted paths inside the item) numbered by copy.', { id: { start: 1, prefix: 'c', pad: 2 } })),
          },
          { additionalProperties: false },
        ),
      ),
      set: Type.Optional(doc(Type.Record(Type.String(), Type.Unknown()), 'Values put at dotted paths (after `repeat`).', { next_cursor: null })),
      remove: Type.Optional(doc(Type.Array(Type.String()), 'Dotted paths taken out (after `set`): an array item (`…nodes[1]`) or a field.', ['data.orders.nodes[0].lineItems.nodes[1]'])),
    },
    { additionalProperties: false },
  ),
  'The answer (a JSON file or body, after `replace`) changed before it is served: a page too big to commit built from a fixture’s item, a field varied for one case.',
  { repeat: { at: 'data', item: 0, count: 45, vary: { id: { start: 1, prefix: 'c', pad: 2 } } }, set: { next_cursor: null } },
);
export type AnswerEdit = Static<typeof AnswerEdit>;

export const ContractRoute = doc(
  Type.Object(
    {
      method: doc(Type.String(), 'The HTTP method.', 'GET'),
      ...PathSelector,
      when: Type.Optional(doc(RequestMatch, 'The route answers only requests that match.', { query: { page: '2' } })),
      file: Type.Optional(doc(Type.String(), 'The answer: a fixture file of the vendor’s fixtures folder.', 'report-page-1.json')),
      body: Type.Optional(doc(Type.String(), 'The answer inline, when no file (keep to tiny token answers).', '{"access_token":"t"}')),
      status: Type.Optional(doc(Type.Integer(), 'HTTP status; 200 unless given.', 429)),
      headers: Type.Optional(doc(Type.Record(Type.String(), Type.String()), 'Answer headers.', { 'retry-after': '1' })),
      gzip: Type.Optional(doc(Type.Boolean(), 'Serve the file gzip-compressed.', true)),
      zip: Type.Optional(doc(Type.String(), 'Serve the file inside a zip archive under this entry name.', 'report.csv')),
      times: Type.Optional(doc(Type.Integer({ minimum: 1 }), 'Answer this many matching requests, then step aside for later routes (an error once, then the page).', 1)),
      replace: Type.Optional(
        doc(Type.Record(Type.String(), Type.String()), 'Texts replaced in the answer (a fixture varied for one case: another token echoed, another host named).', { 'meta-access-SECRET': 'meta-access-SECRET-1002' }),
      ),
      edit: Type.Optional(AnswerEdit),
    },
    { additionalProperties: false },
  ),
  'One answer of the mock vendor. Routes are tried in order; the first that matches answers.',
);

export const RequestsCheck = doc(
  Type.Object(
    {
      what: Type.Optional(doc(Type.String(), 'Why this check, shown when it fails.', 'page 2 throttled once')),
      server: Type.Optional(doc(Type.String(), 'The requests of one of `servers` (the main mock’s unless given).', 'pod')),
      method: Type.Optional(Type.String()),
      ...PathSelector,
      where: Type.Optional(doc(RequestMatch, 'Only the run’s requests that match are checked.')),
      count: Type.Optional(doc(Type.Integer({ minimum: 0 }), 'How many there are.', 2)),
      atLeast: Type.Optional(doc(Type.Integer({ minimum: 0 }), 'At least this many.', 1)),
      atMost: Type.Optional(doc(Type.Integer({ minimum: 0 }), 'At most this many.', 3)),
      each: Type.Optional(doc(RequestMatch, 'Every one of them matches.')),
      items: Type.Optional(doc(Type.Array(RequestMatch), 'One match per request, in the order they were sent (and as many).')),
      notStored: Type.Optional(
        doc(Type.Array(Type.String()), 'Dotted paths into each selected request (`json.client_secret`, `headers.authorization`) whose values are credentials: nowhere in the object store, the error or a checked history.', ['json.client_secret']),
      ),
      gaps: Type.Optional(
        doc(
          Type.Array(Type.Object({ from: Type.Integer({ minimum: 0 }), to: Type.Integer({ minimum: 0 }), atLeastMs: Type.Optional(Type.Number()), lessThanMs: Type.Optional(Type.Number()) }, { additionalProperties: false })),
          'Time between two of the selected requests (by index): waits, holds and rate costs.',
          [{ from: 0, to: 1, atLeastMs: 1485, lessThanMs: 3500 }],
        ),
      ),
    },
    { additionalProperties: false },
  ),
  'A check of the requests DIF sent during the run (the mock records every request).',
);

export const RowsCheck = doc(
  Type.Object(
    {
      table: doc(Type.String(), 'The warehouse table (schema dif_test); only the case’s customer’s rows.', 'tiktok_ads_campaign_daily'),
      columns: Type.Optional(
        doc(Type.Array(Type.String()), 'SQL select expressions, in the order of each expected row. Cast for plain JSON values: `date::text`, `clicks::float8`; timestamps come back as ISO strings.', ['campaign_id', 'date::text', 'clicks::float8']),
      ),
      orderBy: Type.Optional(doc(Type.String(), 'SQL ORDER BY.', 'campaign_id, date')),
      where: Type.Optional(doc(Type.String(), 'An SQL condition added to the customer’s.', "campaign_id = '1'")),
      everyCustomer: Type.Optional(
        doc(Type.Boolean(), 'Rows of every customer in the table, not only the case’s: what an earlier case’s customer loaded (its rows kept NULL in a column a later run added).', true),
      ),
      equals: Type.Optional(doc(Type.Array(Type.Array(Matcher)), 'The rows, each an array of the columns’ values (matchers allowed).', [['1790000000000001', '2024-03-01', 75]])),
      count: Type.Optional(doc(Type.Integer({ minimum: 0 }), 'How many rows.', 3)),
    },
    { additionalProperties: false },
  ),
  'Rows loaded into the warehouse.',
);

export const ColumnsCheck = doc(
  Type.Object(
    {
      table: doc(Type.String(), 'The warehouse table (schema dif_test).', 'hubspot_contacts_all_properties'),
      types: doc(Matcher, 'Its columns as {column: Postgres data_type} from information_schema, matched in part (`{"$absent": true}` for a column that must not be there).', {
        acme_score: 'numeric',
        phone: { $absent: true },
      }),
    },
    { additionalProperties: false },
  ),
  'The columns of a table after the run: discovered fields typed, a column added (ALTER) or not.',
);
export type ColumnsCheck = Static<typeof ColumnsCheck>;

export const CredentialCheck = doc(
  Type.Object(
    {
      name: doc(Type.String(), 'The credential’s name in the customer’s store.', 'refresh_token'),
      equals: doc(Type.String(), 'The value it must hold, compared after decrypting; neither value is ever printed.', 'rft.fixture-rotated-refresh-SECRET'),
    },
    { additionalProperties: false },
  ),
  'A credential in the store after the run (a rotated refresh token kept, encrypted).',
);
export type CredentialCheck = Static<typeof CredentialCheck>;

export const StateCheck = Type.Object(
  {
    stream: Type.String(),
    partition: Type.Optional(doc(Type.String(), 'The partition; "" (none) unless given.', '')),
    value: doc(Type.Union([Type.String(), Type.Null()]), 'The stored incremental cursor, or null for none.', '2024-03-02T08:00:00.000Z'),
  },
  { additionalProperties: false },
);

export const RunExpect = Type.Object(
  {
    status: Type.Optional(doc(Type.Union([Type.Literal('COMPLETED'), Type.Literal('FAILED')]), 'The run’s outcome.', 'FAILED')),
    outcome: Type.Optional(doc(Matcher, 'The whole run outcome (recordsFetched, rowsLoaded, summary, …), matched in part.', { recordsFetched: 0 })),
    runStatus: Type.Optional(doc(Matcher, 'What `dif runs status` tells of the run, matched in part.', { failedPartitions: ['4440000000'] })),
    partitionStatus: Type.Optional(doc(Type.Record(Type.String(), Matcher), 'What `dif runs status <run>/<partition>` tells, by partition.', { '3330000000': { partition: '3330000000' } })),
    retried: Type.Optional(doc(Matcher, 'A retry run: the partitions it retried and its outcome.', { partitions: ['4440000000'] })),
    history: Type.Optional(
      doc(
        Type.Object({ contains: Type.Optional(Type.Array(Type.String())), notContain: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }),
        'The run’s workflow history as the Web UI shows it (payloads decoded); the customer’s secrets are always checked absent when this is given.',
        { contains: ['53521019856'], notContain: ['Atza|token'] },
      ),
    ),
    error: Type.Optional(doc(Matcher, 'The failed run’s error text.', { $regex: 'answered 401: .*Unauthorized' })),
    summary: Type.Optional(doc(Matcher, 'The run’s summary (rows, partitions, itemsIgnored), matched in part.')),
    statusSummary: Type.Optional(doc(Matcher, 'The summary line `dif runs status` shows.')),
    progress: Type.Optional(doc(Matcher, 'A backfill’s progress, matched in part.', { completed: 1 })),
    rows: Type.Optional(Type.Array(RowsCheck)),
    requests: Type.Optional(Type.Array(RequestsCheck)),
    state: Type.Optional(doc(Type.Array(StateCheck), 'Stored incremental cursors after the run.')),
    columns: Type.Optional(Type.Array(ColumnsCheck)),
    credentials: Type.Optional(Type.Array(CredentialCheck)),
    storedNotContain: Type.Optional(doc(Type.Array(Type.String()), 'Texts that must be nowhere in the object store or the error, besides the customer’s secrets (always checked).', ['Atza|fixture-access-token'])),
    mailbox: Type.Optional(
      doc(
        Type.Array(Type.Object({ folder: Type.String(), messages: Type.Optional(Type.Integer({ minimum: 0 })), atLeast: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false })),
        'How many messages an IMAP folder of the test user holds after the run (`{{files.folder}}`, the case’s; `DIF/Processed`, where taken ones go).',
        [{ folder: '{{files.folder}}', messages: 1 }],
      ),
    ),
    manifest: Type.Optional(
      doc(
        Matcher,
        'The file manifest of the customer (the files taken, in order) as [{path, run}], run the index of the case’s run that took it; `{{files.folder}}` in a path.',
        [{ path: '{{files.folder}}/orders_20240901.csv.gz', run: 0 }],
      ),
    ),
    workflow: Type.Optional(
      doc(
        Type.Object({ timers: Type.Optional(Matcher), activities: Type.Optional(Matcher) }, { additionalProperties: false }),
        'The run’s workflow history: its timers’ durations in seconds and the activity types scheduled, in order.',
        { timers: [15], activities: ['prepareRun', 'acquirePermit', 'fetchFiles'] },
      ),
    ),
  },
  { additionalProperties: false },
);

const MailDrop = Type.Object(
  {
    from: Type.String(),
    subject: Type.String(),
    date: doc(Type.String(), 'When it was sent (ISO time).', '2024-09-02T07:30:00.000Z'),
    text: Type.String(),
    attachments: Type.Optional(Type.Array(Type.Object({ filename: Type.String(), file: doc(Type.String(), 'A fixture file of the vendor.', 'Daily_Performance_2024-09-01.csv') }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);

export const FileDrop = doc(
  Type.Object(
    {
      sftp: Type.Optional(
        doc(
          Type.Object(
            {
              name: doc(Type.String(), 'The file’s name in the case’s folder.', 'orders_20240901.csv.gz'),
              file: Type.Optional(doc(Type.String(), 'Its content: a fixture file of the vendor.', 'orders_20240901.csv')),
              text: Type.Optional(doc(Type.String(), 'Its content inline, instead of a file.', 'still uploading')),
              gzip: Type.Optional(doc(Type.Boolean(), 'The content gzip-compressed.', true)),
              modifiedLater: Type.Optional(doc(Type.Boolean(), 'Its modification time a minute in the future: a file re-sent.', true)),
            },
            { additionalProperties: false },
          ),
          'A file written into the case’s folder of the test user on the SFTP/FTP servers (test/setup/file-drops.ts): `{{files.folder}}` is its remote path.',
        ),
      ),
      mail: Type.Optional(doc(MailDrop, 'A message appended over IMAP to the case’s mailbox folder, `{{files.folder}}`.')),
      afterWait: Type.Optional(doc(Type.Boolean(), 'Delivered once the run waits (a timer started in its history), not before it: a vendor that delivers late. The run needs a stream.', true)),
    },
    { additionalProperties: false },
  ),
  'A delivery of a file source (scripts/file-servers.sh), one of sftp or mail.',
);
export type FileDrop = Static<typeof FileDrop>;

export const ContractRun = Type.Object(
  {
    kind: Type.Optional(
      doc(Type.Union([Type.Literal('ingest'), Type.Literal('backfill'), Type.Literal('retry')]), 'An ingestion (default), a backfill workflow of one item, or `dif retry` of the case’s first run’s failed partitions.', 'backfill'),
    ),
    window: Type.Optional(doc(Type.Object({ from: Type.String(), to: Type.String() }), 'The date window (not for a retry).', { from: '2024-03-01', to: '2024-03-02' })),
    stream: Type.Optional(doc(Type.String(), 'One stream (all of the vendor’s unless given; a backfill needs one).', 'campaign_daily')),
    maxAttempts: Type.Optional(doc(Type.Integer({ minimum: 1 }), 'Attempts per activity; 4 unless given.', 1)),
    drops: Type.Optional(doc(Type.Array(FileDrop), 'Deliveries of a file source before the run (or during it: afterWait); the case needs `files`.')),
    expect: RunExpect,
  },
  { additionalProperties: false },
);

export const ContractCase = Type.Object(
  {
    name: doc(Type.String(), 'What the case proves; the test’s name.', 'campaign_daily: pages until total_page, rows loaded'),
    inputs: Type.Optional(doc(Type.Record(Type.String(), Type.Unknown()), 'The customer’s inputs.', { advertiser_id: '7000000000000000001' })),
    secrets: Type.Optional(doc(Type.Record(Type.String(), Type.String()), 'The customer’s credentials. None may appear in errors or stored objects.', { access_token: 'tiktok-access-SECRET' })),
    notSecret: Type.Optional(
      doc(Type.Array(Type.String()), 'Credentials of `secrets` that are not secret and so not scanned for: a file source’s user name, which is in the paths it stores (the credential store reveals it as notSecret too).', ['sftp_user']),
    ),
    overrides: Type.Optional(doc(Type.Record(Type.String(), Type.Unknown()), 'Customer overrides besides baseUrl (the mock’s URL).', { tokenUrl: '{{baseUrl}}/token' })),
    seedState: Type.Optional(doc(Type.Array(StateCheck), 'Incremental cursors stored before the first run.')),
    files: Type.Optional(
      doc(
        Type.Union([Type.Literal('sftp'), Type.Literal('imap')]),
        'The case reads a file source: a folder of its own on the test file servers (scripts/file-servers.sh) for its drops. Inputs and secrets may name `{{files.folder}}`, `{{files.sftpPort}}`, `{{files.imapPort}}` (numbers when a whole value), `{{files.user}}`, `{{files.clientKey}}`, `{{files.imapUser}}`, `{{files.imapPassword}}`, `{{files.cert}}`.',
        'sftp',
      ),
    ),
    runs: doc(Type.Array(ContractRun, { minItems: 1 }), 'The runs, one after another, each with what it must give.'),
  },
  { additionalProperties: false },
);
export type ContractCase = Static<typeof ContractCase>;
export type ContractRun = Static<typeof ContractRun>;

export const ContractTable = doc(
  Type.Object(
    {
      $schema: Type.Optional(Type.String()),
      description: doc(Type.String(), 'What the contract proves of the config.'),
      keys: Type.Optional(
        doc(
          Type.Record(Type.String(), Type.Union([Type.Literal('rsa'), Type.Literal('ec-p256')])),
          'Key pairs made fresh for each run of the tests (none committed), by name: `{{key:<name>.privateKey}}`, `.publicKey` (PEM), `.body` (the private key’s base64 without PEM armour), `.bodyMiddle` (64 characters of it), `.firstLine` (the PEM’s first line of base64), `.serviceAccountKey` (a Google service-account key file holding it).',
          { good: 'rsa', wrong: 'rsa' },
        ),
      ),
      signingClock: Type.Optional(doc(Type.String(), 'A fixed clock for request signers (ISO time), so signatures and signed dates are known.', '2024-03-01T12:00:00.000Z')),
      signingNonce: Type.Optional(doc(Type.String(), 'A fixed nonce for request signers (OAuth 1.0a), with signingClock.', 'difFixtureNonce0123456789abcdef0')),
      configEdits: Type.Optional(
        doc(
          Type.Array(
            Type.Object(
              {
                path: Type.String(),
                value: Type.Optional(Type.Unknown()),
                copyOf: Type.Optional(doc(Type.String(), 'Instead of `value`: a copy of the config’s value at this dotted path, put at `path` (which may be new: a stream copied under another name, then edited).', 'streams.contacts_all_properties')),
                add: Type.Optional(doc(Type.Boolean(), 'The field is not in the shipped config (its default made explicit, as a lease scaled down with the waits); without it, a path naming no field is an error, so a typo cannot pass for an edit.', true)),
                why: Type.String(),
              },
              { additionalProperties: false },
            ),
          ),
          'Changes to a copy of the config before the run, each with why (only waits scaled down, or a stream copied to try another policy; never the shipped behaviour).',
          [{ path: 'rateLimit.requestsPerSecond', value: 50, why: 'the test paces faster' }],
        ),
      ),
      dropTables: Type.Optional(
        doc(Type.Array(Type.String({ pattern: '^[a-z_][a-z0-9_]*$' })), 'Warehouse tables (schema dif_test) dropped before the cases, so the first run creates them and a later one meets a new field.', ['hubspot_contacts_all_properties']),
      ),
      routes: doc(Type.Array(ContractRoute), 'The mock vendor’s answers, tried in order.'),
      servers: Type.Optional(
        doc(
          Type.Record(Type.String(), Type.Array(ContractRoute)),
          'More mock hosts by name, each with its routes (a login host naming an instance’s pod); `{{url:<name>}}` in a string is its URL, and run checks select its requests with `server`.',
          { pod: [{ method: 'GET', path: '/api/campaigns', file: 'campaigns.json' }] },
        ),
      ),
      cases: Type.Array(ContractCase, { minItems: 1 }),
    },
    { additionalProperties: false },
  ),
  'A vendor’s contract test: vendors/<vendor>/contract.json.',
);
export type ContractTable = Static<typeof ContractTable>;
export type ContractRoute = Static<typeof ContractRoute>;
export type RequestsCheck = Static<typeof RequestsCheck>;
export type RowsCheck = Static<typeof RowsCheck>;

/** Reads and checks a contract table; a mistake is named by file and JSON path. */
export function loadContractTable(file: string): ContractTable {
  const table: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const errors = [...Value.Errors(ContractTable, table)].slice(0, 5);
  if (errors.length > 0) {
    const jsonPath = (pointer: string) => `$${pointer.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replaceAll('/', '.')}`;
    throw new Error(`${file}: ${errors.map((e) => `${jsonPath(e.path)}: ${e.message}`).join('; ')}`);
  }
  const t = table as ContractTable;
  const paths = [
    ...t.routes.map((r, i) => [`$.routes[${i}]`, r] as const),
    ...t.cases.flatMap((c, i) => c.runs.flatMap((run, j) => (run.expect.requests ?? []).map((r, k) => [`$.cases[${i}].runs[${j}].expect.requests[${k}]`, r] as const))),
  ];
  for (const [where, r] of paths) {
    if (r.path !== undefined && r.pathPattern !== undefined) throw new Error(`${file}: ${where}: give path or pathPattern, not both`);
  }
  for (const [i, r] of t.routes.entries()) {
    if (r.path === undefined && r.pathPattern === undefined) throw new Error(`${file}: $.routes[${i}]: a route needs path or pathPattern`);
  }
  for (const [i, e] of (t.configEdits ?? []).entries()) {
    if ((e.value === undefined) === (e.copyOf === undefined)) throw new Error(`${file}: $.configEdits[${i}]: give value or copyOf, one of them`);
  }
  return t;
}
