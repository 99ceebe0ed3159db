import { project } from '../../vitest.shared';

// The browser test serves the built site and drives Chromium: allow it time.
export default project({ testTimeout: 180_000 });
