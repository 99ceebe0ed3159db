import { defineConfig } from 'tsup';
import { base } from '../../tsup.config.base';

// shims: the CJS build finds the shipped C source and Python helper through
// import.meta.url too. splitting: the CJS entries share one CaptureError
// class (instanceof works across `@pymem/capture` and `@pymem/capture/node`).
export default defineConfig({ ...base, entry: ['src/index.ts', 'src/node.ts'], shims: true, splitting: true });
