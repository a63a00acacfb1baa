import type { FetchResult } from '../core/contracts';

/** Items named at most, as in one fetch (steps/dependent/item-errors.ts MAX_NAMED_IGNORED_ITEMS): they travel in history. */
const MAX_NAMED = 20;

/** The items several fetches ignored (onItemError): their count, and the first few named. */
export function ignoredOf(results: FetchResult[]): FetchResult['ignored'] {
  let count = 0;
  const items: string[] = [];
  for (const r of results) {
    if (!r.ignored) continue;
    count += r.ignored.count;
    for (const name of r.ignored.items) if (items.length < MAX_NAMED) items.push(name);
  }
  return count ? { count, items } : undefined;
}

/** `; 2 item(s) ignored: {"id":1} (404), …` for a run's memo, or nothing. */
export function ignoredWords(ignored: FetchResult['ignored']): string {
  if (!ignored) return '';
  const more = ignored.count > ignored.items.length ? `, and ${ignored.count - ignored.items.length} more` : '';
  return `; ${ignored.count} item(s) ignored by onItemError: ${ignored.items.join(', ')}${more}`;
}
