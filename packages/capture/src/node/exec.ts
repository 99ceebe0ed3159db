import { execFile } from 'node:child_process';

/** The outcome of a short helper command. */
export interface ExecOutcome {
  /** Exit code; `null` when it could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The spawn error's code (`ENOENT`, `EACCES`) when it could not start. */
  spawnError: string | null;
}

/** Runs a short command, collecting its output; never rejects. */
export function execQuiet(command: string, args: readonly string[], opts: { env: NodeJS.ProcessEnv; cwd?: string | undefined }): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    execFile(command, [...args], { env: opts.env, cwd: opts.cwd, timeout: 60_000, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr, spawnError: null });
        return;
      }
      const code: unknown = (error as NodeJS.ErrnoException & { code?: unknown }).code;
      if (typeof code === 'string') resolve({ code: null, stdout, stderr, spawnError: code });
      else resolve({ code: typeof code === 'number' ? code : null, stdout, stderr, spawnError: null });
    });
  });
}
