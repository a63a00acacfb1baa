/**
 * Every failure type DIF's activities raise, and whether a retry can fix it. Stated once per
 * type because the workflow's retry policies work on types: NON_RETRYABLE below is what they
 * stop on, and activities/failures.ts builds failures of these types only (a type missing
 * here does not compile). Which error class becomes which type is errors.ts.
 *
 * No imports: workflow code imports this file.
 */
export const FAILURE_TYPES = {
  // Retrying cannot fix these: a bad config or input, a missing credential, a request the
  // vendor rejected as wrong, bad data, a lost permit, files that never came.
  ConfigError: { retryable: false },
  UnknownVendorError: { retryable: false },
  InputError: { retryable: false },
  CredentialError: { retryable: false },
  VendorRequestError: { retryable: false },
  DataError: { retryable: false },
  ExpressionError: { retryable: false },
  TableShapeError: { retryable: false },
  PermitLost: { retryable: false },
  FilesMissing: { retryable: false },
  SourceError: { retryable: false },
  // Passing conditions: the vendor, a source or a service is busy or down for a while.
  VendorError: { retryable: true },
  VendorUnavailable: { retryable: true },
  VendorThrottled: { retryable: true },
  SemaphoreBusy: { retryable: true },
  TableBusy: { retryable: true },
  FileChanging: { retryable: true },
  SourceUnavailable: { retryable: true },
  ServiceUnavailable: { retryable: true },
} as const satisfies Record<string, { retryable: boolean }>;

export type FailureType = keyof typeof FAILURE_TYPES;
export type FinalFailureType = { [T in FailureType]: (typeof FAILURE_TYPES)[T]['retryable'] extends false ? T : never }[FailureType];
export type RetryableFailureType = Exclude<FailureType, FinalFailureType>;

/** The workflow's `nonRetryableErrorTypes`: the types no retry can fix. */
export const NON_RETRYABLE: string[] = (Object.keys(FAILURE_TYPES) as FailureType[]).filter((type) => !FAILURE_TYPES[type].retryable);
