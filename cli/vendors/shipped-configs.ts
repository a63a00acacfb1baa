import path from 'node:path';
import { parseJsonFile } from '../../adapters/vendor-configs';
import { loadSettings } from '../../adapters/settings';
import type { VendorConfig } from '../../core/config-schema';
import { validateVendorConfig } from '../../core/validate';
import { configFiles } from '../validate/validate';

/** Every config in the vendors folder (DIF_VENDORS_DIR or the project's), validated. */
export function shippedConfigs(dir = loadSettings().vendorsDir): VendorConfig[] {
  return configFiles([dir]).map((file) => validateVendorConfig(parseJsonFile(file), file, path.basename(path.dirname(file))));
}
