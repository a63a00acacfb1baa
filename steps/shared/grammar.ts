/**
 * Grammar shared by the step kinds: how a body is decoded, and the pagination of the kinds
 * that page (paginated, dependent), and the fields of every kind that calls the API.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, Identifier, MAX_SAFE, RequestSpec, shape } from '../../core/schema-parts';

export const Decode = shape('Decode', 'Decoding', Type.Object(
  {
    format: doc(
      Type.Union(['json', 'ndjson', 'csv', 'tsv', 'xlsx', 'xml'].map((f) => Type.Literal(f))),
      'Format of the body or file. For `json`, the step\'s `records` selects the array of records: when it is a plain path ' +
        '(`response`, `response.data`, `response.report.rows`, `response["data"]`) the array is streamed record by record (objects ' +
        'under 8 MiB are parsed whole, which is faster), so memory stays bounded whatever the size; any other expression (a filter, a map, a concatenation) is evaluated over the whole ' +
        'document in the sandbox, which holds the document in memory. For `ndjson` every line is a record; for `csv`/`tsv` and ' +
        '`xlsx` (its first worksheet) every row is a record, keyed by the header row or `columns`; `records` is not used for them. ' +
        'For `xml` the document (at most 256 MiB, parsed whole) is decoded to JSON: namespace prefixes dropped (`s:Envelope` is `Envelope`), texts kept as strings, attributes as `@name`, ' +
        '`xsi:nil` elements null, a DTD refused; `records` then selects as for `json` (`response.Envelope.Body.GetThingsResponse.Things.Thing`), and along a plain path an element that ' +
        'appears once is a list of one and an empty one no records.',
      'json',
    ),
    compression: Type.Optional(
      doc(Type.Union(['none', 'gzip', 'zip', 'auto'].map((c) => Type.Literal(c))), 'Compression; `auto` detects gzip and zip by their magic bytes (for `xlsx`, itself a zip, only gzip). A zip archive gives one file per entry. Default none.', 'gzip'),
    ),
    header: Type.Optional(doc(Type.Boolean(), 'CSV/TSV: whether the first row names the columns. Default true.', true)),
    columns: Type.Optional(doc(Type.Array(Type.String()), 'CSV/TSV without a header: the column names, in order.', ['date', 'clicks'])),
    delimiter: Type.Optional(
      doc(
        Type.String({ minLength: 1, maxLength: 1, pattern: '^[^\\r\\n"]$' }),
        'CSV: the field separator, one character (Semrush answers `;`). Default `,` (TSV: a tab).',
        ';',
      ),
    ),
    lines: Type.Optional(
      doc(
        Type.Object(
          {
            after: Type.Optional(doc(Type.String({ minLength: 1, maxLength: 200 }), 'A regular expression: the lines up to and including the first one it matches are a preamble, not data (Campaign Manager 360 files: `^Report Fields$`, the header row on the next line). No such line fails the file.', '^Report Fields$')),
            until: Type.Optional(doc(Type.String({ minLength: 1, maxLength: 200 }), 'A regular expression: the first line after the header that it matches, and every line after it, are a footer, not data (`^Grand Total:`; `^$` for a report whose summary follows a blank line).', '^Grand Total:')),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        'CSV/TSV: the data rows lie between a preamble and a footer that vendors write into their report files. Lines are cut before the CSV is parsed, and record numbers stay the file\'s line numbers.',
        { after: '^Report Fields$', until: '^Grand Total:' },
      ),
    ),
    keyed: Type.Optional(
      doc(
        Type.Object(
          {
            keyAs: doc(
              Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 63 }),
              'The record field that receives the entry\'s key (the entity id); it replaces a field of that name in the rows.',
              'campaign_id',
            ),
          },
          { additionalProperties: false },
        ),
        'JSON: the step\'s `records` (a plain path) is an object keyed by entity id, each value that entity\'s rows (an array) or ' +
          'its one row (an object): `{"123":[{"date":"2026-03-01","clicks":4}],"456":[…]}`. Its entries are streamed one at a time ' +
          '(only one entity\'s rows in memory, not the document: instead of `Object.values(response).flat()`), and each row gets ' +
          'the key as `keyAs`. A value that is neither an array nor an object becomes `{"value": value}` with the key.',
        { keyAs: 'campaign_id' },
      ),
    ),
  },
  { additionalProperties: false, description: 'How a response body or downloaded file is decoded into records.' },
));

const ParamPlacement = doc(
  Type.Union([Type.Literal('query'), Type.Literal('body'), Type.Literal('variables')]),
  'Where the parameters go: the query string, the JSON body, where a dotted name (`selector.pagination.offset`) sets a field nested in the request\'s own body, or the GraphQL `variables` (a request with `graphql`). Default query.',
  'query',
);

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
        advanceBy: Type.Optional(
          Expression(
            'Expression over `response` giving how many items the page held, when `records` are not one per item (Apple Search Ads report rows, each flattened into a record per day); the offset grows by it, and a page of fewer than `limit` items is the last. Default: the records.',
            'response.data.reportingDataResponse.row.length',
          ),
        ),
        in: Type.Optional(ParamPlacement),
      },
      { title: 'Offset pagination', additionalProperties: false, description: 'Offset and limit parameters; the offset grows by the records received (or by `advanceBy`).' },
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

export const Restart = shape('Restart', 'Restart', Type.Object(
  {
    when: Expression(
      'Expression over the page just fetched (`response`, `headers`, `status`) that is true when the pagination must start over instead of asking for the next page: the vendor caps the results of one query (HubSpot\'s CRM search answers at most 10,000; asking past them is a 400).',
      'Number(response.paging?.next?.after ?? 0) >= 10000',
    ),
    anchor: Expression(
      'Expression over the same page giving the value the new pagination starts from, which requests read as `page.anchor` (undefined on the first pagination): the last record\'s cursor, for a query sorted by it. A restart whose anchor does not move past the one before fails the run (more records share one value than the cap) instead of looping.',
      'response.results.at(-1).properties.hs_lastmodifieddate',
    ),
  },
  {
    additionalProperties: false,
    description:
      'Re-anchoring a capped query: when `when` holds, the next request is the first request of a new pagination (no cursor, offset or page number), with `page.anchor` set, so a query filtered on `page.anchor ?? state.since` and sorted by the same field goes on past the cap. Records at the anchor may be read twice; the load merges them by key.',
  },
));

export const pagedFields = {
  pagination: Pagination,
  restart: Type.Optional(Restart),
  stop: Type.Optional(StopRule),
  maxPages: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 1_000_000 }), 'Stop after this many pages (dry runs, samples).', 5)),
};

export const fetchFields = {
  name: doc(Identifier, 'Step name; appears in object keys and the Temporal UI.', 'stats'),
  request: RequestSpec,
  decode: Type.Optional(Decode),
  records: Type.Optional(
    Expression('Expression over `response` giving the array of records. Default `response` (the body is the array).', 'response.data'),
  ),
};

export type DecodeConfig = Static<typeof Decode>;
export type PaginationConfig = Static<typeof Pagination>;
export type StopRuleConfig = Static<typeof StopRule>;
export type RestartConfig = Static<typeof Restart>;

/** ` (cursor, GraphQL)`: a step's pagination and request language in the catalogue's words, or nothing. */
export const pagingWords = (step: { pagination?: PaginationConfig; request: { graphql?: unknown } }): string => {
  const words = [step.pagination?.kind, step.request.graphql ? 'GraphQL' : undefined].filter(Boolean);
  return words.length ? ` (${words.join(', ')})` : '';
};
