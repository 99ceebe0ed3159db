import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'tsup';
import { reportBundle } from '../report-bundle.config.js';

/**
 * Builds the report page's script from the current sources into a temporary
 * folder and points `pymem report` at it (PYMEM_REPORT_SCRIPT), so the tests
 * never use a stale or missing dist/ bundle.
 */
export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'pymem-report-bundle-'));
  await build(reportBundle(dir));
  process.env['PYMEM_REPORT_SCRIPT'] = join(dir, 'report-browser.global.js');
  return () => rmSync(dir, { recursive: true, force: true });
}
