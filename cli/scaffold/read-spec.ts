import fs from 'node:fs';
import YAML from 'yaml';
import { InputError } from '../../core/run-plan';

/** An OpenAPI document from a .json, .yaml or .yml file; unreadable or malformed files are InputErrors naming the file. */
export function readSpec(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const yaml = /\.ya?ml$/i.test(file);
  try {
    return yaml ? YAML.parse(text, { maxAliasCount: 1000 }) : JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid ${yaml ? 'YAML' : 'JSON'}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}
