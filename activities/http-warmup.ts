/**
 * Warms the vendor client (vendor-http.ts, undici's `request`) before the first vendor request.
 * The first request of a process pays for what is made only once: undici compiles its HTTP
 * parser (llhttp, WebAssembly) on its first connection, and V8 compiles the request, answer
 * and decoding paths. Paid after the rate limiter's wait, that delay sends the first request
 * late and bunches it with the next run's slot (test/integration/step-executor.test.ts, rate
 * limit across runs). (With global fetch it was Node compiling its bundled undici: 571 ms for
 * the first request to a local server in a fresh process on this project's loaded 2-core
 * machine, 135 ms after a warm-up.)
 * The warm-up sends one gzip-encoded GET through the same client to a server of its own on
 * the loopback interface, which closes the connection, so nothing stays in the shared Agent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { bodyText, sendHttp } from './vendor-http';

let warming: Promise<void> | undefined;

export function warmHttpClient(): Promise<void> {
  warming ??= warm().then(
    () => undefined,
    () => undefined, // a warm-up that fails costs only the first request's speed
  );
  return warming;
}

async function warm(): Promise<void> {
  const body = zlib.gzipSync('{"warm":true}');
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', connection: 'close' }).end(body);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  try {
    const answer = await sendHttp({
      method: 'GET',
      url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
      headers: {},
      signal: AbortSignal.timeout(10_000),
    });
    await bodyText(answer.body);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
