/** Checks of option values that several commands share; a bad value exits 2 with the option named. */
import { InputError } from '../../core/run-plan';

/** A whole number in [1, max], e.g. `--parallel`; `max` keeps a typo (1000 for 10) from starting a flood. */
export function positiveInt(value: string, option: string, max: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new InputError(`${option} must be a whole number from 1 to ${max}, got "${value}"`);
  }
  return n;
}
