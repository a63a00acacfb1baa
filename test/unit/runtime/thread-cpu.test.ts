/**
 * Expression time limits count the CPU the expression's thread spent, not the wall clock:
 * a thread waiting for a core on a busy machine is not stopped, a runaway one still is.
 * The thread's /proc stat file is imitated here so CPU time can stand still or run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { budgetClock, cpuMsOf, ownStatPath, WALL_CAP_FACTOR } = require('../../../runtime/expression/thread-cpu');

let dir: string;
let stat: string;
/** A stat line as Linux writes it, with `ticks` of user time (a command name with a space and a parenthesis, as names may have). */
const setTicks = (ticks: number) => fs.writeFileSync(stat, `4242 (node (x) y) R 1 2 3 4 5 6 7 8 9 10 ${ticks} 0 0 0 20 0 12 0 1 2 3\n`);
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-thread-cpu-'));
  stat = path.join(dir, 'stat');
  setTicks(100);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => jest.useRealTimers());

test('reads user plus system ticks as milliseconds', () => {
  fs.writeFileSync(stat, '7 (a) S 1 2 3 4 5 6 7 8 9 10 30 12 0 0 20 0 1 0\n');
  expect(cpuMsOf(stat)).toBe(420);
  expect(cpuMsOf(path.join(dir, 'missing'))).toBeUndefined();
});

test('a thread that got no CPU is not out of budget when the wall clock passes it', () => {
  jest.useFakeTimers({ now: 1_000_000 });
  const clock = budgetClock(1000, stat);
  jest.setSystemTime(1_000_000 + 5_000);
  expect(clock.spent()).toBe(false);
  // It gets a core and spends its budget: now it is.
  setTicks(100 + 102);
  jest.setSystemTime(1_000_000 + 7_000);
  expect(clock.spent()).toBe(true);
});

test('a starved thread is stopped at the wall-clock cap all the same', () => {
  jest.useFakeTimers({ now: 1_000_000 });
  const clock = budgetClock(100, stat);
  jest.setSystemTime(1_000_000 + 100 * WALL_CAP_FACTOR - 1);
  expect(clock.spent()).toBe(false);
  jest.setSystemTime(1_000_000 + 100 * WALL_CAP_FACTOR);
  expect(clock.spent()).toBe(true);
});

test('without a readable stat file the wall clock decides, as before', () => {
  jest.useFakeTimers({ now: 1_000_000 });
  const clock = budgetClock(1000, undefined);
  jest.setSystemTime(1_000_000 + 999);
  expect(clock.spent()).toBe(false);
  jest.setSystemTime(1_000_000 + 1000);
  expect(clock.spent()).toBe(true);
});

test("this machine's threads have a stat file, so the CPU clock is the one in use here", () => {
  expect(process.platform === 'linux' ? ownStatPath() : 'not linux').toEqual(expect.any(String));
});
