/**
 * The status page renders untrusted text (vendor titles, customer ids, partitions, vendors'
 * error messages, semaphore names) as text: an XSS attempt in any of them shows escaped and
 * never becomes markup, and a link only when it is http(s). The server adds a CSP that
 * forbids scripts, and serves the same snapshot as JSON.
 */
import { renderStatusPage, esc } from '../../../cli/serve/status-html';
import { startStatusServer } from '../../../cli/serve/server';
import type { StatusSnapshot } from '../../../cli/serve/status';

const XSS = `<script>alert(1)</script>`;
const ATTR = `"><img src=x onerror=alert(2)>`;

function snapshot(): StatusSnapshot {
  const run = {
    workflowId: `demo-ads/${XSS}/campaign_daily/2026-12-01..2026-12-01`,
    runId: 'r1',
    type: 'ingest',
    status: 'FAILED',
    vendor: 'demo-ads',
    customer: `acme${ATTR}`,
    stream: 'campaign_daily',
    partition: `act_1${XSS}`,
    startTime: '2026-12-02T01:00:00.000Z',
    closeTime: '2026-12-02T01:05:00.000Z',
    uiUrl: `javascript:alert(3)`,
  };
  return {
    generatedAt: '2026-12-02T02:00:00.000Z',
    vendors: [
      {
        vendor: 'demo-ads',
        title: `Demo ${XSS}`,
        customers: 2,
        api: { version: `v1${ATTR}`, sunset: null },
        semaphore: { scope: 'customer', limit: 2 },
        permits: [{ name: `vendor:demo-ads:customer:${XSS}`, held: 2, limit: 2, waiting: 1 }],
        freshness: { late: 1, fresh: 1 },
      },
      { vendor: 'unused-vendor', title: 'Nobody uses it', customers: 0, semaphore: { scope: 'account', limit: 5 }, permits: [], freshness: {} },
    ],
    running: [{ ...run, status: 'RUNNING', closeTime: undefined, uiUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/a%2Fb/r1/history' }],
    failed: [{ ...run, error: `Activity task failed: demo-ads answered 400: {"error":"${XSS}${ATTR}"}` }],
    lateness: [{ customer: `acme${ATTR}`, vendor: 'demo-ads', stream: 'campaign_daily', state: 'late', lagHours: 50, dueHours: 30, lastLoadedWindow: { from: '2026-11-28', to: '2026-11-29' } }],
    problems: [`limits (Redis): connect ECONNREFUSED ${XSS}`],
  };
}

test('esc escapes the five characters that matter in text and quoted attributes', () => {
  expect(esc(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  expect(esc(undefined)).toBe('');
  expect(esc(3)).toBe('3');
});

test('an XSS attempt in a customer id, an error, a title, a partition or a semaphore shows as text', () => {
  const html = renderStatusPage(snapshot(), 30);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/href="javascript:/i);
  expect(html).not.toContain('onerror=alert(2)>'); // only in its escaped form
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('acme&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
  expect(html).toContain('demo-ads answered 400: {&quot;error&quot;:&quot;&lt;script&gt;');
  // The only markup is the page's own: every tag is one of these.
  const tags = new Set([...html.matchAll(/<\/?([a-z0-9!]+)/gi)].map((m) => m[1].toLowerCase()));
  const own = ['!doctype', 'a', 'b', 'body', 'br', 'div', 'h1', 'h2', 'head', 'html', 'li', 'meta', 'p', 'span', 'style', 'table', 'tbody', 'td', 'th', 'thead', 'title', 'tr', 'ul'];
  expect([...tags].filter((t) => !own.includes(t))).toEqual([]);
});

test('the page lists vendors in use, runs, lateness and limits; a non-http link is text', () => {
  const html = renderStatusPage(snapshot(), 30);
  expect(html).toContain('<a href="http://127.0.0.1:8233/namespaces/default/workflows/a%2Fb/r1/history">');
  expect(html).toMatch(/<b>demo-ads<\/b>/);
  expect(html).not.toContain('unused-vendor');
  expect(html).toContain('1 more vendor config(s) have no customer');
  expect(html).toMatch(/<span class="full">2 \/ 2<\/span>/);
  expect(html).toContain('<span class="state late">late</span>');
  expect(html).toContain('Could not read everything');
  expect(html).toContain('<meta http-equiv="refresh" content="30">');
});

test('the server sends the page with a CSP forbidding scripts, the JSON twin, and 404 elsewhere', async () => {
  let reads = 0;
  const server = await startStatusServer({ port: 0, host: '127.0.0.1', refreshSeconds: 30, cacheMs: 60_000, snapshot: async () => (reads++, snapshot()) });
  try {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/script-src/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('DIF status');
    const json = await fetch(`${server.url}status.json`);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual(JSON.parse(JSON.stringify(snapshot())));
    expect(reads).toBe(1); // the second request reused the snapshot
    expect((await fetch(`${server.url}nope`)).status).toBe(404);
  } finally {
    await server.close();
  }
});
