/** Writes interpreter/vendor-config.schema.json from the TypeBox grammar (npm run schema). */
import fs from 'node:fs';
import path from 'node:path';
import { VendorConfig } from '../interpreter/config-schema';
import { projectRoot } from '../adapters/settings';

export const schemaFile = path.join(projectRoot(), 'interpreter', 'vendor-config.schema.json');

export function schemaText(): string {
  return JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...VendorConfig }, null, 2) + '\n';
}

if (require.main === module) {
  fs.writeFileSync(schemaFile, schemaText());
  console.log(`wrote ${schemaFile}`);
}
