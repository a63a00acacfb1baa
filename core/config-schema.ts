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
import { DAY_SECONDS, doc, Expression, Identifier, MAX_SAFE, RequestSpec, role, SecretRef, shape, Template, TemplateValue } from './schema-parts';

export { CodeRole, DefName, RequestSpec, SecretRef, sharedShapes, type CodeRoleName } from './schema-parts';
export { Auth } from '../auth/grammar-registry';

export const Decode = shape('Decode', 'Decoding', Type.Object(
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
));

export const SingleStep = shape('SingleStep', 'Single step', Type.Object(
  {
    kind: Type.Literal('single'),
    name: doc(Identifier, 'Step name; appears in object keys and the Temporal UI.', 'stats'),
    request: RequestSpec,
    decode: Type.Optional(Decode),
    records: Type.Optional(
      Expression('JavaScript expression over `response` (the decoded body) giving the array of records. Default `response`.', 'response.data'),
    ),
  },
  { additionalProperties: false, description: 'One HTTP call whose response holds the records.' },
));


const ParamPlacement = doc(Type.Union([Type.Literal('query'), Type.Literal('body')]), 'Where the parameter goes. Default query.', 'query');

export const Pagination = shape('Pagination', 'Pagination', doc(
  Type.Union([
    Type.Object(
      {
        kind: Type.Literal('cursor'),
        next: Expression('Expression over `response`, `headers`, `status` giving the next cursor; empty, null or undefined ends.', 'response.paging?.cursors?.after'),
        param: doc(Type.String({ minLength: 1 }), 'Parameter that carries the cursor.', 'after'),
        in: Type.Optional(ParamPlacement),
      },
      { title: 'Cursor pagination', additionalProperties: false, description: 'A cursor or next-page token read from each response (Meta `paging.cursors.after`, Google Ads `nextPageToken`).' },
    ),
    Type.Object(
      {
        kind: Type.Literal('nextUrl'),
        next: Expression('Expression giving the URL of the next page (absolute, or relative to baseUrl); empty ends.', 'response.paging?.next'),
      },
      { title: 'Next-URL pagination', additionalProperties: false, description: 'The response names the next page by URL.' },
    ),
    Type.Object(
      { kind: Type.Literal('linkHeader') },
      { title: 'Link header pagination', additionalProperties: false, description: 'RFC 8288 `Link` header with rel="next" (GitHub, Shopify REST).' },
    ),
    Type.Object(
      {
        kind: Type.Literal('offset'),
        offsetParam: doc(Type.String({ minLength: 1 }), 'Parameter holding the offset.', 'offset'),
        limitParam: doc(Type.String({ minLength: 1 }), 'Parameter holding the page size.', 'limit'),
        limit: doc(Type.Integer({ minimum: 1, maximum: 1_000_000 }), 'Page size (at most 1,000,000).', 100),
        start: Type.Optional(doc(Type.Integer({ minimum: 0, maximum: MAX_SAFE }), 'First offset. Default 0.', 0)),
        in: Type.Optional(ParamPlacement),
      },
      { title: 'Offset pagination', additionalProperties: false, description: 'Offset and limit parameters; the offset grows by the records received.' },
    ),
    Type.Object(
      {
        kind: Type.Literal('page'),
        pageParam: doc(Type.String({ minLength: 1 }), 'Parameter holding the page number.', 'page'),
        start: Type.Optional(doc(Type.Integer({ minimum: 0, maximum: MAX_SAFE }), 'First page number. Default 1.', 1)),
        sizeParam: Type.Optional(doc(Type.String({ minLength: 1 }), 'Parameter holding the page size.', 'per_page')),
        size: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 1_000_000 }), 'Page size (at most 1,000,000).', 100)),
        in: Type.Optional(ParamPlacement),
      },
      { title: 'Page-number pagination', additionalProperties: false, description: 'Numbered pages.' },
    ),
  ]),
  'How the next page is requested, chosen by `kind`.',
));

export const StopRule = shape('StopRule', 'Stop rule', Type.Object(
  {
    when: Type.Optional(Expression('Expression that ends the pagination when true.', 'response.meta.current_page >= response.meta.total_pages')),
    onEmptyPage: Type.Optional(doc(Type.Boolean(), 'End when a page holds no records. Default true.', true)),
    total: Type.Optional(Expression('Expression giving the total number of records; ends once that many were received.', 'response.total')),
  },
  { additionalProperties: false, description: 'When a pagination ends, besides the pagination itself running out.' },
));

