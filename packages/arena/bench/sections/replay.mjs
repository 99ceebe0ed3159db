// Placeholder for the replay-throughput section (events/s of replaying real
// captures through @pymem/arena). Replace the body of run() with the real
// measurement once the replay path exists.

import { extraSections } from '../sections.mjs';

extraSections.push({
  name: 'replay-throughput',
  run() {
    return {
      lines: ['replay throughput (events/s of replaying real captures): not available yet'],
      json: { status: 'not available yet' },
    };
  },
});
