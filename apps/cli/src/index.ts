export { main, VERSION } from './main.js';
export type { Mismatch, VerifyOpts, VerifyReport } from './verify.js';
export { CaptureVerifier, verifyCapture } from './verify.js';
export { CliError, EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from './errors.js';
export type { Output } from './output.js';
export type { ImportOpts, ImportReport } from './import.js';
export { importCapture } from './import.js';
export type { TraceMismatch, TraceVerifyReport } from './trace-verify.js';
export { TraceVerifier, verifyTrace } from './trace-verify.js';
