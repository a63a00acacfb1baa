/** The grammar of a single step: one call. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, Identifier, RequestSpec, shape } from '../../core/schema-parts';
import { Decode, pagingWords } from '../shared/grammar';

export const SingleStep = shape('SingleStep', 'Single step', Type.Object(
  {
    kind: Type.Literal('single'),
    name: doc(Identifier, 'Step name; appears in object keys and the Temporal UI.', 'stats'),
    request: RequestSpec,
    decode: Type.Optional(Decode),
    records: Type.Optional(
      Expression('JavaScript expression over `response` (the decoded body) giving the array of records. Default `response`.', 'response.data'),
    ),
  },
  { additionalProperties: false, description: 'One HTTP call whose response holds the records.' },
));


export type SingleStepConfig = Static<typeof SingleStep>;

export const describeSingle = (step: SingleStepConfig): string => `single${pagingWords(step)}`;
