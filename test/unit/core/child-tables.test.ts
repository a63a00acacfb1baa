/**
 * Child tables' grammar: what a child becomes as a table (its parent key columns first,
 * read as the parent reads them), and every mistake named by its JSON path.
 */
import { childTableConfig, childTables } from '../../../core/child-tables';
import type { TableConfig } from '../../../core/config-schema';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const TABLE = '$.streams.campaign_daily.table';

const orders: TableConfig = {
  name: 'orders',
  primaryKey: ['id'],
  columns: [{ name: 'id', type: 'string', nullable: false }, { name: 'total', type: 'decimal' }],
  children: [
    { name: 'order_lines', from: 'record.lineItems.nodes', parentKey: ['order_id'], primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'qty', type: 'integer', source: 'item.quantity' }] },
    { name: 'order_discounts', from: 'record.discounts', primaryKey: ['code'], columns: [{ name: 'code', type: 'string' }] },
  ],
};

test('a child from a nested list: the parent key first (typed and read as the parent reads it), its columns reading `item`, exploded from the list', () => {
  expect(childTableConfig(orders, orders.children![0])).toEqual({
    name: 'order_lines',
    primaryKey: ['order_id', 'id'],
    columns: [
      { name: 'order_id', type: 'string', nullable: false, source: 'record["id"]' },
      { name: 'id', type: 'string', source: 'item["id"]' },
      { name: 'qty', type: 'integer', source: 'item.quantity' },
    ],
    explode: 'record.lineItems.nodes',
  });
  // Without parentKey the columns are parent_<column>; children in lock order, by name.
  expect(childTables(orders).map((t) => [t.name, t.primaryKey])).toEqual([['order_discounts', ['parent_id', 'code']], ['order_lines', ['order_id', 'id']]]);
});

test('a child joined by a field (a bulk JSONL’s __parentId): the parent key read by joinedBy, the child records picked by where', () => {
  const child = { name: 'lines', joinedBy: 'record.__parentId', where: 'record.__parentId !== undefined', parentKey: ['order_id'], primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] };
  expect(childTableConfig(orders, child)).toEqual({
    name: 'lines',
    primaryKey: ['order_id', 'id'],
    columns: [{ name: 'order_id', type: 'string', nullable: false, source: 'record.__parentId' }, { name: 'id', type: 'string' }],
    where: 'record.__parentId !== undefined',
  });
});

test('the shipped shopify config validates with its child tables', () => {
  const config = validateVendorConfig(require('../../../vendors/shopify/config.json'), 'shopify', 'shopify');
  expect(config.streams.orders.table.children!.map((c) => c.name)).toEqual(['shopify_orders_line_items', 'shopify_orders_refunds']);
});

test('mistakes in children are named by their JSON path', () => {
  const config = demoConfig();
  config.streams.campaign_daily.table.children = [
    { name: 'demo_ads_campaign_daily', from: 'record.rows', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] },
    { name: 'kids', from: 'record.a', joinedBy: 'record.p', primaryKey: ['nope'], parentKey: ['x'], columns: [{ name: 'x', type: 'string' }] },
    { name: 'kids2', primaryKey: ['id'], columns: [{ name: 'id', type: 'string', source: 'item.id', metadata: 'customer' }] },
    { name: 'kids3', from: 'record.a', joinedBy: 'record.b', where: 'true', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] },
  ];
  const problems = problemsOf(config);
  const keyColumns = config.streams.campaign_daily.table.primaryKey.length;
  expect(problems).toEqual(expect.arrayContaining([
    { path: `${TABLE}.children[0].name`, message: `table "demo_ads_campaign_daily" is written already (${TABLE}.name); a child table belongs to one parent` },
    { path: `${TABLE}.children[1]`, message: 'needs exactly one of "from" (a nested list in the parent record) or "joinedBy" (the parent key read from a child record)' },
    { path: `${TABLE}.children[1].joinedBy`, message: expect.stringContaining('reads one value, but the parent key has') },
    { path: `${TABLE}.children[1]`, message: 'missing required field "where": with "joinedBy" it tells the child records from their parents' },
    { path: `${TABLE}.where`, message: 'missing: with a "joinedBy" child, the parent table needs a "where" that leaves the child records out' },
    { path: `${TABLE}.children[1].parentKey`, message: expect.stringContaining(`names 1 column(s) but the parent key has ${keyColumns}`) },
    { path: `${TABLE}.children[1].columns[0].name`, message: 'duplicate column "x": the parent key column of that name is there already' },
    { path: `${TABLE}.children[1].primaryKey[0]`, message: '"nope" is not one of the child table\'s columns' },
    { path: `${TABLE}.children[2]`, message: expect.stringContaining('needs exactly one of') },
    { path: `${TABLE}.children[2].columns[0].metadata`, message: 'a column takes its value from `source` or `metadata`, not both' },
  ]));
});

test('the schema names a child’s unknown field and a bad `from` by path', () => {
  const config = demoConfig();
  config.streams.campaign_daily.table.children = [{ name: 'kids', from: 'response.rows', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }], colour: 'red' }];
  const paths = problemsOf(config).map((p) => p.path);
  expect(paths).toEqual(expect.arrayContaining([`${TABLE}.children[0].from`, `${TABLE}.children[0].colour`]));
});

test('a table that explodes its records cannot have children', () => {
  const config = demoConfig();
  config.streams.campaign_daily.table.explode = 'record.rows';
  config.streams.campaign_daily.table.children = [{ name: 'kids', from: 'record.rows', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] }];
  expect(problemsOf(config)).toContainEqual({ path: `${TABLE}.children`, message: expect.stringContaining('use children or explode, not both') });
});
