/**
 * The grammar of DIF's vendor config language. One source of truth: the TypeScript types
 * are derived from these schemas (Static<>), and `npm run schema` writes them out as the
 * JSON Schema file that vendor configs point to with "$schema". Every field carries a
 * description and an example so the schema doubles as the manual.
 *
 * The step and auth unions are discriminated by `kind` so new kinds (paginated, dependent,
 * async jobs; OAuth2, signers) slot in without touching the existing ones.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Auth } from '../auth/grammar-registry';
import { UsageHeaders } from './usage-headers-grammar';
import { QueryCost } from './query-cost-grammar';
import { AnswerField, DAY_SECONDS, doc, Expression, HostPattern, Identifier, MAX_SAFE, RequestSpec, role, shape, TemplateValue } from './schema-parts';
import { stepKinds } from '../steps/registry';
import { PartitionsSpec } from './partitions';
import { LoadSpec } from './load-modes';
import { Incremental } from './incremental-grammar';
import { Freshness } from './freshness';
import { DiscoverFields } from './discovered-fields';
import { Check } from './check-grammar';

export { CodeRole, DefName, RequestSpec, SecretRef, sharedShapes, type CodeRoleName } from './schema-parts';
export { Auth } from '../auth/grammar-registry';
export { Decode, Pagination, StopRule, type DecodeConfig, type PaginationConfig, type StopRuleConfig } from '../steps/shared/grammar';
export type { SingleStepConfig } from '../steps/single/grammar';
export type { PaginatedStepConfig } from '../steps/paginated/grammar';
export type { DependentStepConfig } from '../steps/dependent/grammar';
export type { AsyncStepConfig } from '../steps/async/grammar';
export type { FilesStepConfig, FileSourceConfig } from '../steps/files/grammar';

export const Step = shape('Step', 'Step', doc(Type.Union(Object.values(stepKinds).map((kind) => kind.grammar)), 'One step of a stream, chosen by `kind`.'));

export const ColumnType = doc(
  Type.Union(['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp', 'json'].map((t) => Type.Literal(t))),
  'Warehouse type of the column. `json`: the value kept as JSON (an object, a list, any value), written to the CSV as its JSON text; ' +
    'Postgres `jsonb`, Redshift `SUPER`. A json column cannot be part of the key or `dedupBy`.',
  'integer',
);

export const PiiKind = doc(
  Type.Union(['email', 'phone', 'name', 'address', 'ip', 'device_id'].map((k) => Type.Literal(k))),
  'What personal value the column holds; it decides the normalisation (emails trimmed and lower-cased, phones in E.164, ' +
    'names and addresses lower-cased with single spaces, IPs and device ids trimmed and lower-cased).',
  'email',
);

export const ColumnPii = shape('ColumnPii', 'PII column', Type.Object(
  {
    kind: PiiKind,
    protect: Type.Optional(
      doc(
        Type.Union([Type.Literal('pseudonym'), Type.Literal('sha256'), Type.Literal('encrypt')]),
        '`pseudonym` (default): HMAC-SHA-256 of the normalised value under the customer\'s PII key (`dif customers pii-key`), ' +
          'so the same person joins across tables and vendors, and nobody without the key can reverse or match it. `sha256`: ' +
          'the unsalted SHA-256 of the normalised value that ad platforms match on (Customer Match, Custom Audiences); only for ' +
          'email and phone. `encrypt`: deterministic AES-256-GCM-SIV of the normalised value under the customer\'s own PII ' +
          'encryption key, held only in its clean room (`dif customers pii-encryption-key`), so joins and dedup still work and ' +
          'only the customer can decrypt (`dif customers pii-decrypt`); cells are `enc:v1:` and base64url; equal values give ' +
          'equal cells (that, and the length, is all it reveals). Clean-room customers only: a run outside a clean room fails.',
        'pseudonym',
      ),
    ),
    defaultCountryCode: Type.Optional(
      doc(
        Type.String({ pattern: '^[1-9][0-9]{0,2}$' }),
        'Phone columns: the country calling code for numbers written without one (digits only). Without it such numbers are rejected.',
        '1',
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Marks a personal column. Its value is protected in the preprocessor, before the CSV is written: the raw value never ' +
      'reaches the CSV, the warehouse or (for clean-room customers) anything outside the customer\'s cloud. The cell holds 64 ' +
      'hex characters. A value that does not normalise (an email without @) sends the row to the rejects file, without the value in the reason.',
  },
));

export const ColumnMoney = shape('ColumnMoney', 'Money column', Type.Object(
  {
    currency: doc(
      Type.String({ pattern: '^(record|item|parent)((\\.[A-Za-z_$][A-Za-z0-9_$]*)|(\\["[^"]*"\\]))+$' }),
      'Path of the amount\'s ISO 4217 currency code in the same record (`record.currency`), its exploded item or its parent.',
      'record.currency',
    ),
    amountIn: doc(
      Type.Union([Type.Literal('minor'), Type.Literal('major')]),
      '`minor`: the source is in the currency\'s minor units (cents; yen have none, fils are thousandths) and the column holds ' +
        'major units (a decimal column). `major`: the source is in major units and the column holds minor units (an integer column).',
      'minor',
    ),
    exponents: Type.Optional(
      doc(
        Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.Integer({ minimum: 0, maximum: 4 })),
        'Where the vendor\'s documentation departs from ISO 4217, its own minor units per currency (decimal places), which win ' +
          'over ISO\'s; say where they come from in the column\'s description.',
        { HUF: 0, TWD: 0 },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Converts an amount by its currency\'s ISO 4217 minor unit (JPY 0, USD 2, KWD 3 decimal places), the currency read from ' +
      'another field of the record. An amount whose currency is missing or unknown sends the row to the rejects file with the ' +
      'reason. Not with `format`.',
  },
));

export const Column = shape('Column', 'Column', Type.Object(
  {
    name: doc(Identifier, 'Column name in the warehouse table.', 'spend'),
    type: ColumnType,
    source: Type.Optional(
      Expression(
        'A path (`record.stats.spend`, `item.value`, `parent.id`) read directly, or any JavaScript expression over `record`, ' +
          '`item` (with `explode`), `parent`, `inputs`, `window` and `customer`, evaluated in the sandbox. Defaults to `record.<name>`.',
        'record.spend_micros / 1e6',
      ),
    ),
    nullable: Type.Optional(
      doc(Type.Boolean(), 'Whether the value may be empty. Default true. A row with an empty non-nullable value goes to the rejects file.', false),
    ),
    required: Type.Optional(
      doc(
        Type.Boolean(),
        'Whether the column must exist in the input: in the header of a CSV/TSV file, or as a field of the first record of a ' +
          'JSON/NDJSON file. Checked for path sources (`record.x`), not for expressions. A missing required column fails the run ' +
          'naming the column and the file. Default false.',
        true,
      ),
    ),
    format: Type.Optional(
      doc(
        Type.String({ minLength: 1 }),
        'How the source value is written. date/timestamp: `iso` (default), `epoch_seconds`, `epoch_millis`, or a pattern of ' +
          'YYYY, MM, DD, HH, mm, ss and literal separators (`MM/DD/YYYY`, `YYYYMMDD`, `DD.MM.YYYY HH:mm:ss`). ' +
          'decimal/integer: `micros` (the value is millionths: 1500000 → 1.5), `cents` (hundredths), `percent` ' +
          '(`12.5%` or `12.5` → 0.125). boolean: `yes_no` also accepts yes/no, y/n.',
        'micros',
      ),
    ),
    pii: Type.Optional(ColumnPii),
    default: Type.Optional(
      doc(
        Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
        'The value of the cell when the source yields nothing (missing, null or empty): a metric the vendor leaves out when it is ' +
          'zero becomes 0. Written as the warehouse value of the column\'s type (not in the source\'s `format`): 0 or "0.5" for ' +
          'numbers, "2026-01-31" for a date, true/false. The source stays a plain path (streamable). Not with `required` (a default ' +
          'says the field may be absent), `metadata` or `pii`.',
        0,
      ),
    ),
    money: Type.Optional(ColumnMoney),
    description: Type.Optional(
      doc(Type.String({ minLength: 1 }), 'What the column holds, for people, from the vendor\'s documentation (shown in the vendor catalogue).', 'Impressions on the day, in the account\'s time zone.'),
    ),
    metadata: Type.Optional(
      doc(
        Type.Union(['customer', 'vendor', 'stream', 'window_from', 'window_to', 'run_id', 'extracted_at', 'partition'].map((m) => Type.Literal(m))),
        'Fills the column from the run instead of the record; `partition` is the id of the run\'s partition (a stream with `partitions`). (Every table also gets _dif_customer, _dif_run_id and _dif_extracted_at.)',
        'vendor',
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'A column: where its value comes from (`source`, a path or an expression, or `metadata`), its type and format, and what the ' +
      'input must hold. A column whose source uses other fields of the record is a derived column.',
  },
));

export const RejectPolicy = shape('RejectPolicy', 'Reject policy', Type.Object(
  {
    maxRows: Type.Optional(doc(Type.Integer({ minimum: 0, maximum: MAX_SAFE }), 'Rejected rows tolerated before the run fails. Default 0.', 100)),
    maxPercent: Type.Optional(
      doc(Type.Number({ minimum: 0, maximum: 100 }), 'Rejected rows tolerated, as a percentage of all rows; either limit passing is enough.', 1),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Rows with a bad value (wrong type, empty non-nullable) go to a rejects file in the object store with the reason and the ' +
      'record or line number; the run fails only when more rows than this are rejected.',
  },
));

/** A path into the record, as `explode` takes. */
const RecordPath = Type.String({ pattern: '^record((\\.[A-Za-z_$][A-Za-z0-9_$]*)|(\\["[^"]*"\\]))+$' });

