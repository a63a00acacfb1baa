/**
 * `${...}` templates in URLs, query values, headers and bodies. Parsing is pure; the
 * expressions inside are evaluated by the sandboxed evaluator in activities.
 */

export type TemplatePart = { text: string } | { expression: string };

/** Splits "a/${inputs.id}/b" into literal and expression parts. Braces inside expressions nest. */
export function parseTemplate(template: string, where: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < template.length) {
    const start = template.indexOf('${', i);
    if (start < 0) {
      parts.push({ text: template.slice(i) });
      break;
    }
    if (start > i) parts.push({ text: template.slice(i, start) });
    let depth = 1;
    let j = start + 2;
    let quote: string | undefined; // inside a string literal, braces do not count
    for (; j < template.length && depth > 0; j++) {
      const c = template[j];
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'" || c === '`') quote = c;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth !== 0) throw new Error(`${where}: unclosed "\${" at column ${start + 1} of ${JSON.stringify(template)}`);
    const expression = template.slice(start + 2, j - 1).trim();
    if (!expression) throw new Error(`${where}: empty "\${}" at column ${start + 1}`);
    parts.push({ expression });
    i = j;
  }
  return parts;
}

export function isTemplate(value: string): boolean {
  return value.includes('${');
}
