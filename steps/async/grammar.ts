/** The grammar of an async step: a vendor report job submitted, polled and downloaded. */
import { Type, type Static } from '@sinclair/typebox';
import { DAY_SECONDS, doc, Expression, Identifier, RequestCost, RequestHeaders, RequestSpec, shape } from '../../core/schema-parts';
import { Decode } from '../shared/grammar';
import type { PageCompression } from '../../core/contracts';

/** Enough for every vendor seen (SP-API needs one); a bound, so a config cannot chain calls without end. */
export const MAX_RESOLVE_HOPS = 5;

/** The compressions an answer may name for its file (`download.compression`). */
export const ANSWERED_COMPRESSIONS = ['gzip', 'zip', 'none', 'auto'] as const satisfies readonly PageCompression[];

const ResolveHop = shape('ResolveHop', 'Download hop', Type.Object(
  {
    value: Expression(
      'Expression over the previous answer (`response`: the final poll answer for the first hop, the hop before’s answer after it) giving what this hop’s request needs, as `value` in its templates. Empty, null or undefined fails the run naming this field.',
      'response.reportDocumentId',
    ),
    request: doc(RequestSpec, 'The hop’s call; its templates see `value`, `response` (the previous answer) and `job.id`. Vendor auth is sent unless `auth: "none"`.', { path: '/reports/2021-06-30/documents/${value}' }),
  },
  { additionalProperties: false, description: 'One call between the final poll and the result file, built from the answer before it.' },
));

export const AsyncStep = shape('AsyncStep', 'Async report job step', Type.Object(
  {
    kind: Type.Literal('async'),
    name: doc(Identifier, 'Step name.', 'report'),
    items: Type.Optional(
      Expression(
        'Expression over each response of the `from` step giving items; the step then runs one job per `batchSize` of them, one job after the other, each seeing its items as `batch` (X Ads stats jobs take at most 20 entity ids: `${batch.join(\',\')}`). Without it the step runs one job.',
        'response.data.map(c => c.id)',
      ),
    ),
    from: Type.Optional(doc(Identifier, 'Step whose responses give the `items`. Default: the previous step.', 'campaigns')),
    batchSize: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 10_000 }), 'Items per job, with `items`. Default 1. A run starts at most 200 jobs.', 20)),
    submit: Type.Object(
      {
        request: RequestSpec,
        jobId: Expression('Expression over the submit `response` giving the job id.', 'response.reportId'),
        refused: Type.Optional(
          Expression(
            'Expression over the submit `response` giving the vendor\'s reason when it refused to create the job inside a 2xx answer (a GraphQL mutation\'s `userErrors`); a non-empty value (text or list) fails the run with it.',
            'response.data.bulkOperationRunQuery.userErrors.map(e => e.message).join("; ")',
          ),
        ),
        idempotent: Type.Optional(
          doc(
            Type.Boolean(),
            'The vendor answers a repeated submit carrying the same `job.token` with the job it created first (an idempotency key or client token, sent in a header or body field of `request`). A submit whose answer was lost (a reset mid-answer, a worker killed after sending, an answer that is not JSON) is then sent again with the same token instead of failing the run. `job.token` is derived from the run and the job, the same on every attempt. Default false.',
            true,
          ),
        ),
        find: Type.Optional(
          Type.Object(
            {
              request: RequestSpec,
              jobId: Expression(
                'Expression over the find `response` giving the id of the job this run submitted (named by `job.token`; `job.sentAt` is when the lost submit left, ISO 8601), or null/undefined when the vendor has none (the submit never reached it: DIF submits).',
                'response.reports.find(r => r.name === job.token)?.reportId',
              ),
            },
            {
              additionalProperties: false,
              description:
                'Lists the vendor\'s jobs to recover the id of one whose submit answer was lost. The job is recognised by `job.token`, sent in the submit request (a report name, a client token), or, for a vendor without one, by what the job is and `job.sentAt` (Shopify: the newest bulk query for this window, created since).',
            },
          ),
        ),
      },
      {
        additionalProperties: false,
        description:
          'Creates the vendor job, at most once per run: the answer is stored before it is read and the job id kept, so a retried activity never submits again. A submit whose answer was lost is resolved by `idempotent` or `find`; without them the run fails naming the request that may have created a job.',
      },
    ),
    poll: Type.Object(
      {
        request: RequestSpec,
        status: Expression('Expression over the poll `response` giving the job status.', 'response.status'),
        done: doc(Type.Array(Type.String(), { minItems: 1 }), 'Statuses meaning the result is ready.', ['COMPLETED']),
        failed: doc(Type.Array(Type.String()), 'Statuses meaning the job failed.', ['FAILED']),
        empty: Type.Optional(
          doc(
            Type.Array(Type.String(), { minItems: 1 }),
            'Statuses meaning the job ended with nothing to deliver: the step gives no records, and nothing is downloaded (Amazon SP-API cancels a report itself when no data matches, status CANCELLED). Needs `download` with a row format (`ndjson`, `csv`, `tsv`), whose empty file is no records.',
            ['CANCELLED'],
          ),
        ),
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
        resolve: Type.Optional(doc(
          Type.Array(ResolveHop, { minItems: 1, maxItems: MAX_RESOLVE_HOPS }),
          `Calls between the final poll and the file, in order (at most ${MAX_RESOLVE_HOPS}), for results reached through more than one call (Amazon SP-API: the report's \`reportDocumentId\` → \`getReportDocument\` → a pre-signed \`url\`). Each hop's request is built from the answer before it; each answer must be JSON. They run in the download activity, so nothing they answer (a pre-signed URL is a credential) passes through workflow history.`,
          [{ value: 'response.reportDocumentId', request: { path: '/reports/2021-06-30/documents/${value}' } }],
        )),
        url: Expression('Expression over the final poll `response` (or, with `resolve`, the last hop’s answer) giving the result URL.', 'response.url'),
        compression: Type.Optional(Expression(
          'Expression over the same answer as `url` giving how this file is compressed, when the vendor says so in its answer: `gzip`, `zip`, `none` or `auto`; null or undefined keeps `decode.compression`. Any other value fails the run naming this field.',
          "response.compressionAlgorithm === 'GZIP' ? 'gzip' : 'none'",
        )),
        auth: Type.Optional(doc(Type.Boolean(), 'Send the vendor’s auth with the download (false for pre-signed URLs). Default false.', false)),
        headers: Type.Optional(RequestHeaders),
        emptyWithoutUrl: Type.Optional(
          doc(
            Type.Boolean(),
            'A done job whose `url` gives nothing found nothing: the step gives no records instead of failing (Shopify leaves a bulk operation\'s `url` null when it has no results). For row formats (`ndjson`, `csv`), whose empty file is no records. Default false.',
            true,
          ),
        ),
        cost: Type.Optional(RequestCost),
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

export type AsyncStepConfig = Static<typeof AsyncStep>;

const downloadWords = (download: NonNullable<AsyncStepConfig['download']>): string =>
  download.resolve ? `, download after ${download.resolve.length} call${download.resolve.length > 1 ? 's' : ''}` : ', download';

export const describeAsync = (step: AsyncStepConfig): string => `async${step.download ? downloadWords(step.download) : ', results via API'}`;
