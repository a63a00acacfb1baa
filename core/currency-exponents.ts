/**
 * ISO 4217 minor units: how many decimal places each active currency's minor unit has
 * (USD 2: cents; JPY 0: no minor unit; KWD 3: fils). Source: ISO 4217 "List one: currency,
 * fund and precious metal codes", published by its maintenance agency SIX
 * (https://www.six-group.com/en/products-services/financial-information/data-standards.html,
 * column "Minor unit"), as amended through 2025 (XCG added beside ANG, ZWG beside ZWL,
 * SLE beside SLL, VED beside VES). Codes whose minor unit is "N.A." (gold, SDR, the test
 * code XTS, XXX) are left out on purpose: an amount in them is not money DIF can shift.
 * Pure data.
 */

/** The currencies whose minor unit is not 2 decimal places. */
const NOT_TWO: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** The active codes with two decimal places. */
const TWO = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW ' +
  'CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ' +
  'ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN ' +
  'NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC ' +
  'SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL'
).split(' ');

export const ISO_4217_MINOR_UNITS: ReadonlyMap<string, number> = new Map([...TWO.map((code) => [code, 2] as const), ...Object.entries(NOT_TWO)]);

/** The currency's minor unit in decimal places, from `overrides` (a vendor's own table) first, then ISO 4217; undefined when unknown. */
export function minorUnitOf(code: string, overrides?: Readonly<Record<string, number>>): number | undefined {
  if (overrides && Object.hasOwn(overrides, code)) return overrides[code];
  return ISO_4217_MINOR_UNITS.get(code);
}
