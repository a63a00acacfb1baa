/**
 * Failure types that retrying cannot fix: a bad config or input, a missing credential, a
 * request the vendor rejected as wrong, bad data, a lost permit. Activities raise them
 * (activities/failures.ts); the workflow's retry policies stop on them.
 */
export const NON_RETRYABLE = [
  'ConfigError',
  'UnknownVendorError',
  'InputError',
  'CredentialError',
  'VendorRequestError',
  'DataError',
  'PermitLost',
];
