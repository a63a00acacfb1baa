/** `${...}` template parsing: literal and expression parts, and errors that say where. */
import { isTemplate, parseTemplate, type TemplatePart } from '../../../core/template';
import { checkExpression } from '../../../core/expression-syntax';

const WHERE = '$.streams.s.steps[0].request.path';

/** The parts without their columns and raw marks, which the tests below do not look at. */
const strip = (parts: readonly TemplatePart[]) => parts.map((p) => ('text' in p || 'auth' in p ? p : { expression: p.expression }));

describe('parseTemplate', () => {
  test('plain text is one text part', () => {
    expect(strip(parseTemplate('/v1/stats', WHERE))).toEqual([{ text: '/v1/stats' }]);
  });

  test('the empty template has no parts', () => {
    expect(strip(parseTemplate('', WHERE))).toEqual([]);
  });

  test('text and expressions alternate in order', () => {
    expect(strip(parseTemplate('/v1/accounts/${inputs.account_id}/stats', WHERE))).toEqual([
      { text: '/v1/accounts/' },
      { expression: 'inputs.account_id' },
      { text: '/stats' },
    ]);
  });

  test('a whole-template expression and adjacent expressions', () => {
    expect(strip(parseTemplate('${window.from}', WHERE))).toEqual([{ expression: 'window.from' }]);
    expect(strip(parseTemplate('${a}${b}', WHERE))).toEqual([{ expression: 'a' }, { expression: 'b' }]);
  });

  test('expressions are trimmed', () => {
    expect(strip(parseTemplate('x${  inputs.id  }', WHERE))).toEqual([{ text: 'x' }, { expression: 'inputs.id' }]);
  });

  test('braces inside an expression nest', () => {
    expect(strip(parseTemplate('${ {a: 1}.a }', WHERE))).toEqual([{ expression: '{a: 1}.a' }]);
    expect(strip(parseTemplate('q=${ ({x: {y: 1}}).x.y }&z', WHERE))).toEqual([
      { text: 'q=' },
      { expression: '({x: {y: 1}}).x.y' },
      { text: '&z' },
    ]);
  });

  test('a "$" or braces without "${" are literal text', () => {
    expect(strip(parseTemplate('$a{b}c}', WHERE))).toEqual([{ text: '$a{b}c}' }]);
  });

  test('an unclosed "${" names the place and its column', () => {
    expect(() => parseTemplate('/v1/${inputs.id', WHERE)).toThrow(`${WHERE}: unclosed "\${" at column 5 of "/v1/\${inputs.id"`);
    expect(() => parseTemplate('a${', WHERE)).toThrow(`${WHERE}: unclosed "\${" at column 2`);
    // Nested braces that never close are unclosed too.
    expect(() => parseTemplate('${ {a: 1 }', WHERE)).toThrow('unclosed');
  });

  test('text after a complete expression is refused, naming its column', () => {
    expect(() => parseTemplate('/v1/${inputs.id; process}', WHERE)).toThrow(`${WHERE}: expected "}" to close "\${" at column 16`);
    expect(() => parseTemplate('${a) + (b}', WHERE)).toThrow(`${WHERE}: expected "}" to close "\${" at column 4`);
  });

  test('$raw{} marks an expression inserted without encoding', () => {
    expect(parseTemplate('$raw{inputs.path}/x', WHERE)).toEqual([{ expression: 'inputs.path', raw: true, column: 1 }, { text: '/x' }]);
    expect(parseTemplate('/a/${b}', WHERE)).toEqual([{ text: '/a/' }, { expression: 'b', raw: false, column: 4 }]);
  });

  test('an empty "${}" (or only spaces) names the place and its column', () => {
    expect(() => parseTemplate('ab${}', WHERE)).toThrow(`${WHERE}: empty "\${}" at column 3`);
    expect(() => parseTemplate('${   }', WHERE)).toThrow(`${WHERE}: empty "\${}" at column 1`);
  });

  test('an error in a later expression reports that one', () => {
    expect(() => parseTemplate('${a}/${}', WHERE)).toThrow(`${WHERE}: empty "\${}" at column 6`);
  });

  // The parser, not brace counting, finds where an expression ends.
  test('a "}" inside a string literal does not end the expression', () => {
    expect(strip(parseTemplate('${x || "}"}', WHERE))).toEqual([{ expression: 'x || "}"' }]);
  });
});

describe('isTemplate', () => {
  test('true only when the text holds "${"', () => {
    expect(isTemplate('/v1/${x}')).toBe(true);
    expect(isTemplate('${')).toBe(true);
    expect(isTemplate('/v1/$x{y}')).toBe(false);
    expect(isTemplate('')).toBe(false);
  });
});

describe('checkExpression', () => {
  // Regression: acorn gives a parenthesised expression's node without its parentheses
  // unless asked to keep them, so "(a, b)" looked like "a, b" followed by ")".
  test('an expression in parentheses is one expression', () => {
    expect(() => checkExpression('(a, b)', WHERE)).not.toThrow();
    expect(() => checkExpression('(x = 1, f(x), 2)', WHERE)).not.toThrow();
    expect(parseTemplate('${(a)}', WHERE)).toEqual([{ expression: '(a)', raw: false, column: 1 }]);
  });

  test('text after the expression, comments and import are refused with their column', () => {
    expect(() => checkExpression('a; b', WHERE)).toThrow(`${WHERE}: unexpected text after the expression`);
    expect(() => checkExpression('(a)) + ((b)', WHERE)).toThrow('at column 4');
    expect(() => checkExpression('a /* x */ + b', WHERE)).toThrow(`${WHERE}: comments are not allowed in expressions at column 3`);
    expect(() => checkExpression('a <!-- b', WHERE)).toThrow('comments are not allowed');
    expect(() => checkExpression(`import('fs')`, WHERE)).toThrow(`${WHERE}: import is not allowed in expressions at column 1`);
    expect(() => checkExpression('{a: 1}', WHERE)).not.toThrow();
  });
});
