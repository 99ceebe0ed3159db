// Sums every vitest JSON report under packages/* and apps/* and prints the
// one summary line CI reads: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    if (!existsSync(join(dir, 'vitest.config.ts'))) continue;
    const file = join(dir, 'test-results', 'vitest.json');
    if (!existsSync(file)) {
      missing.push(dir);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    // A file that failed without a failing test (it did not load, or a hook
    // failed and its tests were skipped) counts as one failure.
    for (const r of report.testResults) {
      if (r.status === 'failed' && !r.assertionResults.some((a) => a.status === 'failed')) failed += 1;
    }
  }
}
// A package whose tests never ran (a build or typecheck failure stopped them) counts as failed.
for (const dir of missing) console.error(`no vitest report for ${dir}`);
failed += missing.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
