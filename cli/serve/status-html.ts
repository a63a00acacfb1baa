/**
 * The status page as one server-rendered HTML document: no script, no front-end build.
 * Every value shown comes from configs, customers, vendors' error messages or Redis names,
 * all untrusted: each passes through `esc` (text and attributes alike), links only when
 * they are http(s), and the server's Content-Security-Policy forbids scripts besides.
 */
import type { FreshnessRow } from '../freshness/freshness';
import type { RunInfo } from '../runs/runs';
import type { FailedRun, StatusSnapshot, VendorStatus } from './status';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function link(href: string, text: string): string {
  return /^https?:\/\//i.test(href) ? `<a href="${esc(href)}">${esc(text)}</a>` : esc(text);
}

function table(head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2733}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.6em 0 .4em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .6em;border-bottom:1px solid #e3e7ec;vertical-align:top}
th{background:#f3f5f8;font-weight:600}.empty,.meta{color:#67727e}.problems{background:#fff3e0;padding:.5em 1em;border-left:4px solid #f0a020}
.state{padding:0 .4em;border-radius:3px}.late,.failing,.FAILED,.TIMED_OUT,.TERMINATED{background:#fde2e1;color:#9b1c1c}
.never-loaded{background:#fff3e0}.fresh{background:#e3f6e8}.full{color:#9b1c1c;font-weight:600}
.error{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word;max-width:60em}`;

const stateTag = (state: string) => `<span class="state ${esc(state)}">${esc(state)}</span>`;

function vendorRow(v: VendorStatus): string[] {
  const counts = Object.entries(v.freshness)
    .map(([state, n]) => `${stateTag(state)} ${esc(n)}`)
    .join(' ');
  const held = v.permits.reduce((sum, p) => sum + p.held, 0);
  return [
    `<b>${esc(v.vendor)}</b><br><span class="meta">${esc(v.title)}</span>`,
    esc(v.customers),
    v.api ? `${esc(v.api.version)}<br><span class="meta">sunset ${esc(v.api.sunset ?? 'none announced')}</span>` : '<span class="meta">not recorded</span>',
    `${esc(v.semaphore.limit)} per ${esc(v.semaphore.scope)}`,
    v.permits.length ? `${esc(held)} held in ${esc(v.permits.length)} semaphore(s)` : '<span class="meta">idle</span>',
    counts || '<span class="meta">-</span>',
  ];
}

function runRow(r: RunInfo): string[] {
  return [
    link(r.uiUrl, r.workflowId),
    esc(r.type),
    esc(r.vendor ?? ''),
    esc(r.customer ?? ''),
    esc(r.stream ?? '') + (r.partition ? `<br><span class="meta">partition ${esc(r.partition)}</span>` : ''),
    esc(r.startTime),
  ];
}

function failedRow(r: FailedRun): string[] {
  return [...runRow(r), esc(r.closeTime ?? ''), stateTag(r.status), `<div class="error">${esc(r.error ?? '')}</div>`];
}

function latenessRow(r: FreshnessRow): string[] {
  return [
    esc(r.customer),
    esc(r.vendor),
    esc(r.stream),
    r.lastLoadedWindow ? `${esc(r.lastLoadedWindow.from)} … ${esc(r.lastLoadedWindow.to)}` : '<span class="meta">never</span>',
    esc(r.lagHours ?? '-'),
    esc(r.dueHours ?? '-'),
    stateTag(r.state) + (r.lastFailedRun ? `<br><span class="meta">${esc(r.lastFailedRun)}</span>` : ''),
  ];
}

function limitRows(vendors: VendorStatus[]): string[][] {
  return vendors.flatMap((v) =>
    v.permits.map((p) => [esc(v.vendor), esc(p.name), `<span class="${p.held >= p.limit ? 'full' : ''}">${esc(p.held)} / ${esc(p.limit)}</span>`, esc(p.waiting)]),
  );
}

export function renderStatusPage(s: StatusSnapshot, refreshSeconds: number): string {
  // Vendors nobody uses stay in the JSON twin; the page lists those with customers or permits in use.
  const used = s.vendors.filter((v) => v.customers > 0 || v.permits.length > 0);
  const unused = s.vendors.length - used.length;
  const problems = s.problems.length
    ? `<div class="problems"><b>Could not read everything:</b><ul>${s.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></div>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${esc(refreshSeconds)}">
<title>DIF status</title><style>${STYLE}</style></head>
<body>
<h1>DIF status</h1>
<p class="meta">As of ${esc(s.generatedAt)} · ${esc(s.running.length)} running · ${esc(s.failed.length)} failed recently · ${esc(s.lateness.length)} stream(s) needing attention · refreshes every ${esc(refreshSeconds)} s · <a href="status.json">status.json</a></p>
${problems}
<h2>Vendors</h2>
${table(['vendor', 'customers', 'API version', 'semaphore', 'permits now', 'freshness'], used.map(vendorRow), 'no vendor has customers yet')}
${unused ? `<p class="meta">${esc(unused)} more vendor config(s) have no customer (listed in status.json).</p>` : ''}
<h2>Running</h2>
${table(['run', 'type', 'vendor', 'customer', 'stream', 'started'], s.running.map(runRow), 'nothing is running')}
<h2>Failed recently</h2>
${table(['run', 'type', 'vendor', 'customer', 'stream', 'started', 'closed', 'status', 'error'], s.failed.map(failedRow), 'no run failed recently')}
<h2>Lateness</h2>
${table(['customer', 'vendor', 'stream', 'last loaded window', 'lag h', 'due h', 'state'], s.lateness.map(latenessRow), 'every tracked stream is fresh')}
<h2>Limits</h2>
${table(['vendor', 'semaphore', 'held / limit', 'waiting'], limitRows(s.vendors), 'no vendor permit is held or waited for')}
</body></html>
`;
}
