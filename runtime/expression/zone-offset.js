'use strict';
/**
 * The one thing the expression engine cannot know by itself: a time zone's UTC offset at an
 * instant (QuickJS has no Intl and no time-zone data). The engine's `dates` helpers call it
 * through a single function that takes a zone name and a number and gives a number, so no
 * host object ever enters the engine. Node's Intl (full ICU, the IANA database) answers.
 * Plain JavaScript so the expression thread loads it the same way from sources and dist/.
 */
const formatters = new Map();
/** Zones a run names are few; the cache is bounded all the same (configs are untrusted). */
const MAX_ZONES = 200;

function formatterOf(zone) {
  let f = formatters.get(zone);
  if (!f) {
    // Throws RangeError for a name the IANA database does not know.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size >= MAX_ZONES) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

/** Minutes to add to UTC to get the wall-clock time in `zone` at `epochMs` (-420 for Los Angeles in summer). */
function zoneOffsetMinutes(zone, epochMs) {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) throw new RangeError(`${JSON.stringify(String(zone).slice(0, 80))} is not a time zone name`);
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs) || Math.abs(epochMs) > 8.64e15) throw new RangeError('the instant is not a valid time');
  let formatter;
  try {
    formatter = formatterOf(zone);
  } catch {
    throw new RangeError(`${JSON.stringify(zone)} is not an IANA time zone`);
  }
  const at = Math.floor(epochMs / 1000) * 1000;
  const p = {};
  for (const part of formatter.formatToParts(at)) p[part.type] = part.value;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((wall - at) / 60000);
}

module.exports = { zoneOffsetMinutes };