const pagedFields = {
  pagination: Pagination,
  stop: Type.Optional(StopRule),
  maxPages: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 1_000_000 }), 'Stop after this many pages (dry runs, samples).', 5)),
};

const fetchFields = {
  name: doc(Identifier, 'Step name; appears in object keys and the Temporal UI.', 'stats'),
  request: RequestSpec,
  decode: Type.Optional(Decode),
  records: Type.Optional(
    Expression('Expression over `response` giving the array of records. Default `response` (the body is the array).', 'response.data'),
  ),
};

export const PaginatedStep = shape('PaginatedStep', 'Paginated step', Type.Object(
  { kind: Type.Literal('paginated'), ...fetchFields, ...pagedFields },
  { additionalProperties: false, description: 'A call repeated page by page until the pagination or a stop rule ends it.' },
));

export const DependentStep = shape('DependentStep', 'Dependent step', Type.Object(
  {
    kind: Type.Literal('dependent'),
    ...fetchFields,
    from: Type.Optional(doc(Identifier, 'Step whose responses provide the items. Default: the previous step.', 'campaigns')),
    items: Expression(
      'Expression over each response of the `from` step giving the items to call this step for; each item is `parent` in this step’s expressions (and its records), outer items are `ancestors`.',
      'response.data.map(c => ({ id: c.id, name: c.name }))',
    ),
    concurrency: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 100 }), 'Calls in flight at once. Default 4.', 4)),
    batchSize: Type.Optional(
      doc(Type.Integer({ minimum: 1, maximum: 10_000 }), 'Items per activity: fewer, larger batches mean a shorter workflow history. Default 200.', 200),
    ),
    pagination: Type.Optional(Pagination),
    stop: Type.Optional(StopRule),
    maxPages: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 1_000_000 }), 'Pages per item at most.', 5)),
  },
  { additionalProperties: false, description: 'A call made once per item taken from an earlier step (ids, accounts, report rows).' },
));

export const AsyncStep = shape('AsyncStep', 'Async report job step', Type.Object(
  {
    kind: Type.Literal('async'),
    name: doc(Identifier, 'Step name.', 'report'),
    submit: Type.Object(
      {
        request: RequestSpec,
        jobId: Expression('Expression over the submit `response` giving the job id.', 'response.reportId'),
      },
      { additionalProperties: false, description: 'Creates the vendor job. Its id is kept, so a retried run never submits a second job.' },
    ),
    poll: Type.Object(
      {
        request: RequestSpec,
        status: Expression('Expression over the poll `response` giving the job status.', 'response.status'),
        done: doc(Type.Array(Type.String(), { minItems: 1 }), 'Statuses meaning the result is ready.', ['COMPLETED']),
        failed: doc(Type.Array(Type.String()), 'Statuses meaning the job failed.', ['FAILED']),
        failureReason: Type.Optional(Expression('Expression giving the vendor’s reason when the job failed.', 'response.failureReason')),
        intervalSeconds: doc(Type.Number({ minimum: 0.01, maximum: DAY_SECONDS }), 'First wait between polls (a durable timer: no worker is held); at most a day.', 30),
        backoff: Type.Optional(doc(Type.Number({ minimum: 1, maximum: 10 }), 'Each wait is the previous one times this (1 to 10). Default 1.5.', 1.5)),
        maxIntervalSeconds: Type.Optional(doc(Type.Number({ minimum: 0.01, maximum: DAY_SECONDS }), 'Longest wait between polls; not below `intervalSeconds`, at most a day. Default 600.', 600)),
        timeoutMinutes: doc(Type.Number({ minimum: 0.01, maximum: 43_200 }), 'The job fails when not done after this long (at most 30 days).', 120),
        eta: Type.Optional(Expression('Expression giving the seconds the vendor expects until done; used as the next wait.', 'response.estimatedSecondsRemaining')),
      },
      { additionalProperties: false, description: 'Polls the job on a durable timer until it is done or failed.' },
    ),
    download: Type.Optional(Type.Object(
      {
        url: Expression('Expression over the final poll `response` giving the result URL.', 'response.url'),
        auth: Type.Optional(doc(Type.Boolean(), 'Send the vendor’s auth with the download (false for pre-signed URLs). Default false.', false)),
      },
      {
        additionalProperties: false,
        description:
          'Fetches the result file, streamed to the object store. Omit it when the vendor serves results through its API (Meta `GET /{report_run_id}/insights`): the final poll answer is then the step’s response, for a `dependent` step to page through.',
      },
    )),
    cancel: Type.Optional(
      Type.Object({ request: RequestSpec }, { additionalProperties: false, description: 'Cancels the vendor job when the run is cancelled; `job.id` is the job id.' }),
    ),
    decode: Type.Optional(Decode),
    records: Type.Optional(Expression('Expression over the decoded result giving the records. Default `response`.', 'response')),
  },
  { additionalProperties: false, description: 'An asynchronous report: submit, poll, download.' },
));

