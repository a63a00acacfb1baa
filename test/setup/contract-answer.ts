/**
 * A contract route's `edit` (test/setup/contract-table.ts) applied to a fixture answer: an
 * array item repeated into a page too big to commit, fields numbered per copy, values set.
 * TEST CODE ONLY.
 */
import type { AnswerEdit } from './contract-table';
import { getAt, removeAt, setAt } from './dotted-path';

export function editAnswer(text: string, edit: AnswerEdit, where: string): string {
  const answer: unknown = JSON.parse(text);
  if (edit.repeat) {
    const { at, item, count, vary } = edit.repeat;
    const items = getAt(answer, at, `${where}.repeat`);
    if (!Array.isArray(items) || items[item] === undefined) throw new Error(`${where}.repeat: ${at} has no item ${item}`);
    const copies = Array.from({ length: count }, (_, n) => {
      const copy: unknown = structuredClone(items[item]);
      for (const [field, v] of Object.entries(vary ?? {})) {
        const number = v.start + n;
        setAt(copy, field, v.prefix === undefined ? number : `${v.prefix}${String(number).padStart(v.pad ?? 1, '0')}`, `${where}.repeat.vary`);
      }
      return copy;
    });
    setAt(answer, at, copies, `${where}.repeat`);
  }
  for (const [at, value] of Object.entries(edit.set ?? {})) setAt(answer, at, value, `${where}.set`, true);
  for (const at of edit.remove ?? []) removeAt(answer, at, `${where}.remove`);
  return JSON.stringify(answer);
}
