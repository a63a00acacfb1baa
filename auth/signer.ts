/**
 * The runtime half of an auth kind. A signer is made per activity, `prepare`d once
 * (credentials revealed and registered with the activity's secret scope), then `sign`s
 * each request just before it is sent: after the rate limiter's wait, so a signature that
 * carries a time (AWS SigV4, an HMAC over a timestamp) is fresh when the vendor sees it.
 * `renew` answers a 401.
 */
import type { ActivityDeps } from '../activities/deps';
import type { BuiltRequest } from '../activities/http-request';
import type { VendorConfig } from '../core/config-schema';

export interface Signer {
  /** Once per activity, before the first request: reveal the credentials, register them. */
  prepare(): Promise<void>;
  /** Sets the credentials of one request, as late as possible before it is sent. */
  sign(request: BuiltRequest): Promise<void>;
  /**
   * The value an `$auth{…}` place of a request body stands for (`token`, or
   * `secrets.<name>`), or undefined when this signer has none. Asked after `sign`, so a
   * token is the one this request is signed with. A signer without it has nothing to place.
   */
  placeValue?(name: string): Promise<string | undefined>;
  /** After a 401: drops what went stale. True when signing again may succeed. */
  renew(): boolean;
  /** What this signer holds, for scrubbing messages and stored bodies. */
  held(): HeldSecrets;
}

export interface HeldSecrets {
  /** Every credential and token value. */
  values: string[];
  /** Values sent joined as `a:b` (Basic): scrubbed whole, as no half shows in the base64. */
  pairs: [string, string][];
}

/** What a signer may use: the activity's services and the vendor and customer it signs for. */
export interface SignerContext {
  deps: ActivityDeps;
  config: VendorConfig;
  customer: string;
  /** For calls the signer makes itself (token endpoints, logins). */
  timeoutMs: number;
  /**
   * The customer's inputs, which auth templates read as `inputs.<name>` beside `secrets`
   * (Impact: the Account SID is the Basic username and a path id). Default none.
   */
  inputs?: Record<string, unknown>;
}

export type SignerFactory<A> = (auth: A, context: SignerContext) => Signer;
