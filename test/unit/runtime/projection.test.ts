/**
 * Row mapping sends the engine only the parts of each record its expressions can read
 * (runtime/row-mapper.ts `projection`, expression-syntax.ts `chainsUsedBy`). A part
 * left out that an expression reads would change a cell: these tests pin both halves.
 */
import { chainsUsedBy } from '../../../core/expression-syntax';
import { projection, RowMapper } from '../../../runtime/row-mapper';
import type { TableConfig } from '../../../core/config-schema';

describe('chainsUsedBy', () => {
  test('member chains, stopping at anything but .name', () => {
    const used = chainsUsedBy(['record.stats.day.slice(0, 10)', 'record.a?.b + item.x', 'record.items[0].v'], ['record', 'item']);
    expect(used.get('record')).toEqual([['stats', 'day', 'slice'], ['a', 'b'], ['items']]);
    expect(used.get('item')).toEqual([['x']]);
  });

  test('a root used any other way is needed whole', () => {
    for (const e of ['record[k]', 'Object.keys(record).length', 'JSON.stringify(record)', 'record', 'eval("record.a")', 'this.record']) {
      expect(chainsUsedBy([e], ['record']).get('record')).toBe('whole');
    }
  });

  test('a property named like a root is not the root', () => {
    expect(chainsUsedBy(['parent.record.x'], ['record']).get('record')).toBeUndefined();
  });
});

describe('projection', () => {
  const record = { id: '1', stats: { day: '2026-11-01T00:00:00Z', cost: 5, more: { deep: 1 } }, tags: ['a', 'b'], big: 'x'.repeat(1000), ['__proto__']: { p: 1 } };

  test('keeps what the chains reach, whole at primitives and arrays', () => {
    expect(JSON.parse(JSON.stringify(projection(record, [['stats', 'day', 'slice'], ['tags', 'length']])))).toEqual({ stats: { day: '2026-11-01T00:00:00Z' }, tags: ['a', 'b'] });
  });

  test('a shorter chain takes its part whole, whatever the order', () => {
    expect(JSON.parse(JSON.stringify(projection(record, [['stats', 'more', 'deep'], ['stats']])))).toEqual({ stats: record.stats });
  });

  test('absent and inherited names stay absent; "__proto__" data stays data', () => {
    const parsed = JSON.parse('{"__proto__": {"p": 1}, "a": 1}');
    expect(JSON.stringify(projection(parsed, [['__proto__', 'p'], ['constructor'], ['missing', 'x']]))).toBe('{"__proto__":{"p":1}}');
  });
});

test('the row mapper gives the same cells with and without projection', () => {
  const table: TableConfig = {
    name: 't',
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'string' },
      { name: 'day', type: 'date', source: 'record.stats.day.slice(0, 10)' },
      { name: 'n', type: 'integer', source: 'record.tags.length + Object.keys(record.stats).length' },
      { name: 'whole', type: 'string', source: 'Object.keys(record).sort().join()' },
    ],
  };
  const facts = { customer: 'c', vendor: 'v', stream: 's', windowFrom: '2026-11-01', windowTo: '2026-11-01', runId: 'r', extractedAt: '2026-11-02T00:00:00Z' };
  const mapper = new RowMapper(table, facts, {}, '$.streams.s.table');
  try {
    const { rows, rejects } = mapper.map([{ number: 1, record: { id: '1', stats: { day: '2026-11-01T09:00:00Z', cost: 1 }, tags: ['a'], extra: 2 } }], null);
    expect(rejects).toEqual([]);
    expect(rows[0].slice(0, 4)).toEqual(['1', '2026-11-01', '3', 'extra,id,stats,tags']);
  } finally {
    mapper.dispose();
  }
});
