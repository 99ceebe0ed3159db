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
export { crc32, crc32Portable } from './crc32.js';
export { setTracePlatform } from './trace-platform.js';
export type { TracePlatform } from './trace-platform.js';
export { TraceFile, openTrace } from './open-trace.js';
export type { TraceSeekResult } from './open-trace.js';
export { TraceReader, readTrace } from './read-trace.js';
export type { ReadTraceOpts, TraceSource } from './read-trace.js';
export { recoverTrace } from './recover-trace.js';
export type { LostRange, RecoveredTrace, RecoveryReport } from './recover-trace.js';
export type { ChunkInfo } from './trace-chunk.js';
export type { ArenaState, LiveBlock, LiveObject, PoolState, TraceCheckpoint, TraceCheckpointState } from './trace-checkpoint.js';
export {
  CHUNK_CHECKPOINT,
  CHUNK_DICTIONARY,
  CHUNK_EVENTS,
  CHUNK_INDEX,
  CODEC_DEFLATE_RAW,
  CODEC_NONE,
  CODEC_ZSTD_RESERVED,
  FEATURE_DEFLATE_RAW,
  FEATURE_DOMAINS,
  FEATURE_REALLOC_CLASS,
  FEATURES_1_1,
  MAX_DOMAIN,
  KNOWN_REQUIRED_FEATURES,
  LEVEL_ALLOCATOR,
  LEVEL_GC,
  LEVEL_OBJECTS,
  LEVEL_REFCOUNTS,
  LEVEL_STACKS,
  MAX_CHUNK_PAYLOAD,
  MAX_FIELD_VALUE,
  MAX_HEADER_LENGTH,
  TRACE_MAGIC,
  TRACE_SYNC,
  TRACE_TRAILER_MAGIC,
  TRACE_TRAILER_SIZE,
  TRACE_VERSION_MAJOR,
  TRACE_VERSION_MINOR,
} from './trace-constants.js';
export { DICT_FRAME, DICT_STACK, DICT_STRING, TraceDictionary } from './trace-dictionary.js';
export type { DictionaryEntry } from './trace-dictionary.js';
export { EVENT_COLUMNS, TraceEventBatch, emptyEvent } from './trace-event.js';
export type { TraceEventData, TraceEventInit } from './trace-event.js';
export { HEADER_FIELDS, decodeTraceHeader, encodeTraceHeader, sizeClassCount, traceHeader } from './trace-header.js';
export type { TraceHeader, TraceHeaderInit } from './trace-header.js';
export type { TraceIndexEntry } from './trace-index.js';
export { fromJsonl, fromJsonlLines, toJsonl, toJsonlChunks } from './trace-jsonl.js';
export { jsonEventFields } from './trace-jsonl-fields.js';
export type { JsonEventField } from './trace-jsonl-fields.js';
export {
  GC_OUTCOMES,
  KIND_ARENA_ALLOC,
  KIND_ARENA_FREE,
  KIND_BY_NAME,
  KIND_BY_NUMBER,
  KIND_CALLOC,
  KIND_CALLOC_LARGE,
  KIND_COUNTER,
  KIND_DECREF,
  KIND_FREE,
  KIND_FREE_LARGE,
  KIND_GC_OBJECT,
  KIND_GC_START,
  KIND_GC_STOP,
  KIND_INCREF,
  KIND_MALLOC,
  KIND_MALLOC_LARGE,
  KIND_MARK,
  KIND_OBJ_CREATE,
  KIND_OBJ_DEALLOC,
  KIND_POOL_EMPTY,
  KIND_POOL_FULL,
  KIND_POOL_INIT,
  KIND_POOL_REUSE,
  KIND_REALLOC,
  KIND_REALLOC_CLASS,
  KIND_REALLOC_LARGE,
  KIND_THREAD,
  RECORD_KINDS,
} from './trace-record-kinds.js';
export type { EventColumn, FieldOp, RecordFieldSpec, RecordKindSpec } from './trace-record-kinds.js';
export { traceJsonlSchema } from './trace-schema.js';
export { MemorySink, webStreamSink } from './trace-sink.js';
export type { TraceSink } from './trace-sink.js';
export { TraceWriter } from './trace-writer.js';
export type { TraceWriterOpts } from './trace-writer.js';
export { RawStackTable } from './raw-record-stacks.js';
export type { RawFrame, RawStackNode } from './raw-record-stacks.js';
export { OP_FRAME, OP_STACK, OP_STACK_SWITCH, OP_STRING, RAW_FLAG_STACKS } from './api.js';
export { summarizeTrace, resolveStack } from './summarize-trace.js';
export type { SummarizeTraceOpts } from './summarize-trace.js';
export type { AllocationSite, ClassOccupancy, ResolvedFrame, StackTotal, TraceInstant, TraceSample, TraceSummary } from './trace-summary-types.js';
export { liveBetween } from './live-between.js';
export type { LiveBetweenResult, WindowBlock } from './live-between.js';
export { diffTraces, stackKey } from './diff-traces.js';
export type { ClassDiff, Delta, StackDiff, TraceDiff } from './diff-traces.js';
export type { SiteMeasure } from './profile-frames.js';
export { toCollapsedStacks } from './export-collapsed.js';
export type { CollapsedStacksOpts } from './export-collapsed.js';
export { PPROF_SAMPLE_TYPES, encodePprof, gzip, toPprof } from './export-pprof.js';
export { toSpeedscope } from './export-speedscope.js';
export type { SpeedscopeFile, SpeedscopeFrame, SpeedscopeOpts, SpeedscopeSampledProfile } from './export-speedscope.js';
export { toChromeTrace, traceTimeToMicros } from './export-chrome-trace.js';
export type { ChromeTrace, ChromeTraceEvent } from './export-chrome-trace.js';
export { rebuildTrace } from './rebuild-trace.js';
export type { RebuiltTrace } from './rebuild-trace.js';
