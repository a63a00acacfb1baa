import { withholdPersonalData } from '../../../core/pii-scrub';

test('emails, phone numbers and long digit runs are withheld; short numbers and the story stay', () => {
  const out = withholdPersonalData('record 12 of raw/x/page-000001.json: ada.lovelace+x@example.co.uk called +44 (20) 7946-0958 at position 57');
  expect(out).toBe('record 12 of raw/x/page-000001.json: [email] called [number] at position 57');
});

test('the JSON text V8 quotes, and a vendor’s error body, are withheld whole', () => {
  expect(withholdPersonalData(`raw/p.json is not valid JSON: Unexpected token 'G', "Grace Hopper,1906"... is not valid JSON`)).toBe(
    `raw/p.json is not valid JSON: Unexpected token 'G', [input withheld in the clean room] is not valid JSON`,
  );
  expect(withholdPersonalData('GET /crm/v3/objects/contacts answered 400: {"message":"contact Grace Hopper exists"}')).toBe(
    "GET /crm/v3/objects/contacts answered 400 (body withheld in the clean room; the customer's worker log has it)",
  );
});
