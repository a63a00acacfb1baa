import { VendorZoo } from '../../mock-vendor/vendor-zoo';

describe('VendorZoo counts requests in flight per key', () => {
  it('keeps the peak of each key apart, and leaves out requests without one', async () => {
    const zoo = new VendorZoo({ latencyMs: 150 });
    const url = await zoo.start();
    try {
      zoo.countInFlightBy((r) => (r.headers['x-account'] as string | undefined) ?? undefined);
      const get = (account?: string) => fetch(`${url}/api/v2/orders?page=1`, { headers: account ? { 'x-account': account } : {} }).then((r) => r.text());
      // Three at once on "a", one on "b", two without a key; then "b" again, after the first is done.
      await Promise.all([get('a'), get('a'), get('a'), get('b'), get(), get()]);
      await get('b');
      expect(Object.fromEntries(zoo.peakConcurrencyByKey())).toEqual({ a: 3, b: 1 });
      expect(zoo.peakConcurrency('generic.orders')).toBe(6);
    } finally {
      await zoo.stop();
    }
  });
});
