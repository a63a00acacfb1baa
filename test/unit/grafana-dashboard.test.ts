/** The dashboard in docs/ queries only metrics DIF defines: a renamed metric fails here, not on an empty panel. */
import fs from 'node:fs';
import path from 'node:path';
import { registry } from '../../runtime/metrics/dif-metrics';

test('every dif_ metric the Grafana dashboard queries is defined in runtime/metrics', async () => {
  const dashboard = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'grafana-dif-fleet.json'), 'utf8');
  const queried = new Set([...dashboard.matchAll(/\bdif_[a-z_]+/g)].map(([name]) => name.replace(/_(bucket|count|sum)$/, '')));
  const defined = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
  expect(queried.size).toBeGreaterThan(10);
  expect([...queried].filter((name) => !defined.has(name))).toEqual([]);
});
