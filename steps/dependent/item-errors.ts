/**
 * Per-item outcomes of a dependent step's calls: what a vendor's error answer for one item
 * means. A campaign deleted since it was listed answers 404, an account the user lost
 * access to 403; by default either fails the run. A rule can say `ignore` (the item is
 * skipped, counted and named in the run's summary and memo, never silently dropped),
 * `retry` (the answer is transient for this vendor) or `fail`.
 */
import type { ItemErrorRuleConfig } from './grammar';

export type { ItemErrorRuleConfig };
export type ItemOutcome = ItemErrorRuleConfig['outcome'];

/** How a vendor's error answer for one item is judged: by the step's rules, first match wins; undefined when none holds. */
export type ItemJudge = (status: number, parsed: unknown) => ItemOutcome | undefined;

/** An item's call answered an error a rule says to ignore: the item is skipped, not the run failed. */
export class IgnoredItemAnswer extends Error {
  override name = 'IgnoredItemAnswer';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Items a fetch names when it ignores them: beyond this many, only counted (they travel in workflow history). */
export const MAX_NAMED_IGNORED_ITEMS = 20;

/** An item as a run's summary names it: its JSON, cut short, and the status it was ignored for. */
export function ignoredItemName(item: unknown, status: number): string {
  const text = JSON.stringify(item) ?? String(item);
  return `${text.length > 120 ? `${text.slice(0, 120)}…` : text} (${status})`;
}
