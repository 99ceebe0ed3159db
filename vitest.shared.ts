import { defineProject } from 'vitest/config';

/**
 * The per-package vitest project. With VITEST_JSON set (as .ci/run does) each
 * package also writes `test-results/vitest.json`, which CI sums up.
 */
export function project(extra: { testTimeout?: number } = {}): ReturnType<typeof defineProject> {
  const json = process.env['VITEST_JSON'] !== undefined;
  return defineProject({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: extra.testTimeout ?? 120_000,
      hookTimeout: 120_000,
      reporters: json ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    },
  });
}
