'use strict';
/**
 * Expression time limits in CPU time of the expression's own thread, not in wall time.
 *
 * A limit counted on the wall clock stops an expression that was merely waiting for a core:
 * on a busy worker (32 activities at once on two cores, a neighbour compiling) a one-line
 * `window.to.slice(8)` was stopped by force after 2 s of wall time, and a final failure
 * ended a healthy run. The thread's CPU time is what the expression itself spent, so a
 * runaway built-in is still stopped after its budget, and a starved one is not.
 *
 * Linux gives each thread's CPU time in /proc/<pid>/task/<tid>/stat; Node has no API for
 * a thread's CPU time (process.cpuUsage counts the whole process). Where /proc is not there,
 * the wall clock is all there is, as before. A wall-clock cap (WALL_CAP_FACTOR × the budget)
 * still bounds the wait for a thread that never gets a core.
 *
 * Plain JavaScript: the expression thread (expression-thread.js) loads it too.
 */
const fs = require('node:fs');

/** Clock ticks per second of /proc's utime and stime: 100 on Linux (USER_HZ). */
const TICK_MS = 10;
/** However little CPU a thread got, no call waits longer than this many times its budget. */
const WALL_CAP_FACTOR = 30;

/** The stat file of the calling thread, or undefined where /proc does not have one. */
function ownStatPath() {
  try {
    const dir = fs.realpathSync('/proc/thread-self');
    fs.readFileSync(`${dir}/stat`);
    return `${dir}/stat`;
  } catch {
    return undefined;
  }
}

/**
 * Stat files stay open: every engine call reads one at its start, and a read of an open file
 * at offset 0 (Linux makes the text anew) costs about 4 µs where open, read and close cost
 * 12 µs, beside some 150 µs for the call itself. The host forgets a thread's file when the
 * thread stops.
 */
const openStats = new Map();
const statBuffer = Buffer.alloc(1024);

function readStat(statPath) {
  let fd = openStats.get(statPath);
  if (fd === undefined) {
    fd = fs.openSync(statPath, 'r');
    openStats.set(statPath, fd);
  }
  const length = fs.readSync(fd, statBuffer, 0, statBuffer.length, 0);
  return statBuffer.toString('latin1', 0, length);
}

/** Closes a stat file kept open by readStat (a thread that stopped). */
function forgetStat(statPath) {
  const fd = statPath && openStats.get(statPath);
  if (fd === undefined || fd === '') return;
  openStats.delete(statPath);
  try {
    fs.closeSync(fd);
  } catch {
    // already gone with its thread
  }
}

/** CPU milliseconds (user + system) a thread has used, from its stat file; undefined when unreadable. */
function cpuMsOf(statPath) {
  if (!statPath) return undefined;
  try {
    const stat = readStat(statPath);
    // Fields after the command name (which may hold spaces, in parentheses): state is the first, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/**
 * A clock for one call with `budgetMs` of CPU: `spent()` says whether the budget is used up
 * (in CPU time where it can be read, else in wall time) or the wall-clock cap is reached.
 * Reading /proc costs a system call, so it is read only once the wall clock says the budget
 * could be spent: CPU time never runs ahead of the wall clock.
 */
function budgetClock(budgetMs, statPath) {
  const startedAt = Date.now();
  const cpuAtStart = cpuMsOf(statPath);
  const wallCap = startedAt + budgetMs * WALL_CAP_FACTOR;
  let nextLook = startedAt + budgetMs;
  return {
    /** Wall milliseconds until the budget could be spent, at the earliest (for a wait). */
    remainingMs() {
      return Math.max(0, Math.min(nextLook, wallCap) - Date.now());
    },
    spent() {
      const now = Date.now();
      if (now >= wallCap) return true;
      if (now < nextLook) return false;
      if (cpuAtStart === undefined) return true;
      const used = cpuMsOf(statPath);
      if (used === undefined) return true;
      // One tick of slack: the counters move in whole ticks.
      const left = budgetMs - (used - cpuAtStart) + TICK_MS;
      if (left <= 0) return true;
      nextLook = now + left;
      return false;
    },
  };
}

module.exports = { ownStatPath, cpuMsOf, budgetClock, forgetStat, WALL_CAP_FACTOR };
