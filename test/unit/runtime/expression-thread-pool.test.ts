/**
 * Expression threads are reused between activities, as many as ran at once: starting one
 * blocks the worker's event loop until it is ready, and a pool of four made a worker with
 * many concurrent activities start a thread for nearly every one.
 */
import { ExpressionScope, expressionThreadsStarted, expressionThreadsStartedWaiting, prepareExpressionThreads, withExpressionThread } from '../../../runtime/expression/expression';

/** `count` activities at once, each evaluating in a thread of its own until all have started. */
async function activitiesAtOnce(count: number): Promise<number[]> {
  let allIn!: () => void;
  const together = new Promise<void>((resolve) => (allIn = resolve));
  let started = 0;
  const runs = Array.from({ length: count }, (_, i) =>
    withExpressionThread(async () => {
      const scope = new ExpressionScope({ i });
      if (++started === count) allIn();
      await together;
      return scope.evaluate('i * 2', 'w') as number;
    }),
  );
  return Promise.all(runs);
}

test('the first activity to need a thread takes the spare started ahead, and the next spare starts without anyone waiting', async () => {
  const [started, waited] = [expressionThreadsStarted(), expressionThreadsStartedWaiting()];
  prepareExpressionThreads();
  prepareExpressionThreads(); // a spare that is there is kept, not doubled
  expect(expressionThreadsStarted() - started).toBe(1);
  expect(await withExpressionThread(async () => new ExpressionScope({ x: 1 }).evaluate('x + 1', 'w'))).toBe(2);
  expect(expressionThreadsStarted() - started).toBe(2); // its successor
  expect(expressionThreadsStartedWaiting() - waited).toBe(0);
});

test('a second wave of 12 concurrent activities starts no thread', async () => {
  const before = expressionThreadsStarted();
  expect(await activitiesAtOnce(12)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
  // One idle from the test above, the spare, and ten more (each taking of the spare starts the next in the background).
  expect(expressionThreadsStarted() - before).toBe(11);
  expect(await activitiesAtOnce(12)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
  expect(expressionThreadsStarted() - before).toBe(11);
});