export const ChildTable = shape('ChildTable', 'Child table', Type.Object(
  {
    name: doc(Identifier, 'Warehouse table of the child rows; no other table of the config may have this name.', 'shopify_order_line_items'),
    from: Type.Optional(
      doc(
        RecordPath,
        'Path of the nested list in each parent record: every element becomes one child row, available to the columns as `item` ' +
          '(the parent record stays `record`). The parent key is copied from the parent record. Give `from` or `joinedBy`.',
        'record.lineItems.nodes',
      ),
    ),
    joinedBy: Type.Optional(
      Expression(
        'For files whose child records are records of their own next to their parents (a Shopify bulk operation\'s JSONL): ' +
          'the parent\'s key read from such a child `record`; `where` picks the child records. Needs a parent key of one column. ' +
          'Give `from` or `joinedBy`.',
        'record.__parentId',
      ),
    ),
    parentKey: Type.Optional(
      doc(
        Type.Array(Identifier, { minItems: 1 }),
        'Names of the columns that carry the parent\'s key in the child table, one per column of the parent\'s `primaryKey`, in its ' +
          'order (types taken from the parent). They come first in the child table and lead its key. Defaults to `parent_<column>`.',
        ['order_id'],
      ),
    ),
    primaryKey: doc(
      Type.Array(Identifier, { minItems: 1 }),
      'Columns that identify a child row within its parent; the child table\'s key is the parent key columns, then these.',
      ['id'],
    ),
    columns: doc(
      Type.Array(Column, { minItems: 1 }),
      'Columns of the child table besides the parent key, in order; a column without `source` reads `item.<name>` (with `from`) or `record.<name>` (with `joinedBy`).',
    ),
    where: Type.Optional(
      Expression(
        'Expression over `item` and `record` (with `from`) or `record` (with `joinedBy`): only those for which it is true become child rows.',
        'record.__parentId !== undefined',
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'A table of rows nested in (or joined to) the stream\'s records, loaded in the same transaction as the parent table: ' +
      'the children of every parent loaded are replaced by the new ones, so a child removed at the vendor disappears.',
  },
));
const ExplodePath = doc(
  Type.String({ pattern: '^record((\\.[A-Za-z_$][A-Za-z0-9_$]*)|(\\["[^"]*"\\])|(\\[[0-9]+\\]))+$' }),
  'Path of the nested value in each record.',
  'record.actions',
);

export const TableSpec = shape('Table', 'Table', Type.Object(
  {
    name: doc(Identifier, 'Target table in the warehouse.', 'demo_ads_campaign_daily'),
    primaryKey: doc(Type.Array(Identifier, { minItems: 1 }), 'Columns that identify a row; loads merge on them.', [
      'campaign_id',
      'date',
    ]),
    columns: doc(Type.Array(Column, { minItems: 1 }), 'Columns of the table, in order.'),
    explode: Type.Optional(
      doc(
        Type.Union([
          ExplodePath,
          Type.Object(
            {
              path: ExplodePath,
              parallel: Type.Optional(
                doc(
                  Type.Boolean(),
                  'The path holds an object of parallel arrays, one per metric, indexed alike (`{"impressions":[1,2],"clicks":[3,4]}`): ' +
                    'one row per index, the item holding each field\'s element at that index (`{"impressions":1,"clicks":3}`); a null or ' +
                    'shorter array gives null, a field that is not an array is the same in every item. As long as the longest array.',
                  true,
                ),
              ),
              indexAs: Type.Optional(
                doc(
                  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 63 }),
                  'A field added to each item holding its 0-based index (the day of a daily series, the position in a list); it ' +
                    'hides an element\'s own field of that name. An element that is not an object becomes `{"value": element, <indexAs>: i}`.',
                  'day_index',
                ),
              ),
            },
            { additionalProperties: false },
          ),
        ]),
        'Path of a nested array in each record: every element becomes one row, available to sources as `item` ' +
          '(the record stays `record`). A record whose array is empty or missing gives no row. Or an object: `path`, with ' +
          '`parallel` for one array per metric and `indexAs` for the element\'s index.',
        { path: 'record.id_data[0].metrics', parallel: true, indexAs: 'day_index' },
      ),
    ),
    where: Type.Optional(
      Expression(
        'Expression over `record` (and `parent`, `inputs`, `window`, `customer`): only records for which it is true become rows; the others are skipped, not rejected. For files that mix record types, as a Shopify bulk operation\'s JSONL mixes parents and their children (joined by `__parentId`).',
        'record.__parentId !== undefined',
      ),
    ),
    rejects: Type.Optional(RejectPolicy),
    load: Type.Optional(LoadSpec),
    children: Type.Optional(
      doc(
        Type.Array(ChildTable, { minItems: 1, maxItems: 20 }),
        'Child tables written from the same records (order → line items, refunds), each row carrying its parent\'s key, all ' +
          'loaded with the parent in one transaction.',
      ),
    ),
  },
  { additionalProperties: false, description: 'The warehouse table a stream loads: its name, key and columns.' },
));

