/**
 * Loads Node's HTTP client (the undici behind global `fetch`) before the first vendor request.
 * Node compiles undici on the first `fetch` call: in a fresh process on this project's
 * loaded 2-core machine (load 12, one run each), the first request to a local server took
 * 571 ms, and 135 ms after this warm-up (which itself took 189 ms). Paid after the rate
 * limiter's wait, that delay sends the first request late and bunches it with the next
 * run's slot (test/integration/step-executor.test.ts, rate limit across runs).
 * A `data:` URL goes through the same fetch machinery without touching the network.
 */
let warming: Promise<void> | undefined;

export function warmHttpClient(): Promise<void> {
  warming ??= fetch('data:,')
    .then((response) => response.arrayBuffer())
    .then(
      () => undefined,
      () => undefined, // a warm-up that fails costs only the first request's speed
    );
  return warming;
}
