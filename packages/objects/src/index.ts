export type { ObjectModelErrorCode } from './errors.js';
export { ObjectModelError } from './errors.js';
export type { ObjectObserver, RequestEvent, RequestRoute } from './events.js';
export type { RequestRecording } from './request-recording.js';
export type { ClassInfo, ClassOpts, FreeListSizes, ObjectSpaceOpts, ScalarValue } from './space.js';
export { ObjectSpace } from './space.js';
export {
  BUILTIN_TYPE_NAMES,
  FIRST_CLASS_ID,
  GC_HEAD,
  T_BOOL,
  T_BYTEARRAY,
  T_BYTES,
  T_DICT,
  T_FLOAT,
  T_FROZENSET,
  T_INT,
  T_LIST,
  T_NONE,
  T_OBJECT,
  T_SET,
  T_STR,
  T_TUPLE,
  keysBlockSize,
  listCapacity,
  tupleBlockSize,
} from './layout.js';