export const Stream = shape('Stream', 'Stream', Type.Object(
  {
    description: Type.Optional(doc(Type.String(), 'What the stream holds, for people (shown in the vendor catalogue).', 'Daily spend and clicks per campaign.')),
    steps: doc(Type.Array(Step, { minItems: 1 }), 'The chain of steps that fetches the stream.'),
    partitions: Type.Optional(PartitionsSpec),
    table: TableSpec,
    incremental: Type.Optional(Incremental),
    discover: Type.Optional(DiscoverFields),
    freshness: Type.Optional(Freshness),
  },
  { additionalProperties: false, description: 'One kind of data fetched from the vendor (its steps) and the table it loads.' },
));

export const InputSpec = shape('Input', 'Input', Type.Object(
  {
    name: doc(Identifier, 'Input name, used as `inputs.<name>` in expressions.', 'account_id'),
    type: doc(
      Type.Union([Type.Literal('string'), Type.Literal('integer'), Type.Literal('list')]),
      'Input type. `list`: several strings (a JSON array, such as a customer\'s ad account ids; a single string is a list of one), for a stream\'s `partitions`.',
      'string',
    ),
    required: Type.Optional(doc(Type.Boolean(), 'Whether the customer must have it. Default true.', true)),
    description: Type.Optional(doc(Type.String(), 'What the input is and where a customer finds it.', 'The ad account id, from the account settings page.')),
  },
  { additionalProperties: false, description: 'A value each customer sets for this vendor (`dif customers set-vendor --inputs`), used as `inputs.<name>`.' },
));

