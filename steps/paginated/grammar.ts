/** The grammar of a paginated step: one call repeated page by page. */
import { Type, type Static } from '@sinclair/typebox';
import { shape } from '../../core/schema-parts';
import { fetchFields, pagedFields, pagingWords } from '../shared/grammar';
import { PropertyChunks } from '../../core/property-chunks';
import { TotalsSpec } from '../../core/vendor-totals';

export const PaginatedStep = shape('PaginatedStep', 'Paginated step', Type.Object(
  { kind: Type.Literal('paginated'), ...fetchFields, ...pagedFields, chunk: Type.Optional(PropertyChunks), totals: Type.Optional(TotalsSpec) },
  { additionalProperties: false, description: 'A call repeated page by page until the pagination or a stop rule ends it.' },
));

export type PaginatedStepConfig = Static<typeof PaginatedStep>;

export const describePaginated = (step: PaginatedStepConfig): string =>
  `paginated${pagingWords(step)}${step.chunk ? `, fields in chunks of ${step.chunk.size}` : ''}`;
