import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/coverage/**', '**/test-results/**', '**/node_modules/**', '**/.turbo/**', 'apps/docs/.vitepress/cache/**', 'apps/docs/.vitepress/dist/**', 'apps/docs/api/**'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // Allocator hot paths index typed arrays under noUncheckedIndexedAccess;
      // the indices are proven in range by the algorithm, so `!` is allowed.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Core packages run in browsers too: Node built-ins only behind a ./node entry.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/node.ts', 'packages/*/src/node/**', 'packages/*/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'Core packages must run in browsers: put Node-only code behind the ./node entry.' }] }],
    },
  },
  {
    files: ['**/*.config.ts', '**/*.js', '**/*.mjs', '**/*.cjs', 'vitest.shared.ts', 'tsup.config.base.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