export const PerRequestRetry = shape('PerRequestRetry', 'Per-request retry', Type.Object(
  {
    maxAttempts: Type.Optional(
      doc(Type.Integer({ minimum: 1, maximum: 100 }), 'Attempts of one request (the first included) before the activity fails and its own retry takes over; the count starts again after every answer that succeeds. 1 turns per-request retries off. Default 5.', 5),
    ),
    initialIntervalSeconds: Type.Optional(
      doc(Type.Number({ minimum: 0.001, maximum: 3600 }), 'First delay before a request is sent again when the vendor did not say how long to wait (503 without Retry-After, other 5xx, 408, a connection reset, a body cut short); doubled each attempt, with jitter. Default 0.5.', 0.5),
    ),
    maxIntervalSeconds: Type.Optional(doc(Type.Number({ minimum: 0.001, maximum: 3600 }), 'Longest such delay; not below `initialIntervalSeconds`. Default 30.', 30)),
    maxRetryAfterSeconds: Type.Optional(
      doc(
        Type.Number({ minimum: 0, maximum: 3600 }),
        'Longest Retry-After (seconds or an HTTP date, on a 429 or 503) waited inside the activity, heartbeating; a longer one fails the attempt and the activity\'s retry waits it without holding a worker. Default 120.',
        120,
      ),
    ),
  },
  { additionalProperties: false, description: 'How one request is retried inside the activity: throttling (429, 503) after the vendor\'s Retry-After, other transient failures after an exponential backoff with jitter.' },
));

