/**
 * The `check` of a vendor config: one cheap call that proves a customer's credentials and
 * inputs work (`dif check`), with what proves success and the vendor's message when not.
 * Pure grammar; cli/check/ runs it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, RequestSpec, shape } from './schema-parts';

export const Check = shape('Check', 'Credentials check', Type.Object(
  {
    request: doc(RequestSpec, 'The call: the cheapest the vendor documents that needs the same credentials and inputs as the streams (an account or "me" lookup). Sent with the vendor\'s auth and headers, as a stream\'s request is.'),
    success: Type.Optional(
      Expression(
        'Expression over the parsed answer `response` (and `status`, `headers`, `inputs`) that is true when the answer proves the credentials and inputs work. Default: any 2xx answer (and, when the config has `errors.when`, that it does not hold).',
        'response.code === 0 && response.data.list.length > 0',
      ),
    ),
    message: Type.Optional(
      Expression('Expression giving the vendor\'s message when `success` does not hold. Default: the config\'s `errors.message`, else the answer itself (cut).', '`code ${response.code}: ${response.message}`'),
    ),
    docs: Type.Optional(doc(Type.String({ pattern: '^https://', maxLength: 2000 }), 'Where the vendor documents this call.', 'https://developers.hubspot.com/docs/api-reference/latest/account/account-information/get-account-details')),
  },
  {
    additionalProperties: false,
    description:
      'One cheap call that proves a customer\'s credentials and inputs work, for `dif check <vendor> --customer <id>` (before a new customer\'s first run). ' +
      'A 4xx answer fails with the vendor\'s message; a 2xx answer is judged by `success`.',
  },
));

export type CheckConfig = Static<typeof Check>;
