import { defineProject, mergeConfig } from 'vitest/config';
import { project } from '../../vitest.shared';

// The report tests need the report page's script: built fresh before the run.
export default mergeConfig(project(), defineProject({ test: { globalSetup: ['test/report-bundle.setup.ts'] } }));