const Port = doc(
  Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), role(Type.String({ minLength: 1 }), 'template')]),
  'Port, or a template giving it (`${inputs.sftp_port}`). Default: the protocol\'s own.',
  22,
);

const TrustedCa = Type.Optional(
  doc(SecretRef, 'Credential holding a PEM certificate to trust besides the system CAs, for a server with a private or self-signed certificate.', 'ca_cert'),
);

export const SftpSource = shape('SftpSource', 'SFTP source', Type.Object(
  {
    kind: Type.Literal('sftp'),
    host: Template('Server host name.', '${inputs.sftp_host}'),
    port: Type.Optional(Port),
    folder: Template('Remote folder to list.', '/outbound/${inputs.account_id}'),
    username: doc(SecretRef, 'Credential holding the user name.', 'sftp_user'),
    password: Type.Optional(doc(SecretRef, 'Credential holding the password. Give `password` or `privateKey`.', 'sftp_password')),
    privateKey: Type.Optional(doc(SecretRef, 'Credential holding an OpenSSH private key (PEM).', 'sftp_private_key')),
    hostKey: Type.Optional(
      Template(
        'SHA-256 of the server\'s host key, 64 hex digits (per customer: `${inputs.sftp_host_key}`): the connection is refused when the server shows another key. Without it any host key is accepted.',
        '${inputs.sftp_host_key}',
      ),
    ),
  },
  { additionalProperties: false, description: 'An SFTP folder (SSH file transfer).' },
));

export const FtpSource = shape('FtpSource', 'FTP source', Type.Object(
  {
    kind: Type.Literal('ftp'),
    host: Template('Server host name.', 'ftp.vendor.example'),
    port: Type.Optional(Port),
    folder: Template('Remote folder to list.', '/reports'),
    tls: Type.Optional(
      doc(
        Type.Union([Type.Literal('explicit'), Type.Literal('implicit'), Type.Literal('none')]),
        'FTPS: `explicit` (AUTH TLS on the control port, the default), `implicit` (TLS from the first byte, usually port 990), or `none` (plain FTP: the password travels in clear).',
        'explicit',
      ),
    ),
    ca: TrustedCa,
    username: doc(SecretRef, 'Credential holding the user name.', 'ftp_user'),
    password: doc(SecretRef, 'Credential holding the password.', 'ftp_password'),
  },
  { additionalProperties: false, description: 'An FTP or FTPS folder.' },
));

export const S3Source = shape('S3Source', 'S3 source', Type.Object(
  {
    kind: Type.Literal('s3'),
    bucket: Template('Bucket of the other account.', 'vendor-exports'),
    prefix: Type.Optional(Template('Key prefix to list; file names are the keys below it.', 'daily/${inputs.account_id}/')),
    region: Type.Optional(doc(Type.String({ minLength: 1 }), 'AWS region of the bucket. Default us-east-1.', 'eu-west-1')),
    endpoint: Type.Optional(Template('S3-compatible endpoint instead of AWS (path-style requests).', 'https://storage.example.com')),
    accessKeyId: doc(SecretRef, 'Credential holding the access key id of the other account.', 'aws_access_key_id'),
    secretAccessKey: doc(SecretRef, 'Credential holding its secret access key.', 'aws_secret_access_key'),
  },
  { additionalProperties: false, description: 'A prefix of an S3 bucket in another account, read with that account\'s credentials.' },
));

