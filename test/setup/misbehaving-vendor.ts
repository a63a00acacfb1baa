/**
 * Switchable misbehaviour of a mock vendor (issue 21), by name, on any route of the vendor
 * zoo: what a real API does now and then, scripted onto the next request(s) of a route. The
 * paginated and dependent tests use it on the zoo's campaigns API; async steps can use it on
 * theirs (amazon.createReport, amazon.download…). TEST CODE ONLY.
 */
import type { Fault, RouteName, VendorZoo } from '../mock-vendor/vendor-zoo';

export const GATEWAY_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream timed out</body></html>';

export type Misbehaviour =
  /** 429 with Retry-After in seconds. */
  | 'throttledSeconds'
  /** 429 with Retry-After as an HTTP date, about `retryAfterSeconds` ahead. */
  | 'throttledDate'
  /** 503 without Retry-After. */
  | 'unavailable'
  /** The connection reset half-way through the body. */
  | 'resetMidBody'
  /** Half the body, then a pause longer than the client's timeout, then the rest. */
  | 'slowBody'
  /** A UTF-8 BOM before the body. */
  | 'bom'
  /** A gateway's HTML page with status 200. */
  | 'html200';

export interface MisbehaviourOptions {
  /** Retry-After of the throttled answers, in seconds. Default 1. */
  retryAfterSeconds?: number;
  /** How long a slow body stalls. Default 1.5 s, past a 1 s `timeoutSeconds`. */
  stallMs?: number;
}

export function faultOf(kind: Misbehaviour, options: MisbehaviourOptions = {}): Fault {
  const seconds = options.retryAfterSeconds ?? 1;
  switch (kind) {
    case 'throttledSeconds':
      return { status: 429, retryAfter: String(seconds), body: '{"error":{"code":429,"message":"Too many requests"}}' };
    case 'throttledDate':
      // An HTTP date has whole seconds: one more, so the wait is never shorter than asked.
      return { status: 429, retryAfterDateInMs: (seconds + 1) * 1000, body: '{"error":{"code":429,"message":"Too many requests"}}' };
    case 'unavailable':
      return { status: 503, body: '{"error":{"code":503,"message":"Service unavailable"}}' };
    case 'resetMidBody':
      return { cut: true };
    case 'slowBody':
      return { stallMs: options.stallMs ?? 1_500 };
    case 'bom':
      return { bom: true };
    case 'html200':
      return { status: 200, body: GATEWAY_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } };
  }
}

/** The next requests of `route` misbehave in turn, one request each, in the order given. */
export function misbehave(zoo: VendorZoo, route: RouteName, kinds: Misbehaviour[], options: MisbehaviourOptions = {}): void {
  for (const kind of kinds) zoo.failNext(route, 1, faultOf(kind, options));
}
