import { defineConfig } from 'vitest/config';

// Whole-repo runs and the IDE; each package also has its own config.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/cli'],
    coverage: { provider: 'v8', include: ['packages/*/src/**'] },
  },
});
