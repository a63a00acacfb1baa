/**
 * What a clean room lets out of an error message: the message with anything that may be
 * a personal value replaced. Error messages of clean-room activities travel to DIF through
 * Temporal (history, Web UI, CLI), and some quote input: V8's JSON.parse quotes the text it
 * failed on, vendors' error bodies may echo a record. Names cannot be recognised by shape,
 * so quoted input is withheld whole; emails and long digit runs (phones, ids) anywhere.
 */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g;
const PHONE_OR_LONG_NUMBER = /\+?\d(?:[\d\s().-]{5,}\d)/g;
/** V8: `Unexpected token 'a', "ada@exampl"... is not valid JSON` */
const JSON_SNIPPET = /"(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON/g;
/** Our vendor client: `GET /x answered 400: <the vendor's body>` */
const VENDOR_BODY = /(answered \d{3}): [\s\S]*$/;

export function withholdPersonalData(message: string): string {
  return message
    .replace(JSON_SNIPPET, '[input withheld in the clean room] is not valid JSON')
    .replace(VENDOR_BODY, (_, head: string) => `${head} (body withheld in the clean room; the customer's worker log has it)`)
    .replace(EMAIL, '[email]')
    .replace(PHONE_OR_LONG_NUMBER, (m) => (m.replace(/\D/g, '').length >= 7 ? '[number]' : m));
}
