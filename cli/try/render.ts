/** How `dif try` shows a trial to a person: each event as it happens (`--json` prints the events as they are). */
import type { TrialEvent } from './trial';
import { printTable } from '../shared/render';
import type { PageDecision } from '../../core/pagination';

const MAX_SHOWN = 2000;

const cut = (text: string) => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)` : text);

export function printTrialEvent(e: TrialEvent): void {
  switch (e.event) {
    case 'start':
      console.log(`dif try ${e.vendor}, stream ${e.stream}, customer ${e.customer}, ${e.window.from}..${e.window.to}${e.partition !== undefined ? `, partition ${e.partition}` : ''}; at most ${e.pages} page(s) per pagination`);
      for (const s of e.steps) console.log(`  step ${s.index}: ${s.name} (${s.kind})`);
      return;
    case 'request': {
      const x = e.exchange;
      console.log(`→ [${e.step}] ${x.method} ${x.url}`);
      for (const [name, value] of Object.entries(x.headers)) console.log(`    ${name}: ${value}`);
      if (x.body !== undefined) console.log(`    body: ${cut(x.body)}`);
      console.log(x.status !== undefined ? `← ${x.status} in ${x.ms} ms` : `← no answer after ${x.ms} ms: ${x.error}`);
      return;
    }
    case 'page': {
      const records = e.records < 0 ? 'records not counted (a single call or a row format)' : `${e.records} record(s)`;
      console.log(`  page ${e.page}: ${records}; ${decisionText(e.decision)}`);
      return;
    }
    case 'records':
      console.log(`first records of ${e.step}:`);
      for (const r of e.records) console.log(`  ${cut(JSON.stringify(r))}`);
      return;
    case 'skipped':
      console.log(`step ${e.step} (${e.kind}) not run: ${e.reason}`);
      return;
    case 'csv':
      console.log(`CSV: ${e.records} record(s) → ${e.rowCount} row(s), ${e.rejected} rejected; the first ${e.rows.length}:`);
      printTable(
        e.columns.map((c) => `${c.name}\n${c.type}`),
        e.rows.map((r) => r.map(cut)),
      );
      return;
    case 'rejects':
      console.log('rejected rows (record number, why, the record):');
      for (const r of e.rows) console.log(`  #${r.number}: ${r.reason}\n    ${cut(r.record)}`);
      return;
  }
}

function decisionText(decision: PageDecision): string {
  if ('done' in decision) return `done: ${decision.done}`;
  const next = decision.next;
  const how = next.url ? `url ${next.url}` : next.cursor !== undefined ? `cursor ${next.cursor}` : next.offset !== undefined ? `offset ${next.offset}` : next.pageNumber !== undefined ? `page number ${next.pageNumber}` : 'as configured';
  return `next page ${next.page} (${how})`;
}
