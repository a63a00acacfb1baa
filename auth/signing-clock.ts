/**
 * The time a signature carries (SigV4's X-Amz-Date, an HMAC's timestamp). One object so a
 * contract test can fix it and recompute the exact signature a vendor received; nothing
 * else sets it.
 */
export const signingClock = { now: (): Date => new Date() };
