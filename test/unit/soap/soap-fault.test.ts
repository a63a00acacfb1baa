/**
 * SOAP faults as vendor errors: the fault found in a decoded answer, and what the vendor
 * client makes of an error answer (final or retried, and its message).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parsedAnswer, soapFaultFailure } from '../../../activities/vendor-failure';
import { xmlToValue } from '../../../adapters/decode/xml';
import type { VendorConfig } from '../../../core/config-schema';
import { soapFaultOf } from '../../../core/soap-fault';

const VENDOR = path.join(__dirname, '..', '..', '..', 'vendors', 'microsoft-advertising');
const fixture = (name: string) => fs.readFileSync(path.join(VENDOR, 'fixtures', name), 'utf8');
const microsoft = JSON.parse(fs.readFileSync(path.join(VENDOR, 'config.json'), 'utf8')) as VendorConfig;
const LABEL = 'POST /Api/Advertiser/Reporting/v13/ReportingService.svc';
const XML = { 'content-type': 'text/xml; charset=utf-8' };
const noScrub = (text: string) => text;

describe('soapFaultOf', () => {
  test('SOAP 1.1: faultcode and faultstring (text beside xml:lang)', () => {
    expect(soapFaultOf(xmlToValue(fixture('fault-ad-api-invalid-credentials.xml')))).toEqual({
      code: 's:Server',
      reason: 'Invalid client data. Check the SOAP fault details for more information. TrackingId: 2b6d9e47-8c1f-4a3b-9d5e-7f0a2c4e6b58.',
    });
  });

  test('SOAP 1.2: Code/Value and the first Reason/Text', () => {
    const fault = xmlToValue(
      '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code>' +
        '<env:Reason><env:Text xml:lang="en">Bad id</env:Text><env:Text xml:lang="fr">Mauvais id</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>',
    );
    expect(soapFaultOf(fault)).toEqual({ code: 'env:Sender', reason: 'Bad id' });
  });

  test('an answer without a Fault has none', () => {
    expect(soapFaultOf(xmlToValue(fixture('poll-success.xml')))).toBeUndefined();
    expect(soapFaultOf({ error: { message: 'json' } })).toBeUndefined();
    expect(soapFaultOf(undefined)).toBeUndefined();
  });
});

/** What the vendor client makes of an error answer that is a fault; `throttled` is its errors.retryWhen verdict. */
function faultFailure(config: VendorConfig, body: string, throttled = false, scrub = noScrub) {
  return soapFaultFailure(config, LABEL, 500, parsedAnswer(body, XML['content-type']), scrub, throttled);
}

describe('soapFaultFailure', () => {
  test('a fault is final, with the fault and Microsoft’s own code and message (errors.message over the decoded answer)', () => {
    const failure = faultFailure(microsoft, fixture('fault-api-operation-error.xml'))!;
    expect(failure.type).toBe('VendorRequestError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      `${LABEL} answered 500: SOAP fault s:Server: Invalid client data. Check the SOAP fault details for more information. TrackingId: 4d8f1a69-0e3b-4c5d-8f7a-9b2c4e6d8f70. — 2003 ReportingServiceAccountNotAuthorized: The specified account is not authorized for the current user or does not exist.`,
    );
    const auth = faultFailure(microsoft, fixture('fault-ad-api-invalid-credentials.xml'))!;
    expect(auth.message).toContain('— 105 InvalidCredentials: Authentication failed. Either supplied credentials are invalid or the account is inactive');
  });

  test('a fault errors.retryWhen calls throttling (117 CallRateExceeded) is retried', () => {
    const failure = faultFailure(microsoft, fixture('fault-call-rate-exceeded.xml'), true)!;
    expect(failure.type).toBe('VendorThrottled');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain('117 CallRateExceeded');
  });

  test('without errors.message a fault still says its code and reason; an answer without a fault makes no fault failure', () => {
    const plain = { ...microsoft, errors: undefined } as VendorConfig;
    const fault = faultFailure(plain, fixture('fault-api-operation-error.xml'))!;
    expect(fault.message).toMatch(/^POST \S+ answered 500: SOAP fault s:Server: Invalid client data\.[^—]*$/);
    expect(fault.nonRetryable).toBe(true);
    expect(faultFailure(microsoft, fixture('poll-success.xml'))).toBeUndefined();
    expect(parsedAnswer('<html>Service Unavailable', 'text/html')).toBeUndefined();
  });

  test('the message is scrubbed before it is cut', () => {
    const failure = faultFailure(microsoft, fixture('fault-api-operation-error.xml'), false, (t) => t.replaceAll('ReportingServiceAccountNotAuthorized', '[redacted]'))!;
    expect(failure.message).toContain('2003 [redacted]: The specified account');
  });
});
