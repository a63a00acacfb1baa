/**
 * Moves the decimal point of a number written as text, without going through floating point
 * (1500000 micros → 1.5, 12.34 dollars → 1234 cents, 0.1 + 0.2 never enters). Pure.
 */
const PLAIN_DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/**
 * `text` × 10^`places` (places < 0 divides), as plain decimal text without needless zeros;
 * undefined when `text` is not a number. Exponent notation (`1e-7`) falls back to floating point.
 */
export function shiftDecimal(text: string, places: number): string | undefined {
  const m = PLAIN_DECIMAL.exec(text);
  if (!m || (m[2] === '' && !m[3])) {
    const n = Number(text);
    return Number.isFinite(n) && text.trim() !== '' ? String(n * 10 ** places) : undefined;
  }
  let whole = m[2];
  let fraction = m[3] ?? '';
  if (places >= 0) {
    fraction = fraction.padEnd(places, '0');
    whole += fraction.slice(0, places);
    fraction = fraction.slice(places);
  } else {
    // Enough leading zeros that at least one digit stays before the point.
    const digits = (whole + fraction).padStart(fraction.length - places + 1, '0');
    const point = digits.length - fraction.length + places;
    whole = digits.slice(0, point);
    fraction = digits.slice(point);
  }
  whole = whole.replace(/^0+(?=\d)/, '') || '0';
  fraction = fraction.replace(/0+$/, '');
  return `${m[1]}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * `shiftDecimal(String(n), -places)` for a safe integer `n` (what a micros or cents field
 * holds), by slicing its digits: no regular expression, the hot path of such columns.
 */
export function shiftIntegerDown(n: number, places: number): string {
  const digits = String(n < 0 ? -n : n);
  const point = digits.length - places;
  const whole = point > 0 ? digits.slice(0, point) : '0';
  const fraction = point > 0 ? digits.slice(point) : digits.padStart(places, '0');
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 0x30) end--;
  const sign = n < 0 ? '-' : '';
  return end > 0 ? `${sign}${whole}.${fraction.slice(0, end)}` : `${sign}${whole}`;
}