export const ImapSource = shape('ImapSource', 'IMAP mailbox source', Type.Object(
  {
    kind: Type.Literal('imap'),
    host: Template('IMAP server host name (TLS only).', 'imap.example.com'),
    port: Type.Optional(Port),
    folder: Type.Optional(Template('Mailbox folder to search. Default INBOX.', 'INBOX/Reports')),
    ca: TrustedCa,
    username: doc(SecretRef, 'Credential holding the user name.', 'imap_user'),
    password: doc(SecretRef, 'Credential holding the password (or app password).', 'imap_password'),
    from: Type.Optional(Template('Only messages whose sender address contains this.', 'reports@vendor.example')),
    subject: Type.Optional(Template('Regular expression the subject must match (case-insensitive).', '^Daily sales report')),
    link: Type.Optional(
      Expression(
        'Instead of attachments: expression over `message` (`subject`, `from`, `date`, `text`) giving the URL (or URLs) of the file to download, for reports mailed as a link.',
        '(message.text.match(/https:\\/\\/\\S+\\.csv/) || [])[0]',
      ),
    ),
    after: Type.Optional(
      Type.Union(
        [
          Type.Object({ flag: doc(Type.String({ minLength: 1 }), 'IMAP flag or keyword set on the message.', '$DifTaken') }, { additionalProperties: false }),
          Type.Object({ move: doc(Type.String({ minLength: 1 }), 'Folder the message is moved to.', 'Processed') }, { additionalProperties: false }),
        ],
        { description: 'What is done to a message once its files are stored and recorded in the manifest: flag it or move it. Default: nothing.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'A mailbox read over IMAP with TLS: attachments (or download links) of the messages selected.' },
));

export const FileSource = shape('FileSource', 'File source', doc(Type.Union([SftpSource, FtpSource, S3Source, ImapSource]), 'Where the files are, chosen by `kind`.'));

export const FilesStep = shape('FilesStep', 'Files step', Type.Object(
  {
    kind: Type.Literal('files'),
    name: doc(Identifier, 'Step name; appears in object keys, the manifest and the Temporal UI.', 'daily_file'),
    source: FileSource,
    match: doc(
      Type.String({ minLength: 1 }),
      'Which file names are taken: a glob (`*` any characters, `?` one; `orders_*.csv.gz`) or a regular expression between slashes (`/^orders_\\d{8}\\.csv$/i`). For IMAP, the attachment file name (or the last segment of a link).',
      'orders_*.csv.gz',
    ),
    dateIn: Type.Optional(
      doc(
        Type.Union([
          Type.Literal('modified'),
          Type.Object(
            { name: doc(Type.String({ pattern: 'YYYY' }), 'Date format of the date inside the file name (YYYY, MM, DD).', 'YYYYMMDD') },
            { additionalProperties: false },
          ),
        ]),
        'Which files belong to the run\'s window: `{"name": "YYYYMMDD"}` takes files whose name holds a day of the window in that format; `modified` those modified (IMAP: received) on a day of the window (UTC). Without it, every matching file is taken once.',
        { name: 'YYYYMMDD' },
      ),
    ),
    expect: Type.Optional(
      doc(
        Type.Union([Type.Literal('optional'), Type.Literal('required'), Type.Literal('wait')]),
        'What a missing file means. `required`: the run fails naming the source and the pattern (with `dateIn` name, every day of the window needs its file). `wait`: the run waits on a durable timer and looks again (`wait`), failing after its timeout. Default `optional`.',
        'required',
      ),
    ),
    wait: Type.Optional(
      Type.Object(
        {
          intervalMinutes: doc(Type.Number({ minimum: 0.01, maximum: 1_440 }), 'Time between looks (at most a day).', 30),
          timeoutMinutes: doc(Type.Number({ minimum: 0.01, maximum: 43_200 }), 'The run fails when files are still missing after this long (at most 30 days).', 360),
        },
        { additionalProperties: false, description: 'With expect `wait`: how often and how long to look for late files. Default every 15 minutes for 6 hours.' },
      ),
    ),
    decode: Type.Optional(Decode),
    records: Type.Optional(Expression('JSON files: expression over `response` giving the records. Default `response`.', 'response.rows')),
  },
  {
    additionalProperties: false,
    description:
      'Files delivered to a mailbox, an SFTP or FTP folder or an S3 prefix: listed, selected by name and date, each streamed once to the object store and recorded in the manifest (MySQL `file_manifest`); a file re-sent with new content is taken again. The file is `parent` in expressions: `parent.name`, `parent.path`, `parent.date`, `parent.modified`, `parent.size`.',
  },
));

export const Step = shape('Step', 'Step', doc(Type.Union([SingleStep, PaginatedStep, DependentStep, AsyncStep, FilesStep]), 'One step of a stream, chosen by `kind`.'));

export const ColumnType = doc(
  Type.Union(['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp'].map((t) => Type.Literal(t))),
  'Warehouse type of the column.',
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
        Type.String({ pattern: '^record((\\.[A-Za-z_$][A-Za-z0-9_$]*)|(\\["[^"]*"\\]))+$' }),
        'Path of a nested array in each record: every element becomes one row, available to sources as `item` ' +
          '(the record stays `record`). A record whose array is empty or missing gives no row.',
        'record.actions',
      ),
    ),
    rejects: Type.Optional(RejectPolicy),
  },
  { additionalProperties: false, description: 'The warehouse table a stream loads: its name, key and columns.' },
));

