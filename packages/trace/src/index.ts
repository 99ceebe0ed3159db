export {
  DOMAIN_ARENA,
  DOMAIN_MEM,
  DOMAIN_NONE,
  DOMAIN_OBJ,
  OP_ARENA_ALLOC,
  OP_ARENA_FREE,
  OP_CALLOC,
  OP_END,
  OP_FREE,
  OP_MALLOC,
  OP_MARK,
  OP_REALLOC,
  RAW_FORMAT_VERSION,
  RAW_HEADER_SIZE,
  RAW_MAGIC,
  RAW_MAX_RECORD_SIZE,
  RAW_SIZE_ESCAPE,
} from './api.js';
export type { RawRecordCallback, RawRecordData, RawRecordView } from './api.js';
export type { RawCaptureSource } from './byte-source.js';
export { decodeRawCapture } from './decode-raw-capture.js';
export { encodeRawCapture } from './encode-raw-capture.js';
export type { EncodeRawCaptureOpts, RawRecordInit } from './encode-raw-capture.js';
export type { RawCaptureSummary } from './raw-capture-summary.js';
export { decodeRawHeader, formatPyVersion } from './raw-header.js';
export type { RawHeader } from './raw-header.js';
export type { RawMark, RawRecordBatch } from './raw-record-batch.js';
export { RawRecordDecoder } from './raw-record-decoder.js';
export { copyRawRecord, RawRecord } from './raw-record.js';
export { readRawCaptureBytes } from './read-raw-capture-bytes.js';
export { RawCaptureReader, readRawCapture } from './read-raw-capture.js';
export type { ReadRawCaptureOpts } from './read-raw-capture.js';
export { parseStatsFile } from './stats-file.js';
export type { StatsDump } from './stats-file.js';
export { TraceFormatError } from './trace-format-error.js';
