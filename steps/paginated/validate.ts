/** Checks of a paginated step beyond the schema: its requests, and its property chunks. */
import type { ConfigProblem } from '../../core/validate';
import { chunkProblems } from '../../core/property-chunks';
import type { StepCheckPlace } from '../kind';
import { checkRequests } from '../shared/validate';
import type { PaginatedStepConfig } from './grammar';

export function checkPaginated(step: PaginatedStepConfig, place: StepCheckPlace, out: ConfigProblem[]): void {
  checkRequests(step, place.at, out);
  if (!step.chunk) return;
  chunkProblems(step.chunk, `${place.at}.chunk`, out);
  // Its stored pages are the merged records, not the vendor's answers a later step would read.
  if (place.index !== place.all.length - 1) out.push({ path: `${place.at}.chunk`, message: 'only the stream\'s last step can chunk its fields: the pages it stores are merged records, which no later step reads' });
  const format = step.decode?.format ?? 'json';
  if (format !== 'json') out.push({ path: `${place.at}.chunk`, message: `chunks are merged from JSON records; this step decodes ${format}` });
}
