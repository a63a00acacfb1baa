import { fifoJainIndex, jainIndex, percentile, runsPerMinute } from '../../../bench/fleet-stats';

describe('fleet bench arithmetic', () => {
  it('takes nearest-rank percentiles: values that occurred, whatever the order', () => {
    const values = [9, 1, 8, 2, 7, 3, 6, 4, 5, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
  });

  it('refuses percentiles of nothing or out of range', () => {
    expect(() => percentile([], 50)).toThrow('percentile of no values');
    expect(() => percentile([1], 0)).toThrow('percentile must be in (0, 100], not 0');
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('counts runs per minute from the first start to the last close', () => {
    expect(runsPerMinute([])).toBe(0);
    const runs = [
      { startMs: 0, closeMs: 10_000 },
      { startMs: 0, closeMs: 30_000 },
      { startMs: 1_000, closeMs: 20_000 },
    ];
    expect(runsPerMinute(runs)).toBeCloseTo(6); // 3 runs in 30 s
  });

  it("computes Jain's index: 1 when equal, 1/n when one has all", () => {
    expect(jainIndex([5, 5, 5, 5])).toBe(1);
    expect(jainIndex([1, 0, 0, 0])).toBeCloseTo(0.25);
    expect(jainIndex([1, 2, 3])).toBeCloseTo(36 / 42);
    expect(jainIndex([0, 0])).toBe(1);
    expect(() => jainIndex([])).toThrow('Jain index of no values');
    expect(() => jainIndex([1, -1])).toThrow(RangeError);
  });

  it('gives the index of a perfect FIFO queue: 1 when everyone is served at once, less as the queue lengthens', () => {
    expect(fifoJainIndex(4, 4)).toBe(1);
    expect(fifoJainIndex(4, 10)).toBe(1);
    // 4 customers, 2 at a time: latencies 1, 1, 2, 2.
    expect(fifoJainIndex(4, 2)).toBeCloseTo(36 / 40);
    // 3 customers, one at a time: 1, 2, 3.
    expect(fifoJainIndex(3, 1)).toBeCloseTo(36 / 42);
    expect(() => fifoJainIndex(0, 1)).toThrow(RangeError);
  });
});
