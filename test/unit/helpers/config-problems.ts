/** What validation says of a config, for tests of its rules. */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, validateVendorConfig, type ConfigProblem } from '../../../core/validate';

export const DEMO_FILE = path.join(__dirname, '..', '..', '..', 'vendors', 'demo-ads', 'config.json');

/** A fresh copy of the demo vendor's config, to break one thing in. */
export function demoConfig(): any {
  return JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8'));
}

/** The problems validation reports for `config`; fails the test if it validates. */
export function problemsOf(config: unknown, folder?: string): ConfigProblem[] {
  try {
    validateVendorConfig(config, 'test-config.json', folder);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected, but it validated');
}
