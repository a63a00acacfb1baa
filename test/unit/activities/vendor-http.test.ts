/**
 * The vendor client's HTTP (activities/vendor-http.ts, undici's `request`) keeps what Node's
 * global fetch gave it: fetch's default request headers, redirects followed with the
 * credentials kept from another origin, content-encoding decoded, headers read as fetch's
 * Headers gave them, and the signal aborting a request and its body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { bodyText, sendHttp, type HttpRequest } from '../../../activities/vendor-http';

type Handler = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;
interface Server {
  base: string;
  seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  handle: Handler;
  close(): Promise<void>;
}

async function server(): Promise<Server> {
  const s: Server = { base: '', seen: [], handle: (_q, _b, res) => res.end('ok'), close: async () => undefined };
  const srv = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      s.seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      s.handle(request, body, response);
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  s.base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  s.close = () => new Promise((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); });
  return s;
}

let a: Server;
let b: Server;
beforeAll(async () => {
  a = await server();
  // Another origin: the same host on another port.
  b = await server();
});
afterAll(async () => {
  await a.close();
  await b.close();
});
beforeEach(() => {
  a.seen.length = 0;
  b.seen.length = 0;
  a.handle = (_q, _b, res) => res.end('ok');
  b.handle = (_q, _b, res) => res.end('ok');
});

const get = (url: string, extra: Partial<HttpRequest> = {}) => sendHttp({ method: 'GET', url: new URL(url), headers: {}, ...extra });

describe('request headers', () => {
  test("fetch's defaults where the request has none: accept, accept-language, user-agent, and over http accept-encoding gzip, deflate", async () => {
    await bodyText((await get(`${a.base}/x`)).body);
    expect(a.seen[0].headers).toMatchObject({ accept: '*/*', 'accept-language': '*', 'user-agent': 'node', 'accept-encoding': 'gzip, deflate' });
  });

  test("the request's own headers win", async () => {
    await bodyText((await get(`${a.base}/x`, { headers: { accept: 'application/json', 'user-agent': 'dif/0.1', 'x-api-key': 'k' } })).body);
    expect(a.seen[0].headers).toMatchObject({ accept: 'application/json', 'user-agent': 'dif/0.1', 'x-api-key': 'k' });
  });
});

describe('answer headers', () => {
  test("lower-cased, repeated ones joined with ', ', set-cookie the last, as fetch's Headers forEach gave them", async () => {
    a.handle = (_q, _b, res) => {
      res.setHeader('X-Multi', ['1', '2']);
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('Retry-After', '7');
      res.end('ok');
    };
    const answer = await get(`${a.base}/h`);
    await bodyText(answer.body);
    expect(answer.headers).toMatchObject({ 'x-multi': '1, 2', 'set-cookie': 'b=2', 'retry-after': '7' });
  });

  test('HEAD and the null-body statuses have no body', async () => {
    a.handle = (q, _b, res) => res.writeHead(q.url === '/204' ? 204 : 200).end();
    expect((await get(`${a.base}/204`)).body).toBeNull();
    expect((await sendHttp({ method: 'HEAD', url: new URL(`${a.base}/x`), headers: {} })).body).toBeNull();
  });
});

describe('content-encoding, decoded as fetch decoded it', () => {
  const text = JSON.stringify({ data: Array.from({ length: 2000 }, (_, i) => ({ id: i, email: `u${i}@example.com` })) });
  const encodings: [string, (b: Buffer) => Buffer][] = [
    ['gzip', zlib.gzipSync],
    ['x-gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['deflate', zlib.deflateRawSync], // raw deflate, as some servers send it
    ['br', zlib.brotliCompressSync],
    ['deflate, gzip', (body) => zlib.gzipSync(zlib.deflateSync(body))],
  ];
  test.each(encodings)('%s: the decoded bytes, without content-encoding and content-length', async (encoding, encode) => {
    a.handle = (_q, _b, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding }).end(encode(Buffer.from(text)));
    const answer = await get(`${a.base}/z`);
    expect(await bodyText(answer.body)).toBe(text);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.decoded).toBe(encoding);
  });

  test('an error answer is decoded too', async () => {
    a.handle = (_q, _b, res) => res.writeHead(400, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('{"error":"bad"}'));
    const answer = await get(`${a.base}/z`);
    expect(answer.status).toBe(400);
    expect(await bodyText(answer.body)).toBe('{"error":"bad"}');
  });

  test('a coding fetch did not know is left as it came, header and all', async () => {
    a.handle = (_q, _b, res) => res.writeHead(200, { 'content-encoding': 'compress-x' }).end('raw');
    const answer = await get(`${a.base}/z`);
    expect(await bodyText(answer.body)).toBe('raw');
    expect(answer.headers['content-encoding']).toBe('compress-x');
  });

  test('a compressed body cut off mid-way fails its reader', async () => {
    a.handle = (_q, _b, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.write(zlib.gzipSync(Buffer.alloc(200_000, 'a')).subarray(0, 100));
      setTimeout(() => res.socket?.destroy(), 50);
    };
    const answer = await get(`${a.base}/z`);
    await expect(bodyText(answer.body)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });
});

