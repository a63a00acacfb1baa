/**
 * The grammar of DIF's vendor config language. One source of truth: the TypeScript types
 * are derived from these schemas (Static<>), and `npm run schema` writes them out as the
 * JSON Schema file that vendor configs point to with "$schema". Every field carries a
 * description and an example so the schema doubles as the manual.
 *
 * The step and auth unions are discriminated by `kind` so new kinds (paginated, dependent,
 * async jobs; OAuth2, signers) slot in without touching the existing ones.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const doc = <T extends TSchema>(schema: T, description: string, example?: unknown): T =>
  Object.assign(schema, { description }, example === undefined ? {} : { examples: [example] });

/** A string that may hold `${expression}` templates evaluated per request. */
const Template = (description: string, example: string) =>
  doc(Type.String({ minLength: 1 }), `${description} May contain \${expression} templates.`, example);

const Identifier = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 63 });

export const SecretRef = doc(
  Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
  'Name of a credential stored (encrypted) for this customer and vendor. Resolved only inside activities.',
  'api_key',
);

export const ApiKeyAuth = Type.Object(
  {
    kind: Type.Literal('apiKey'),
    in: doc(Type.Union([Type.Literal('header'), Type.Literal('query')]), 'Where the key is sent.', 'header'),
    name: doc(Type.String({ minLength: 1 }), 'Header or query parameter name.', 'X-Api-Key'),
    secret: SecretRef,
  },
  { additionalProperties: false, description: 'A static API key sent in a header or the query string.' },
);

export const BearerAuth = Type.Object(
  { kind: Type.Literal('bearer'), secret: SecretRef },
  { additionalProperties: false, description: 'Authorization: Bearer <secret>.' },
);

export const NoAuth = Type.Object(
  { kind: Type.Literal('none') },
  { additionalProperties: false, description: 'The API needs no authentication.' },
);

export const Auth = doc(Type.Union([ApiKeyAuth, BearerAuth, NoAuth]), 'How requests are authenticated.');

export const RequestSpec = Type.Object(
  {
    method: Type.Optional(doc(Type.Union([Type.Literal('GET'), Type.Literal('POST')]), 'HTTP method.', 'GET')),
    path: Template('Path appended to the vendor baseUrl.', '/v1/accounts/${inputs.account_id}/stats'),
    query: Type.Optional(
      doc(Type.Record(Type.String(), Type.String()), 'Query parameters; values are templates.', {
        start_date: '${window.from}',
      }),
    ),
    headers: Type.Optional(doc(Type.Record(Type.String(), Type.String()), 'Extra request headers; values are templates.')),
    body: Type.Optional(doc(Type.Unknown(), 'JSON body for POST; string leaves are templates.')),
  },
  { additionalProperties: false, description: 'An HTTP request, relative to the vendor baseUrl.' },
);

export const Decode = Type.Object(
  {
    format: doc(
      Type.Union(['json', 'ndjson', 'csv', 'tsv', 'xlsx'].map((f) => Type.Literal(f))),
      'Format of the body or file. For `json`, the step\'s `records` selects the array of records: when it is a plain path ' +
        '(`response`, `response.data`, `response.report.rows`, `response["data"]`) the array is streamed record by record (objects ' +
        'under 8 MiB are parsed whole, which is faster), so memory stays bounded whatever the size; any other expression (a filter, a map, a concatenation) is evaluated over the whole ' +
        'document in the sandbox, which holds the document in memory. For `ndjson` every line is a record; for `csv`/`tsv` and ' +
        '`xlsx` (its first worksheet) every row is a record, keyed by the header row or `columns`; `records` is not used for them.',
      'json',
    ),
    compression: Type.Optional(
      doc(Type.Union(['none', 'gzip', 'zip', 'auto'].map((c) => Type.Literal(c))), 'Compression; `auto` detects gzip and zip by their magic bytes (for `xlsx`, itself a zip, only gzip). A zip archive gives one file per entry. Default none.', 'gzip'),
    ),
    header: Type.Optional(doc(Type.Boolean(), 'CSV/TSV: whether the first row names the columns. Default true.', true)),
    columns: Type.Optional(doc(Type.Array(Type.String()), 'CSV/TSV without a header: the column names, in order.', ['date', 'clicks'])),
  },
  { additionalProperties: false, description: 'How a response body or downloaded file is decoded into records.' },
);

export const SingleStep = Type.Object(
  {
    kind: Type.Literal('single'),
    name: doc(Identifier, 'Step name; appears in object keys and the Temporal UI.', 'stats'),
    request: RequestSpec,
    decode: Type.Optional(Decode),
    records: doc(
      Type.String({ minLength: 1 }),
      'JavaScript expression over `response` (the decoded body) giving the array of records.',
      'response.data',
    ),
  },
  { additionalProperties: false, description: 'One HTTP call whose response holds the records.' },
);

export const Step = doc(Type.Union([SingleStep]), 'One step of a stream, chosen by `kind`.');

