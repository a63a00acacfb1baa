/**
 * The time and nonce a signature carries (SigV4's X-Amz-Date, an HMAC's timestamp, OAuth
 * 1.0a's oauth_timestamp and oauth_nonce, a JWT's iat and exp). One place for every signer,
 * so a contract test can fix both and recompute the exact signature a vendor received;
 * nothing but tests replaces them.
 */
import { randomBytes } from 'node:crypto';

export interface SigningClock {
  now(): Date;
  /** 32 hex digits: unguessable, and only unreserved characters (no encoding questions). */
  nonce(): string;
}

const systemClock: SigningClock = { now: () => new Date(), nonce: () => randomBytes(16).toString('hex') };

export const signingClock: SigningClock = { ...systemClock };

/** For tests: fixes the time and/or nonce of every signer in this process; no argument restores the system's. */
export function setSigningClock(fixed: Partial<SigningClock> = {}): void {
  Object.assign(signingClock, systemClock, fixed);
}
