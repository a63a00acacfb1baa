/**
 * What a failure was, not just that there was one: tests compare the whole cause chain
 * (class, ApplicationFailure type, message), so an unrelated error cannot pass for the
 * expected one.
 */
import { ApplicationFailure } from '@temporalio/common';

export interface FailureLink {
  name: string;
  /** The ApplicationFailure's type, when the link is one. */
  type?: string;
  message: string;
}

/** Awaits `promise`, which must reject, and gives its error's cause chain, outermost first. */
export async function failureChain(promise: Promise<unknown>): Promise<FailureLink[]> {
  let error: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (e) {
    error = e;
    rejected = true;
  }
  if (!rejected) throw new Error('expected a failure, but the promise resolved');
  const chain: FailureLink[] = [];
  for (let e = error; e instanceof Error; e = e.cause) {
    chain.push({ name: e.name, ...(e instanceof ApplicationFailure && e.type ? { type: e.type } : {}), message: e.message });
  }
  if (chain.length === 0) throw new Error(`expected an Error, got ${String(error)}`);
  return chain;
}

/** Polls `condition` every 50 ms; throws naming `what` when it is not met within `timeoutMs`. */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
