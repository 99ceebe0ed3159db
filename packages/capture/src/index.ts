export { CaptureError } from './capture-error.js';
export type { CaptureErrorCode } from './capture-error.js';
export type { CaptureCut, CaptureMark, CaptureOpts, CaptureResult, CaptureStacks, CaptureSupport } from './capture-types.js';
export { checkCaptureEnvironment, checkInterpreter, INTERPRETER_QUERY, parseInterpreterInfo, SUPPORTED_PYTHON } from './interpreter.js';
export type { InterpreterInfo } from './interpreter.js';
