/**
 * Lists the items a dependent step runs for (or an async step's jobs take in batches), from
 * the stored pages of the step it depends on, into the store in pieces. Only its key and the count go back to the workflow.
 */
import type { PermitRef } from '../../core/contracts';
import type { ItemsResult, RunContext } from '../../core/contracts';
import { ExpressionScope } from '../../runtime/expression/expression';
import { ExpressionError } from '../../core/errors';
import { runPrefix } from '../../core/run-plan';
import type { ActivityDeps } from '../../activities/deps';
import { finalFailure } from '../../activities/failures';
import { pagesOf } from '../../activities/page-sets';
import { PageOpener, pageName } from '../../adapters/object-store/bundle-pages';
import { pinnedStepOf, runVariables } from '../../activities/pinned-config';
import { underPermit } from '../../activities/permits';
import { ItemListWriter } from '../../activities/item-lists';

export interface PlanItemsInput {
  run: RunContext;
  stepIndex: number;
  /** Page-set lists of the step the items come from. */
  fromLists: string[];
  permit: PermitRef;
}

export function planItemsActivity(deps: ActivityDeps) {
  return async function planItems({ run, stepIndex, fromLists, permit }: PlanItemsInput): Promise<ItemsResult> {
    return underPermit(deps, permit, async () => {
      // A dependent step's calls, or an async step's jobs (a job per batch of items).
      const { pinned, step, where: at } = await pinnedStepOf(deps, run, stepIndex, ['dependent', 'async']);
      const where = `${at}.items`;
      if (step.items === undefined) throw finalFailure('ConfigError', `${where} is required to plan items`);
      const scope = new ExpressionScope(runVariables(run, pinned));
      // Written in pieces as they are found (activities/item-lists.ts): a batch reads only its own.
      const items = new ItemListWriter(deps.objectStore, `${runPrefix('raw', run, run.runId)}/${step.name}/items/`);
      // A bundle of answers (adapters/object-store/answer-bundle.ts) is read once for its pages.
      const opener = new PageOpener(deps.objectStore);
      for await (const page of pagesOf(deps.objectStore, fromLists)) {
        const stored = { key: page.objectKey, range: page.range };
        const name = pageName(stored);
        try {
          scope.setJson('response', await opener.text(stored));
          scope.setJson('parent', JSON.stringify(page.parent ?? null));
          const found = scope.evaluate(step.items as string, where);
          if (!Array.isArray(found)) throw finalFailure('DataError', `${where} did not give an array for ${name}`);
          const ancestors = page.parent === undefined ? [] : [page.parent, ...(page.ancestors ?? [])];
          for (const item of found) await items.add({ item, ancestors });
        } catch (e) {
          if (e instanceof ExpressionError) throw finalFailure('DataError', `${e.message} (${name})`);
          if ((e as Error).name === 'SyntaxError') throw finalFailure('DataError', `${name} is not valid JSON`);
          throw e;
        }
      }
      return items.close();
    });
  };
}

/** A dependent step's own activity; its calls are fetchPages batches (steps/shared/fetch-pages.ts). */
export const dependentActivities = (deps: ActivityDeps) => ({ planItems: planItemsActivity(deps) });