export const Stream = shape('Stream', 'Stream', Type.Object(
  {
    description: Type.Optional(doc(Type.String(), 'What the stream holds, for people (shown in the vendor catalogue).', 'Daily spend and clicks per campaign.')),
    steps: doc(Type.Array(Step, { minItems: 1 }), 'The chain of steps that fetches the stream.'),
    table: TableSpec,
  },
  { additionalProperties: false, description: 'One kind of data fetched from the vendor (its steps) and the table it loads.' },
));

export const InputSpec = shape('Input', 'Input', Type.Object(
  {
    name: doc(Identifier, 'Input name, used as `inputs.<name>` in expressions.', 'account_id'),
    type: doc(Type.Union([Type.Literal('string'), Type.Literal('integer')]), 'Input type.', 'string'),
    required: Type.Optional(doc(Type.Boolean(), 'Whether the customer must have it. Default true.', true)),
    description: Type.Optional(doc(Type.String(), 'What the input is and where a customer finds it.', 'The ad account id, from the account settings page.')),
  },
  { additionalProperties: false, description: 'A value each customer sets for this vendor (`dif customers set-vendor --inputs`), used as `inputs.<name>`.' },
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

export const VendorConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    vendor: doc(Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 63 }), 'Vendor id; equals the folder name.', 'demo-ads'),
    title: doc(Type.String(), 'Human-readable vendor name.', 'Demo Ads'),
    baseUrl: Type.Optional(
      doc(Type.String({ pattern: '^https?://' }), 'Base URL of the API. Required when a stream has HTTP steps; a vendor that only delivers files has none.', 'https://api.example.com'),
    ),
    auth: Type.Optional(doc(Auth, 'How API requests are authenticated. Required when a stream has HTTP steps; files steps name their own credentials.')),
    headers: Type.Optional(doc(Type.Record(Type.String(), TemplateValue), 'Headers sent with every request; values are templates.', { 'linkedin-version': '202511' })),
    inputs: doc(Type.Array(InputSpec), 'Customer-specific inputs read from MySQL.'),
    semaphore: SemaphoreSpec,
    rateLimit: Type.Optional(
      Type.Object(
        {
          requestsPerSecond: doc(Type.Number({ minimum: 0.001, maximum: 100_000 }), 'Requests per second across all workers (Redis-backed), 0.001 to 100,000.', 5),
          scope: Type.Optional(
            doc(Type.Union([Type.Literal('account'), Type.Literal('customer')]), 'Shared by all customers (account) or per customer. Default: as the semaphore.', 'account'),
          ),
          source: Type.Optional(doc(Type.String(), 'Where the vendor documents this limit.', 'https://developers.example.com/rate-limits')),
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
        },
        { additionalProperties: false, description: 'Retry policy for calls to this vendor.' },
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
              'Expression that is true when an error is transient (throttling, a busy backend): the call is retried with backoff instead of failing the run. Judged on 2xx pages where `when` held and on the JSON body of 4xx answers (Meta throttles with a 400 and codes 4, 17, 613, 80000–80014).',
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
export type SingleStepConfig = Static<typeof SingleStep>;
export type PaginatedStepConfig = Static<typeof PaginatedStep>;
export type DependentStepConfig = Static<typeof DependentStep>;
export type AsyncStepConfig = Static<typeof AsyncStep>;
export type FilesStepConfig = Static<typeof FilesStep>;
export type FileSourceConfig = Static<typeof FileSource>;
export type PaginationConfig = Static<typeof Pagination>;
export type StopRuleConfig = Static<typeof StopRule>;
export type AuthConfig = Static<typeof Auth>;
export type RequestConfig = Static<typeof RequestSpec>;
export type ColumnConfig = Static<typeof Column>;
export type ColumnPiiConfig = Static<typeof ColumnPii>;
export type ColumnTypeName = Static<typeof ColumnType>;
export type TableConfig = Static<typeof TableSpec>;
export type DecodeConfig = Static<typeof Decode>;
export type RejectPolicyConfig = Static<typeof RejectPolicy>;
