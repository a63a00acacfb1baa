/** decode.keyed in a step: what validation says, by path, when it cannot stream. */
import { demoConfig, problemsOf } from '../helpers/config-problems';
import { validateVendorConfig } from '../../../core/validate';

const STEP = '$.streams.campaign_daily.steps[0]';

test('keyed with a plain records path validates', () => {
  const config = demoConfig();
  Object.assign(config.streams.campaign_daily.steps[0], { decode: { format: 'json', keyed: { keyAs: 'campaign_id' } }, records: 'response.data' });
  expect(() => validateVendorConfig(config, 'test.json')).not.toThrow();
});

test.each<[string, Record<string, unknown>, string, string]>([
  ['a records expression', { records: 'Object.values(response).flat()', decode: { format: 'json', keyed: { keyAs: 'id' } } }, `${STEP}.records`, 'with decode.keyed, records must be a plain path to the object keyed by id (as `response` or `response.data`), not an expression'],
  ['a format other than json', { decode: { format: 'csv', keyed: { keyAs: 'id' } } }, `${STEP}.decode.keyed`, 'keyed decoding reads a JSON object: decode.format must be "json"'],
  ['a keyAs that is no field name', { decode: { format: 'json', keyed: { keyAs: 'the id' } } }, `${STEP}.decode.keyed.keyAs`, expect.stringMatching(/^expected string to match/) as unknown as string],
])('%s is refused at its path', (_label, change, where, message) => {
  const config = demoConfig();
  Object.assign(config.streams.campaign_daily.steps[0], change);
  expect(problemsOf(config)).toEqual([{ path: where, message }]);
});
