import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, checkVendorConfig } from '../../core/validate';
import { parseJsonFile } from '../../adapters/vendor-configs';
import { InputError } from '../../core/run-plan';

export interface ValidationReport {
  file: string;
  ok: boolean;
  problems: { path: string; message: string }[];
  /** Allowed but worth a look (each `$raw{}` use); absent when there are none. */
  warnings?: { path: string; message: string }[];
}

/** Config files named by `paths`: files as given, folders searched for a config.json per vendor folder. */
export function configFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new InputError(`no such file or folder: ${p}`);
    if (fs.statSync(p).isFile()) out.push(p);
    else if (fs.existsSync(path.join(p, 'config.json'))) out.push(path.join(p, 'config.json'));
    else {
      for (const entry of fs.readdirSync(p, { withFileTypes: true })) {
        const candidate = path.join(p, entry.name, 'config.json');
        if (entry.isDirectory() && fs.existsSync(candidate)) out.push(candidate);
      }
    }
  }
  return out.sort();
}

export function validateFiles(files: string[]): ValidationReport[] {
  return files.map((file) => {
    try {
      const folder = path.basename(path.dirname(path.resolve(file)));
      const { warnings } = checkVendorConfig(parseJsonFile(file), file, path.basename(file) === 'config.json' ? folder : undefined);
      return { file, ok: true, problems: [], ...(warnings.length > 0 ? { warnings } : {}) };
    } catch (e) {
      if (e instanceof ConfigError) return { file, ok: false, problems: e.problems };
      return { file, ok: false, problems: [{ path: '(file)', message: (e as Error).message }] };
    }
  });
}
