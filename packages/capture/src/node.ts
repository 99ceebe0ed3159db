export { captureSourcePath, pythonHelperDir, pythonStacksDir } from './node/assets.js';
export { buildCaptureLibrary, captureCacheDir, captureLibraryKey, compileArgs } from './node/library.js';
export type { CaptureLibraryKeyParts } from './node/library.js';
export { readCaptureBack } from './node/read-back.js';
export type { CaptureReadBack } from './node/read-back.js';
export { capture } from './node/run.js';
export { checkCaptureSupport, findCompiler, findLibpython, queryInterpreter } from './node/support.js';
export type { CaptureSupportOpts } from './node/support.js';
