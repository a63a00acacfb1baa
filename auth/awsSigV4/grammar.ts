/** Auth kind `awsSigV4`: AWS Signature Version 4 over method, URL, headers and body. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

const AwsName = (description: string, example: string) => doc(Type.String({ pattern: '^[a-z0-9-]+$', maxLength: 63 }), description, example);

export const AwsSigV4Auth = shape('AwsSigV4Auth', 'AWS SigV4 auth', Type.Object(
  {
    kind: Type.Literal('awsSigV4'),
    region: AwsName('AWS region of the endpoint, part of the credential scope.', 'us-east-1'),
    service: AwsName('AWS signing name of the service (`sqs`, `execute-api` for API Gateway…), part of the credential scope.', 'sqs'),
    accessKeyId: doc(SecretRef, 'Credential holding the access key id.', 'aws_access_key_id'),
    secretAccessKey: doc(SecretRef, 'Credential holding the secret access key.', 'aws_secret_access_key'),
    sessionToken: Type.Optional(doc(SecretRef, 'Credential holding a session token (temporary credentials), sent as `X-Amz-Security-Token`.', 'aws_session_token')),
  },
  { additionalProperties: false, description: 'Each request signed with AWS Signature Version 4 (`Authorization: AWS4-HMAC-SHA256 …`, `X-Amz-Date`).' },
));

export type AwsSigV4AuthConfig = Static<typeof AwsSigV4Auth>;

export const awsSigV4 = authGrammar({
  schema: AwsSigV4Auth,
  secretNames: (auth) => [auth.accessKeyId, auth.secretAccessKey, ...(auth.sessionToken ? [auth.sessionToken] : [])],
  catalogueText: (auth) => `AWS SigV4 (\`${auth.service}\` in \`${auth.region}\`)`,
});