export const ConcurrencySpec = shape('Concurrency', 'Concurrent requests', Type.Object(
  {
    requests: doc(
      Type.Integer({ minimum: 1, maximum: 10_000 }),
      'Requests in flight at the vendor at once, across every run and worker (Redis), in the scope below. Each request holds a place from before it is sent until its answer is read; waits between retries hold none.',
      4,
    ),
    scope: Type.Optional(
      doc(Type.Union([Type.Literal('account'), Type.Literal('customer')]), 'Shared by all customers of one account (account) or per customer. Default: as the semaphore (and its `account`).', 'account'),
    ),
    source: Type.Optional(doc(Type.String(), 'Where the vendor documents this limit.', 'https://developers.example.com/limits#concurrent-requests')),
  },
  { additionalProperties: false, description: 'The vendor\'s limit on concurrent requests, which the run-level semaphore (jobs) and the rate limit (requests per second) do not express: a dependent step with `concurrency: 4` sends at most this many requests at once.' },
));

export const SemaphoreSpec = shape('Semaphore', 'Semaphore', Type.Object(
  {
    scope: doc(
      Type.Union([Type.Literal('account'), Type.Literal('customer')]),
      '`account`: customers share one vendor account and one limit; `customer`: each customer has its own.',
      'customer',
    ),
    limit: doc(Type.Integer({ minimum: 1, maximum: 10_000 }), 'Concurrent jobs allowed in the scope (at most 10,000).', 2),
    account: Type.Optional(
      doc(
        Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }),
        'With scope `account`: which shared account, when a vendor has several; customers naming the same account share one limit. Usually set per customer in its overrides.',
        'agency-1',
      ),
    ),
    leaseSeconds: Type.Optional(
      doc(Type.Integer({ minimum: 5, maximum: DAY_SECONDS }), 'A holder that stops renewing loses the permit after this long (seconds, at most a day).', 300),
    ),
    hold: Type.Optional(
      doc(
        Type.Union([Type.Literal('calls'), Type.Literal('job')]),
        'What a permit guards. `calls` (default): held only while the run talks to the vendor; given back before a durable wait (a files step waiting for a late file, an async job between polls) and taken again in the fair queue after it. `job`: held from the first vendor call to the last and kept across the waits in between, for vendors that limit concurrent report jobs rather than concurrent requests. In both modes the permit is given back before CSV writing and the warehouse load.',
        'calls',
      ),
    ),
    maxWaitSeconds: Type.Optional(
      doc(
        Type.Integer({ minimum: 1 }),
        'Longest wait in the queue for a permit, each time one is asked for; the run then fails with PermitWaitTimeout. `dif run --max-wait` overrides it. Default 21600 (6 hours).',
        3600,
      ),
    ),
  },
  { additionalProperties: false, description: 'Limits concurrent jobs against the vendor API.' },
));

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });
const HttpsUrl = Type.String({ pattern: '^https://', maxLength: 2000 });

