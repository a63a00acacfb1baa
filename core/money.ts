/**
 * A column's `money` transform: an amount in a currency's minor units (cents, fils; yen have
 * none) turned into major units, or the other way, by the currency's ISO 4217 minor unit
 * (core/currency-exponents.ts), the currency read from another field of the same record.
 * An amount whose currency is missing or unknown is refused with the reason (the row goes
 * to the rejects file), never shifted by a guessed two places. Pure.
 */
import type { ColumnConfig } from './config-schema';
import { ColumnValueError } from './columns';
import { minorUnitOf } from './currency-exponents';
import { shiftDecimal } from './decimal-shift';

export type MoneyConfig = NonNullable<ColumnConfig['money']>;

const NUMBER = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * The amount `value` in `currency` as the column holds it: major units for `amountIn: minor`,
 * minor units (a whole number) for `amountIn: major`. An empty amount stays empty (the
 * column's default or nullable rule decides).
 */
export function moneyValue(value: unknown, currency: unknown, money: MoneyConfig, column: string): unknown {
  if (value === undefined || value === null || value === '') return value;
  const code = typeof currency === 'string' ? currency.trim().toUpperCase() : currency;
  if (code === undefined || code === null || code === '') throw new ColumnValueError(column, `amount ${JSON.stringify(value)} has no currency (${money.currency} is empty)`);
  const places = typeof code === 'string' ? minorUnitOf(code, money.exponents) : undefined;
  if (places === undefined) throw new ColumnValueError(column, `currency ${JSON.stringify(code)} is not an ISO 4217 currency with a minor unit (or one of the column's money.exponents)`);
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (!NUMBER.test(text)) throw new ColumnValueError(column, `${JSON.stringify(value)} is not an amount in ${code} ${money.amountIn} units`);
  if (money.amountIn === 'minor') {
    if (text.includes('.') && !/\.0*$/.test(text)) throw new ColumnValueError(column, `${JSON.stringify(value)} is not a whole number of ${code} minor units`);
    return shiftDecimal(text, -places);
  }
  const minor = shiftDecimal(text, places)!;
  if (minor.includes('.')) throw new ColumnValueError(column, `${JSON.stringify(value)} has more decimals than ${code}'s ${places}`);
  return minor;
}
