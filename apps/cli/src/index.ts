export { main, VERSION } from './main.js';
export type { Mismatch, VerifyOpts, VerifyReport } from './verify.js';
export { CaptureVerifier, verifyCapture } from './verify.js';
export { CliError, EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE } from './errors.js';
export type { Output } from './output.js';
