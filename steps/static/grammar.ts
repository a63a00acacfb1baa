/** The grammar of a static step: records written in the config itself (fixed lists of report types, sample rows). */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Identifier, shape } from '../../interpreter/grammar-kit';

export const StaticStep = shape('StaticStep', 'Static step', Type.Object(
  {
    kind: Type.Literal('static'),
    name: doc(Identifier, 'Step name; appears in object keys and the Temporal UI.', 'report_types'),
    data: doc(Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 10_000 }), 'The records, as JSON objects.', [{ type: 'campaign' }, { type: 'ad' }]),
  },
  { additionalProperties: false, description: 'Records written in the config: no call, no source.' },
));

export type StaticStepConfig = Static<typeof StaticStep>;

export const describeStatic = (step: StaticStepConfig): string => `static (${step.data.length} records)`;
