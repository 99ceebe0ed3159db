import { defineConfig } from 'tsup';
import { base } from '../../tsup.config.base';

// Browser-first: the bundle targets what evergreen browsers and Node 20 both run.
export default defineConfig({ ...base, target: 'es2022' });
