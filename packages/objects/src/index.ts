export type { ObjectModelErrorCode } from './errors.js';
export { ObjectModelError } from './errors.js';
export type { ObjectObserver, RequestEvent, RequestRoute } from './events.js';
export type { RequestRecording } from './request-recording.js';
export type { ClassInfo, ClassOpts, FreeListSizes, ObjectSpaceOpts, ScalarValue } from './space.js';
export { ObjectSpace } from './space.js';
export type { GcGenerationStats } from './gc-module.js';
export { GcModule } from './gc-module.js';
export type { GcCallback, GcCallbackInfo } from './gc-state.js';
export { DEBUG_COLLECTABLE, DEBUG_LEAK, DEBUG_SAVEALL, DEBUG_STATS, DEBUG_UNCOLLECTABLE } from './gc-state.js';
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
  T_METHOD,
  T_OBJECT,
  T_SET,
  T_STR,
  T_TUPLE,
  T_WEAKREF,
  T_FUNCTION,
  T_BUILTIN_FUNCTION,
  T_MODULE,
  T_TYPE,
  T_GETSET,
  T_MEMBER,
  keysBlockSize,
  listCapacity,
  tupleBlockSize,
} from './layout.js';
export type { ConstValue, Expr, Stmt } from './snippet/ast.js';
export type { SnippetErrorKind } from './snippet/errors.js';
export { SnippetError } from './snippet/errors.js';
export { floatRepr } from './snippet/float-repr.js';
export type { InterpreterStep, InterpreterStepHook } from './snippet/interpreter.js';
export { Interpreter } from './snippet/interpreter.js';
export { parseExpression, parseSnippet } from './snippet/parser.js';
export { bytesRepr, reprOf, strOf, strRepr } from './snippet/repr.js';
export type { RunSnippetOpts, SnippetResult } from './snippet/run.js';
export { runSnippet, sizeofExpression } from './snippet/run.js';
export type { Token, TokenKind } from './snippet/tokenizer.js';
export { tokenize } from './snippet/tokenizer.js';
export type { BuiltinValue, ClassValue, FuncValue, KeysValue, MethodCallValue, ModuleValue, NonHeap, RangeValue, Value } from './snippet/values.js';
