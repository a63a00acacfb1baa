/**
 * Replaces a file so that a crash at any moment leaves either the whole old content or the
 * whole new one: write a temporary file in the same folder (rename is atomic only within one
 * file system), fsync it, rename it over the target, then fsync the folder so the rename
 * itself is on disk. write-file-atomic (npm) does the first three but not the folder fsync,
 * which is what makes the new name survive a power loss; hence these few lines.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
  const folder = await fs.open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