describe('redirects', () => {
  const credentials = { authorization: 'Bearer T', cookie: 'sid=S', 'proxy-authorization': 'Basic P', 'x-api-key': 'KEY', 'x-plain': 'p' };

  test('followed on the same origin with every header', async () => {
    a.handle = (q, _b, res) => (q.url === '/from' ? res.writeHead(302, { location: '/to' }).end() : res.end('there'));
    const answer = await get(`${a.base}/from`, { headers: { ...credentials }, sensitive: (name) => name === 'x-api-key' });
    expect(await bodyText(answer.body)).toBe('there');
    expect(answer.url.pathname).toBe('/to');
    expect(a.seen[1].headers).toMatchObject(credentials);
  });

  test.each([301, 302, 303, 307, 308])('%s to another origin: authorization, cookie, proxy-authorization and the sensitive headers stay behind', async (status) => {
    a.handle = (_q, _b, res) => res.writeHead(status, { location: `${b.base}/landed?x=1` }).end('moved');
    b.handle = (_q, _b, res) => res.end('landed');
    const answer = await get(`${a.base}/from`, { headers: { ...credentials }, sensitive: (name, value) => name === 'x-api-key' || value.includes('SECRET') });
    expect(await bodyText(answer.body)).toBe('landed');
    expect(b.seen).toHaveLength(1);
    const sent = b.seen[0].headers;
    for (const name of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) expect(sent[name]).toBeUndefined();
    expect(sent['x-plain']).toBe('p');
    expect(b.seen[0].url).toBe('/landed?x=1');
  });

  test('a 303 goes on as a GET without the body; a 307 sends the POST again, body and all', async () => {
    a.handle = (q, _b, res) => {
      if (q.url === '/303') res.writeHead(303, { location: '/done' }).end();
      else if (q.url === '/307') res.writeHead(307, { location: '/done' }).end();
      else res.end('done');
    };
    const post = (path: string) => sendHttp({ method: 'POST', url: new URL(`${a.base}${path}`), headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    await bodyText((await post('/303')).body);
    expect(a.seen[1]).toMatchObject({ method: 'GET', url: '/done', body: '' });
    expect(a.seen[1].headers['content-type']).toBeUndefined();
    a.seen.length = 0;
    await bodyText((await post('/307')).body);
    expect(a.seen[1]).toMatchObject({ method: 'POST', url: '/done', body: '{"a":1}' });
  });

  test("up to fetch's 20; the 21st fails", async () => {
    a.handle = (q, _b, res) => {
      const n = Number(new URL(q.url!, a.base).searchParams.get('n'));
      res.writeHead(302, { location: `/r?n=${n + 1}` }).end();
    };
    await expect(get(`${a.base}/r?n=0`)).rejects.toMatchObject({ code: 'redirect count exceeded' });
    expect(a.seen).toHaveLength(21);
    a.handle = (q, _b, res) => {
      const n = Number(new URL(q.url!, a.base).searchParams.get('n'));
      if (n < 20) res.writeHead(302, { location: `/r?n=${n + 1}` }).end();
      else res.end('twenty');
    };
    expect(await bodyText((await get(`${a.base}/r?n=0`)).body)).toBe('twenty');
  });
});

describe('the signal', () => {
  test('aborts a request waiting for its answer, with its reason', async () => {
    a.handle = () => undefined; // never answers
    await expect(get(`${a.base}/wait`, { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('aborts the reading of a body, compressed or not', async () => {
    for (const gzip of [false, true]) {
      a.handle = (_q, _b, res) => {
        res.writeHead(200, gzip ? { 'content-encoding': 'gzip' } : {});
        res.write(gzip ? zlib.gzipSync('partial', { flush: zlib.constants.Z_SYNC_FLUSH }) : 'partial');
      };
      const stop = new AbortController();
      const answer = await get(`${a.base}/stall`, { signal: stop.signal });
      setTimeout(() => stop.abort(), 100);
      await expect(bodyText(answer.body)).rejects.toMatchObject({ name: 'AbortError' });
    }
  });
});

test('a body dropped unread (destroyed) raises no unhandled error, compressed or not', async () => {
  for (const gzip of [false, true]) {
    a.handle = (_q, _b, res) => {
      res.writeHead(401, gzip ? { 'content-encoding': 'gzip' } : {});
      res.write(gzip ? zlib.gzipSync('expired', { flush: zlib.constants.Z_SYNC_FLUSH }) : 'expired');
    };
    const answer = await get(`${a.base}/drop`);
    answer.body!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
