import type { RawHeader } from './raw-header.js';
import type { RawStackTable } from './raw-record-stacks.js';

/** What a decoder knows once a capture has been read to its end. */
export interface RawCaptureSummary {
  /** The capture's header. */
  header: RawHeader;
  /** Records decoded, the end record not counted (equals the end record's count when `ended`). */
  records: number;
  /** Whether the capture had its end record; `false` means the traced process died. */
  ended: boolean;
  /** Uncompressed bytes read, header included. */
  byteLength: number;
  /** The strings, frames and stacks; present when the header has the stacks flag (bit 2). */
  stacks?: RawStackTable;
}