/** The catalogue's vendor categories, after the research notes' (shared/catalogue-research.md). */
export const VENDOR_CATEGORIES = [
  'search',
  'ad-platform',
  'dsp',
  'retail-media',
  'tv-video',
  'mobile-attribution',
  'analytics',
  'social',
  'crm',
  'marketing-automation',
  'ecommerce',
  'affiliate',
  'call-tracking',
  'reviews',
  'survey',
  'files',
] as const;

export const ApiLifecycle = shape('ApiLifecycle', 'API lifecycle', Type.Object(
  {
    version: doc(Type.String({ minLength: 1, maxLength: 100 }), 'The vendor API version this config is written for, as the vendor names it.', 'v25.0'),
    released: Type.Optional(doc(IsoDate, 'When the vendor released this version (YYYY-MM-DD).', '2026-02-18')),
    sunset: doc(
      Type.Union([IsoDate, Type.Null()]),
      'The day the vendor stops serving this version (YYYY-MM-DD), or null when none is announced. The suite fails once a shipped vendor is past it and warns from 90 days before; `dif vendors lifecycle` lists every vendor\'s days left.',
      '2027-02-23',
    ),
    notes: Type.Optional(doc(Type.String({ maxLength: 2000 }), 'Where the dates come from and when they were checked, or why there is none.', 'Marketing API version history, checked 2026-12-02.')),
    docs: doc(Type.Array(HttpsUrl, { minItems: 1 }), 'The vendor documentation pages this config and its fixtures follow.', ['https://developers.facebook.com/docs/marketing-api/insights']),
    changelog: Type.Optional(doc(HttpsUrl, 'The vendor\'s changelog or version history, to watch for the next version.', 'https://developers.facebook.com/docs/graph-api/changelog/versions')),
  },
  { additionalProperties: false, description: 'Which version of the vendor\'s API the config follows, where it is documented, and until when the vendor serves it.' },
));

