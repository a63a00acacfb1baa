/**
 * A hostile vendor for the secret scans: every error answer echoes what it was sent —
 * request line, headers (the Authorization header decoded when it is Basic) and body — in
 * several spellings, in its body and in its headers, the way careless APIs do. The path
 * chooses the behaviour:
 *
 *   /e401/…, /e500/…          the API answers 401 / 500, echoing
 *   /token/echo401             the token endpoint refuses, echoing the form it got
 *   /token/ok                  a fresh access token (and a rotated refresh token) each time
 *   /token/garbled             200 with a body that is not JSON, echoing the form
 *   /login/fail                403, echoing the JSON login body
 *   /login/ok                  200 with a fresh session token
 *
 * Every token it issues is kept in `issued`, so a scan knows what to look for.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class EchoVendor {
  readonly received: Received[] = [];
  readonly issued: string[] = [];
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => this.answer({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Everything the vendor received, as text: where the secrets legitimately are. */
  receivedText(): string {
    return this.received.map((r) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
  }

  private answer(request: Received, res: http.ServerResponse): void {
    this.received.push(request);
    const path = request.url.split('?')[0];
    const fresh = (prefix: string) => {
      const token = `${prefix}-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
      this.issued.push(token);
      return token;
    };
    if (path === '/token/ok') return json(res, 200, { access_token: fresh('at_live'), refresh_token: fresh('rt_live'), token_type: 'Bearer', expires_in: 3600 });
    if (path === '/login/ok') return json(res, 200, { ok: true, session_token: fresh('sess_live') });
    if (path === '/token/garbled') return text(res, 200, this.echo(request), {});
    const status = path.startsWith('/e500/') ? 500 : path === '/login/fail' ? 403 : 401;
    const echo = this.echo(request);
    // Headers carry only what is legal in them: the spellings that are ASCII.
    const headerEcho = Buffer.from(echo).toString('base64').slice(0, 4000);
    return text(res, status, echo, { 'x-echo': headerEcho, 'www-authenticate': `Bearer error="invalid_token", error_description="${encodeURIComponent(request.headers.authorization ?? '')}"` });
  }

  /** The request, repeated in the spellings a vendor might use to quote it. */
  private echo(request: Received): string {
    const auth = request.headers.authorization ?? '';
    const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    // What a secret is in first: messages keep only the start of a vendor's answer.
    const quoted = { body: request.body, authorization: auth, apiKey: request.headers['x-api-key'], decodedBasic: basic, url: request.url, headers: request.headers };
    return [
      JSON.stringify({ error: 'rejected', received: quoted }),
      `raw: ${request.url} ${auth} ${basic} ${JSON.stringify(request.headers)} ${request.body}`,
      `decoded: ${safeDecode(request.url)} ${safeDecode(request.body.replace(/\+/g, ' '))}`,
    ].join('\n');
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function text(res: http.ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
}

/**
 * A plain-FTP server that refuses every login, quoting the password it got in its 530
 * reply (as some servers' debug modes do): the file-source path of the scan.
 */
export class EchoFtp {
  readonly passwords: string[] = [];
  private server?: net.Server;

  async start(): Promise<number> {
    this.server = net.createServer((socket) => {
      socket.write('220 scan ftp ready\r\n');
      let buffered = '';
      socket.on('data', (d) => {
        buffered += d.toString('utf8');
        let end: number;
        while ((end = buffered.indexOf('\r\n')) >= 0) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const [verb, ...rest] = line.split(' ');
          const arg = rest.join(' ');
          if (verb === 'USER') socket.write(`331 password required for ${arg}\r\n`);
          else if (verb === 'PASS') {
            this.passwords.push(arg);
            socket.write(`530 Login incorrect: password ${arg} refused\r\n`);
          } else if (verb === 'QUIT') socket.end('221 bye\r\n');
          else socket.write('502 not implemented\r\n');
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
