/**
 * `${...}` templates in URLs, query values, headers and bodies. Parsing is pure and done by
 * a JavaScript parser (see expression-syntax.ts); the expressions inside are evaluated by
 * the isolated engine in activities, and their values encoded for where they go.
 */
export { parseTemplate, isTemplate, type TemplatePart } from './expression-syntax';
