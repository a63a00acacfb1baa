/**
 * The grammar of a stream's `incremental` block: a stream read by what changed since the
 * last run, from a cursor stored per customer × vendor × stream × partition in MySQL.
 * Kept apart from config-schema.ts so the feature is one file of grammar, one of
 * decisions (incremental.ts) and one of checks (validate-incremental.ts).
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, Identifier, shape } from './schema-parts';

/** `P1D`, `PT1H`, `PT15M`, `P1DT12H`, `PT90S`: days, hours, minutes and seconds only (months and years have no fixed length). */
export const ISO_DURATION = '^P(?:(\\d+)D)?(?:T(?:(\\d+)H)?(?:(\\d+)M)?(?:(\\d+)S)?)?$';

export const Incremental = shape('Incremental', 'Incremental stream', Type.Object(
  {
    cursor: doc(
      Identifier,
      'A `timestamp` column of the stream\'s table that grows when a record changes (HubSpot `hs_lastmodifieddate`, Salesforce `SystemModstamp`, Zendesk `updated_at`). After each load commits, the greatest value of it among the rows written is stored for the customer, stream and partition, and never moves backwards.',
      'updated_at',
    ),
    compare: Type.Optional(
      doc(
        Type.Literal('timestamp'),
        'How cursor values compare. `timestamp` (the only one today): instants, stored as ISO 8601 UTC. An opaque vendor cursor (Zendesk\'s `after_cursor`) is followed inside a run by the step\'s pagination, not stored: the stored value is the timestamp column, so any run can start over from it.',
        'timestamp',
      ),
    ),
    lookback: Type.Optional(
      doc(
        Type.Union([Type.Integer({ minimum: 0, maximum: 30 * 86_400 }), Type.String({ pattern: ISO_DURATION, maxLength: 40 })]),
        'How far before the stored cursor the next run starts reading, for records written late or with equal timestamps (the load merges by key, so re-read rows replace themselves): seconds, or an ISO 8601 duration of days, hours, minutes and seconds (`PT1H`, `P1D`). At most 30 days. Default 0.',
        'PT1H',
      ),
    ),
    start: Type.Optional(
      Expression(
        'Where a run reads from when no cursor is stored yet (and where a backfill reads from): an expression over `window`, `inputs` and `customer` giving an ISO 8601 timestamp. Default: the window\'s first day at 00:00 UTC (`window.from + "T00:00:00Z"`).',
        'window.from + "T00:00:00Z"',
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Reads the stream by what changed since the last run. Requests see `state.since` (the stored cursor less `lookback`, or `start` when none is stored; ISO 8601 UTC), `state.sinceSeconds` and `state.sinceMillis` (the same instant in epoch seconds and milliseconds) and `state.cursor` (the stored value, or null). A backfill (`dif backfill`) reads from the window\'s `start` instead and never stores a cursor. `dif state show|set|reset` inspects and rewinds the stored value.',
  },
));

export type IncrementalConfig = Static<typeof Incremental>;
