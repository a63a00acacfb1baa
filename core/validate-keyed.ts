/**
 * A step whose decode is `keyed` (an object keyed by entity id, streamed entry by entry)
 * must name that object with a plain path, and decode JSON: an expression would need the
 * whole document, which is what keyed decoding avoids. Pure.
 */
import { parsePath } from './source-path';
import type { ConfigProblem } from './validate-paths';

interface StepWithDecode {
  records?: string;
  decode?: { format?: string; keyed?: { keyAs: string } };
}

export function keyedDecodeProblems(step: StepWithDecode, at: string, out: ConfigProblem[]): void {
  const keyed = step.decode?.keyed;
  if (!keyed) return;
  if (step.decode?.format !== 'json') out.push({ path: `${at}.decode.keyed`, message: 'keyed decoding reads a JSON object: decode.format must be "json"' });
  if (step.records !== undefined && !parsePath(step.records, ['response']))
    out.push({ path: `${at}.records`, message: 'with decode.keyed, records must be a plain path to the object keyed by id (as `response` or `response.data`), not an expression' });
}