export const ColumnType = doc(
  Type.Union(['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp'].map((t) => Type.Literal(t))),
  'Warehouse type of the column.',
  'integer',
);

export const Column = Type.Object(
  {
    name: doc(Identifier, 'Column name in the warehouse table.', 'spend'),
    type: ColumnType,
    source: Type.Optional(
      doc(
        Type.String({ minLength: 1 }),
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
    metadata: Type.Optional(
      doc(
        Type.Union(['customer', 'vendor', 'stream', 'window_from', 'window_to', 'run_id', 'extracted_at'].map((m) => Type.Literal(m))),
        'Fills the column from the run instead of the record. (Every table also gets _dif_customer, _dif_run_id and _dif_extracted_at.)',
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
);

export const RejectPolicy = Type.Object(
  {
    maxRows: Type.Optional(doc(Type.Integer({ minimum: 0 }), 'Rejected rows tolerated before the run fails. Default 0.', 100)),
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
);

export const TableSpec = Type.Object(
  {
    name: doc(Identifier, 'Target table in the warehouse.', 'demo_ads_campaign_daily'),
    primaryKey: doc(Type.Array(Identifier, { minItems: 1 }), 'Columns that identify a row; loads merge on them.', [
      'campaign_id',
      'date',
    ]),
    columns: doc(Type.Array(Column, { minItems: 1 }), 'Columns of the table, in order.'),
    explode: Type.Optional(
      doc(
        Type.String({ pattern: '^record((\\.[A-Za-z_$][A-Za-z0-9_$]*)|(\\["[^"]*"\\]))+$' }),
        'Path of a nested array in each record: every element becomes one row, available to sources as `item` ' +
          '(the record stays `record`). A record whose array is empty or missing gives no row.',
        'record.actions',
      ),
    ),
    rejects: Type.Optional(RejectPolicy),
  },
  { additionalProperties: false },
);

export const Stream = Type.Object(
  {
    description: Type.Optional(Type.String()),
    steps: doc(Type.Array(Step, { minItems: 1 }), 'The chain of steps that fetches the stream.'),
    table: TableSpec,
  },
  { additionalProperties: false },
);

export const InputSpec = Type.Object(
  {
    name: doc(Identifier, 'Input name, used as `inputs.<name>` in expressions.', 'account_id'),
    type: doc(Type.Union([Type.Literal('string'), Type.Literal('integer')]), 'Input type.', 'string'),
    required: Type.Optional(doc(Type.Boolean(), 'Whether the customer must have it. Default true.', true)),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const SemaphoreSpec = Type.Object(
  {
    scope: doc(
      Type.Union([Type.Literal('account'), Type.Literal('customer')]),
      '`account`: customers share one vendor account and one limit; `customer`: each customer has its own.',
      'customer',
    ),
    limit: doc(Type.Integer({ minimum: 1 }), 'Concurrent jobs allowed in the scope.', 2),
    leaseSeconds: Type.Optional(
      doc(Type.Integer({ minimum: 5 }), 'A holder that stops renewing loses the permit after this long.', 300),
    ),
  },
  { additionalProperties: false, description: 'Limits concurrent jobs against the vendor API.' },
);

export const VendorConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    vendor: doc(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), 'Vendor id; equals the folder name.', 'demo-ads'),
    title: doc(Type.String(), 'Human-readable vendor name.', 'Demo Ads'),
    baseUrl: doc(Type.String({ pattern: '^https?://' }), 'Base URL of the API.', 'https://api.example.com'),
    auth: Auth,
    headers: Type.Optional(doc(Type.Record(Type.String(), Type.String()), 'Headers sent with every request.')),
    inputs: doc(Type.Array(InputSpec), 'Customer-specific inputs read from MySQL.'),
    semaphore: SemaphoreSpec,
    window: Type.Optional(
      Type.Object(
        { maxDays: doc(Type.Integer({ minimum: 1 }), 'Largest window one request may cover.', 31) },
        { additionalProperties: false },
      ),
    ),
    streams: doc(Type.Record(Identifier, Stream, { minProperties: 1 }), 'Named streams, each loading one table.'),
  },
  { additionalProperties: false, $id: 'https://dif.dev/schemas/vendor-config.json', title: 'DIF vendor config' },
);

export type VendorConfig = Static<typeof VendorConfig>;
export type StreamConfig = Static<typeof Stream>;
export type StepConfig = Static<typeof Step>;
export type SingleStepConfig = Static<typeof SingleStep>;
export type AuthConfig = Static<typeof Auth>;
export type RequestConfig = Static<typeof RequestSpec>;
export type ColumnConfig = Static<typeof Column>;
export type ColumnTypeName = Static<typeof ColumnType>;
export type TableConfig = Static<typeof TableSpec>;
export type DecodeConfig = Static<typeof Decode>;
export type RejectPolicyConfig = Static<typeof RejectPolicy>;
