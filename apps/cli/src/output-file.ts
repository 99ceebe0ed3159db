import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { CliError } from './errors.js';

/** Writes all of `bytes` to the open file `fd`. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}

/**
 * Writes a file through a temporary one next to it (`PATH.<pid>.tmp`),
 * renamed over `path` once `fill` has written everything: a failure leaves
 * an existing file at `path` as it was, and no temporary file behind.
 *
 * @param path - the file to write
 * @param fill - writes the content to the temporary file's descriptor; what it throws is thrown again after the clean-up
 * @throws {@link CliError} when the temporary file cannot be created
 */
export async function writeThroughTemporary(path: string, fill: (fd: number) => Promise<void> | void): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    await fill(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      /* already closed by the failed step */
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}
