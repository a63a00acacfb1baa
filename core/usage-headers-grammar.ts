/** The grammar of `rateLimit.usageHeaders`: which vendor usage headers slow the shared limiter, and when. */
import { Type, type Static } from '@sinclair/typebox';
import { DAY_SECONDS, doc } from './schema-parts';
import { USAGE_FORMATS, type UsagePolicy } from './usage-headers';

export const UsageHeaders = Type.Object(
  {
    formats: doc(
      Type.Array(doc(Type.Union(USAGE_FORMATS.map((f) => Type.Literal(f))), `One of ${USAGE_FORMATS.map((f) => `"${f}"`).join(', ')}.`, 'hubspot'), { minItems: 1, uniqueItems: true }),
      'Header formats to read: `meta` (X-App-Usage, X-Business-Use-Case-Usage, X-Ad-Account-Usage, X-FB-Ads-Insights-Throttle), `hubspot` (X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds, -Daily/-Daily-Remaining), `ietf` (RateLimit-Limit/-Remaining/-Reset of draft-ietf-httpapi-ratelimit-headers, or its structured RateLimit and RateLimit-Policy).',
      ['hubspot'],
    ),
    thresholdPercent: Type.Optional(
      doc(Type.Number({ minimum: 1, maximum: 100 }), 'Usage (percent of the vendor’s limit) at which every worker holds its next request of this vendor and scope until the reset the vendor gives. Default 90.', 90),
    ),
    holdSeconds: Type.Optional(
      doc(Type.Number({ minimum: 0.1, maximum: DAY_SECONDS }), 'The hold when the header gives no reset time (Meta’s X-App-Usage: a rolling hour). Default 60.', 60),
    ),
    maxHoldSeconds: Type.Optional(
      doc(Type.Number({ minimum: 0.1, maximum: DAY_SECONDS }), 'Longest hold, whatever the vendor says (HubSpot’s daily limit resets at the account’s midnight). Default 300: a request waits inside its activity, and a hold past the activity timeout (10 minutes) would only time it out; a vendor still blocked after it answers 429 (or Meta’s throttling 400) and is retried.', 300),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Slows the shared limiter from the usage a vendor reports in its answers, before it answers 429: near the threshold, a hold (in Redis) makes every worker’s next request wait until the reset.',
  },
);

export type UsageHeadersConfig = Static<typeof UsageHeaders>;

export const usagePolicy = (config: UsageHeadersConfig): UsagePolicy => ({
  formats: config.formats,
  thresholdPercent: config.thresholdPercent ?? 90,
  defaultHoldMs: (config.holdSeconds ?? 60) * 1000,
  maxHoldMs: (config.maxHoldSeconds ?? 300) * 1000,
});
