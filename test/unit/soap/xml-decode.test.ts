/**
 * XML decoding: answers seen by expressions (SOAP envelopes) and files decoded to records
 * (`decode.format: "xml"`), with the messages for XML that cannot be read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { decodeRecords, DecodeError } from '../../../adapters/decode/records';
import { bodyAsJson, isXmlContentType, xmlToValue } from '../../../adapters/decode/xml';
import { ExpressionScope } from '../../../runtime/expression/expression';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'vendors', 'microsoft-advertising', 'fixtures');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

async function records(xml: string, selector: Parameters<typeof decodeRecords>[2]) {
  const out: [number, unknown][] = [];
  const fields: string[][] = [];
  for await (const batch of decodeRecords(Readable.from([Buffer.from(xml)]), { format: 'xml' }, selector, { onFields: (f) => fields.push(f), onReject: () => undefined })) {
    for (const r of batch) out.push([r.number, r.record]);
  }
  return { out, fields };
}
const at = (...keys: string[]) => ({ kind: 'path' as const, keys });

describe('xmlToValue', () => {
  test('a SOAP answer as Microsoft documents it: prefixes dropped, texts kept as strings, nil="false" gone', () => {
    const value = xmlToValue(fixture('submit-generate-report-response.xml')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(value.Envelope.Body.SubmitGenerateReportResponse.ReportRequestId).toBe('30000001876543210987'); // every digit, as a string
    expect(value.Envelope.Header.TrackingId).toBe('7a3c1b52-0e4d-4f3a-9b1c-5d2e8f6a4c31');
  });

  test('nil="true" is null, entities are decoded, attributes are @name beside #text', () => {
    const success = xmlToValue(fixture('poll-success.xml')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(success.Envelope.Body.PollGenerateReportResponse.ReportRequestStatus.ReportDownloadUrl).toBe(
      '{{baseUrl}}/ReportDownload/30000001876543210987.zip?sv=2019-12-12&st=2024-03-04T10%3A00%3A00Z&se=2024-03-04T10%3A05%3A00Z&sr=b&sp=r&sig=FixtureSasSignature%3D',
    );
    const empty = xmlToValue(fixture('poll-success-no-data.xml')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(empty.Envelope.Body.PollGenerateReportResponse.ReportRequestStatus).toEqual({ ReportDownloadUrl: null, Status: 'Success' });
    expect(xmlToValue('<a><b lang="en">hi</b><c/></a>')).toEqual({ a: { b: { '#text': 'hi', '@lang': 'en' }, c: '' } });
  });

  test('malformed XML and a DTD are refused with a DecodeError saying why', () => {
    expect(() => xmlToValue('<a><b></a>')).toThrow(DecodeError);
    expect(() => xmlToValue('<a><b></a>')).toThrow(/is not well-formed XML: Expected closing tag 'b' .*\(line 1, column \d+\)/);
    expect(() => xmlToValue('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><a>&lol;</a>')).toThrow('document type declaration (DTD), which DIF refuses');
  });

  test('answers are decoded by their Content-Type only', () => {
    expect(['text/xml; charset=utf-8', 'application/xml', 'application/soap+xml', 'application/atom+xml'].map(isXmlContentType)).toEqual([true, true, true, true]);
    expect(['application/json', 'text/plain', undefined].map(isXmlContentType)).toEqual([false, false, false]);
    expect(bodyAsJson('{"a":1}', 'application/json')).toBe('{"a":1}');
    expect(JSON.parse(bodyAsJson('<a>1</a>', 'text/xml'))).toEqual({ a: '1' });
  });
});

describe('decode format xml', () => {
  const xml = '<r:Report xmlns:r="urn:x"><Rows><Row id="1"><Clicks>3</Clicks></Row><Row id="2"><Clicks>5</Clicks></Row></Rows></r:Report>';

  test('the records at a plain path, numbered, with the first record\'s fields', async () => {
    const { out, fields } = await records(xml, at('Report', 'Rows', 'Row'));
    expect(out).toEqual([
      [1, { '@id': '1', Clicks: '3' }],
      [2, { '@id': '2', Clicks: '5' }],
    ]);
    expect(fields).toEqual([['Clicks', '@id']]);
  });

  test('an element that appears once is a list of one; an empty one is no records', async () => {
    expect((await records('<Report><Rows><Row><Clicks>3</Clicks></Row></Rows></Report>', at('Report', 'Rows', 'Row'))).out).toEqual([[1, { Clicks: '3' }]]);
    expect((await records('<Report><Rows/></Report>', at('Report', 'Rows'))).out).toEqual([]);
  });

  test('a path that is not there is named', async () => {
    await expect(records(xml, at('Report', 'Lines'))).rejects.toThrow('has no response.Report.Lines (the step\'s records path)');
  });

  test('any other records expression runs over the decoded document in the sandbox', async () => {
    const selector = { kind: 'expression' as const, expression: 'response.Report.Rows.Row.filter((r) => r.Clicks > 4)', where: '$.records', scope: () => new ExpressionScope({}) };
    expect((await records(xml, selector)).out).toEqual([[1, { '@id': '2', Clicks: '5' }]]);
  });
});
