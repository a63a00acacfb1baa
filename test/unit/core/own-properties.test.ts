/**
 * Names read from configs and records are looked up as own properties only: a record
 * without a `constructor` field must not yield Object.prototype.constructor (which wrote
 * `function Object() { [native code] }` into a cell), and a format named after an
 * Object.prototype member is no format.
 */
import { readPath, parsePath } from '../../../core/source-path';
import { checkFormat, ColumnFormatError, toCell } from '../../../core/columns';

describe('own properties only', () => {
  test('a path through a name every object inherits reads undefined', () => {
    const path = parsePath('record.constructor', ['record'])!;
    expect(readPath({ a: 1 }, path.keys)).toBeUndefined();
    expect(readPath({ constructor: 'own' }, path.keys)).toBe('own');
    expect(readPath({ items: [1, 2] }, ['items', 'length'])).toBe(2);
    expect(readPath({ a: { b: 1 } }, ['a', 'toString'])).toBeUndefined();
  });

  test('a format named after an Object.prototype member is refused, not applied', () => {
    expect(() => checkFormat({ name: 'spend', type: 'decimal', format: 'constructor' })).toThrow(ColumnFormatError);
    expect(() => checkFormat({ name: 'spend', type: 'decimal', format: 'toString' })).toThrow('format "toString" does not apply to a decimal column');
    expect(toCell('1500000', { name: 'spend', type: 'decimal', format: 'micros' })).toBe('1.5');
  });
});