export const BaseUrlDiscovery = shape('BaseUrlDiscovery', 'Base URL discovery', Type.Object(
  {
    request: doc(RequestSpec, 'The call that names the base URL, sent with the vendor\'s auth; an absolute `url`, as the base is not known yet.', { url: 'https://login.eloqua.com/id' }),
    field: doc(AnswerField, 'Field of its JSON answer holding the base URL.', 'urls.base'),
    hosts: doc(
      Type.Array(HostPattern, { minItems: 1 }),
      'Hosts the base URL may name (`*.` for any host under a domain). Credentials are sent there, so a base URL on any other host fails the run instead.',
      ['*.eloqua.com'],
    ),
  },
  {
    additionalProperties: false,
    description:
      'The API base URL is found by a call, once per run before anything is fetched, and pinned with the run (Eloqua: GET https://login.eloqua.com/id answers the pod\'s `urls.base`); it replaces `baseUrl` for the run. It must be an https URL on one of `hosts`.',
  },
));

export const VendorConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    vendor: doc(Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 63 }), 'Vendor id; equals the folder name.', 'demo-ads'),
    title: doc(Type.String(), 'Human-readable vendor name.', 'Demo Ads'),
    category: Type.Optional(
      doc(
        Type.Union(VENDOR_CATEGORIES.map((c) => Type.Literal(c))),
        'What kind of vendor this is, for the catalogue (docs/catalogue.md groups and counts vendors by it).',
        'ad-platform',
      ),
    ),
    api: Type.Optional(ApiLifecycle),
    baseUrlFrom: Type.Optional(BaseUrlDiscovery),
    baseUrl: Type.Optional(
      role(
        doc(
          Type.String({ pattern: '^https?://' }),
          'Base URL of the API. Required when a stream has HTTP steps; a vendor that only delivers files has none. May contain ${expression} templates over `inputs` (a regional host a customer chooses), rendered once when a run starts; the result must be an https URL.',
          'https://sellingpartnerapi-${inputs.region}.amazon.com',
        ),
        'template',
      ),
    ),
    auth: Type.Optional(doc(Auth, 'How API requests are authenticated. Required when a stream has HTTP steps; files steps name their own credentials.')),
    authVariants: Type.Optional(
      doc(
        Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 63 }), Auth),
        'Other ways of authenticating to the same API, by name, each a whole `auth` block. A customer uses one instead of `auth` through its override `authVariant` (Salesforce: a user\'s refresh token by default, the JWT bearer flow for a server-to-server integration; GA4: a user\'s OAuth consent or a service-account key). Validated as `auth` is.',
        { jwt_bearer: { kind: 'oauth2', grant: 'jwt_bearer', tokenUrl: '${baseUrl}/services/oauth2/token', clientId: 'client_id', assertion: { privateKey: 'private_key', subject: 'username', audience: 'https://login.salesforce.com' } } },
      ),
    ),
    headers: Type.Optional(doc(Type.Record(Type.String(), TemplateValue), 'Headers sent with every request; values are templates.', { 'linkedin-version': '202511' })),
    inputs: doc(Type.Array(InputSpec), 'Customer-specific inputs read from MySQL.'),
    semaphore: SemaphoreSpec,
    concurrency: Type.Optional(ConcurrencySpec),
    rateLimit: Type.Optional(
      Type.Object(
        {
          requestsPerSecond: doc(Type.Number({ minimum: 0.001, maximum: 100_000 }), 'Requests per second across all workers (Redis-backed), 0.001 to 100,000.', 5),
          scope: Type.Optional(
            doc(Type.Union([Type.Literal('account'), Type.Literal('customer')]), 'Shared by all customers (account) or per customer. Default: as the semaphore.', 'account'),
          ),
          source: Type.Optional(doc(Type.String(), 'Where the vendor documents this limit.', 'https://developers.example.com/rate-limits')),
          usageHeaders: Type.Optional(UsageHeaders),
          queryCost: Type.Optional(QueryCost),
        },
        { additionalProperties: false, description: 'The vendor’s request rate limit, enforced before every request.' },
      ),
    ),
    retry: Type.Optional(
      Type.Object(
        {
          maxAttempts: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 1_000 }), 'Attempts per activity for retryable failures (429, 5xx, network), at most 1,000. Default 8.', 8)),
          initialIntervalSeconds: Type.Optional(doc(Type.Number({ minimum: 0.01, maximum: DAY_SECONDS }), 'First retry delay, unless the vendor sent Retry-After; at most a day. Default 1.', 1)),
          maxIntervalSeconds: Type.Optional(doc(Type.Number({ minimum: 0.01, maximum: DAY_SECONDS }), 'Longest retry delay; not below `initialIntervalSeconds` (Temporal refuses that), at most a day. Default 60.', 60)),
          perRequest: Type.Optional(PerRequestRetry),
        },
        {
          additionalProperties: false,
          description:
            'Retry policy for calls to this vendor: each request is retried on its own first (`perRequest`), inside the activity; the activity\'s retry (`maxAttempts`, the intervals) is the outer net, for a request whose own budget ran out or a worker that died.',
        },
      ),
    ),
    errors: Type.Optional(
      Type.Object(
        {
          when: Type.Optional(
            Expression('Expression over a parsed page `response` (and `status`, `headers`) that is true when the vendor reports an error inside a 2xx answer.', 'response.code !== 0'),
          ),
          message: Type.Optional(Expression('Expression giving the vendor’s error message.', 'response.message')),
          retryWhen: Type.Optional(
            Expression(
              'Expression that is true when an error is transient (throttling, a busy backend): the call is retried with backoff instead of failing the run. Judged on 2xx pages where `when` held, on the JSON body of 4xx answers (Meta throttles with a 400 and codes 4, 17, 613, 80000–80014), and on GraphQL answers with `errors` (Shopify: `response.errors.some(e => e.extensions?.code === "THROTTLED")`).',
              '[40100, 50002].includes(response.code)',
            ),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Errors a vendor reports in the body rather than the status: inside HTTP 200 (TikTok `code` ≠ 0; checked on every page of a paginated or dependent step), or throttling sent as a 4xx (Meta).',
        },
      ),
    ),
    check: Type.Optional(Check),
    timeoutSeconds: Type.Optional(doc(Type.Number({ minimum: 0.1, maximum: DAY_SECONDS }), 'Per-request timeout in seconds, at most a day. Default 60.', 60)),
    window: Type.Optional(
      Type.Object(
        {
          maxDays: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 3_660 }), 'Largest window one run may cover (at most 3,660 days); longer ranges are split.', 31)),
          dateFormat: Type.Optional(
            doc(Type.String({ minLength: 1 }), 'The vendor’s date format, for `window.start` and `window.end` (`window.from`/`to` stay ISO).', 'YYYYMMDD'),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    streams: doc(Type.Record(Identifier, Stream, { minProperties: 1 }), 'Named streams, each loading one table.'),
  },
  { additionalProperties: false, $id: 'https://dif.dev/schemas/vendor-config.json', title: 'DIF vendor config' },
);

/** A config as written: a files-only vendor has no `baseUrl` or `auth`. */
export type VendorConfigDocument = Static<typeof VendorConfig>;
/**
 * A validated config, as the rest of DIF reads it: validation gives a files-only vendor
 * `auth` none, so auth code never checks for it. (`baseUrl` stays optional: validation
 * requires it whenever a stream has HTTP steps.)
 */
export type VendorConfig = Omit<VendorConfigDocument, 'auth'> & { auth: AuthConfig };
export type StreamConfig = Static<typeof Stream>;
export type StepConfig = Static<typeof Step>;
export type AuthConfig = Static<typeof Auth>;
export type RequestConfig = Static<typeof RequestSpec>;
export type ColumnConfig = Static<typeof Column>;
export type ColumnPiiConfig = Static<typeof ColumnPii>;
export type ColumnTypeName = Static<typeof ColumnType>;
export type TableConfig = Static<typeof TableSpec>;
export type ChildTableConfig = Static<typeof ChildTable>;
export type RejectPolicyConfig = Static<typeof RejectPolicy>;
