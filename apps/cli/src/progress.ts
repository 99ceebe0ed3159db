import cliProgress from 'cli-progress';
import { commas } from '@pymem/arena';

/** Reports how far a long command got (a bar on stderr, or nothing). */
export interface Progress {
  /**
   * `done` units of the current `phase` (e.g. events replayed); with `total`
   * the bar shows a percentage, without it a count.
   */
  update(done: number, phase: string, total?: number, unit?: string): void;
  /** Removes the bar (idempotent). */
  stop(): void;
}

/** A progress that shows nothing. */
export const NO_PROGRESS: Progress = {
  update() {
    /* nothing */
  },
  stop() {
    /* nothing */
  },
};

/** What decides whether a bar is drawn. */
export interface ProgressEnv {
  /** Whether stderr is a terminal. */
  readonly isTTY: boolean;
  /** The command prints JSON (a bar would only get in the way of scripts). */
  readonly json: boolean;
  /** The process environment (`NO_COLOR`, `TERM`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** How progress is shown: not at all, or a bar with or without colour. */
export type ProgressMode = 'off' | 'plain' | 'color';

/**
 * Whether and how to draw a bar: only on a TTY stderr, never with `--json`
 * or on a dumb terminal, without colour when `NO_COLOR` is set (to anything
 * but the empty string, as no-color.org says).
 */
export function progressMode(e: ProgressEnv): ProgressMode {
  if (!e.isTTY || e.json || e.env['TERM'] === 'dumb') return 'off';
  const noColor = e.env['NO_COLOR'] !== undefined && e.env['NO_COLOR'] !== '';
  return noColor ? 'plain' : 'color';
}

/** The text of one bar line (without the bar's cursor control). */
export function progressLine(mode: Exclude<ProgressMode, 'off'>, phase: string, done: number, total: number | undefined, seconds: number, bar: string, unit = 'events'): string {
  const t = `${seconds.toFixed(1)} s`;
  const name = mode === 'color' ? `\u001b[1m${phase}\u001b[0m` : phase;
  if (total === undefined || total <= 0) return `${name} ${commas(done)} ${unit}  ${t}`;
  const pct = Math.min(100, Math.floor((100 * done) / total));
  const b = mode === 'color' ? `\u001b[36m${bar}\u001b[0m` : bar;
  return `${name} ${b} ${String(pct).padStart(3)} %  ${commas(done)}/${commas(total)} ${unit}  ${t}`;
}

/**
 * A bar on `stream` drawn by cli-progress, shown only once the work has
 * taken a second (short commands print no bar at all).
 */
export function terminalProgress(stream: NodeJS.WritableStream, mode: Exclude<ProgressMode, 'off'>, delayMs = 1000, now: () => number = () => performance.now()): Progress {
  const started = now();
  let bar: cliProgress.SingleBar | undefined;
  let phase = '';
  let total: number | undefined;
  let unit = 'events';
  const make = (): cliProgress.SingleBar =>
    new cliProgress.SingleBar({
      stream,
      clearOnComplete: true,
      hideCursor: true,
      barsize: 24,
      fps: 8,
      format: (options, params) => {
        const width = options.barsize ?? 24;
        const full = Math.round(params.progress * width);
        const chars = `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
        return progressLine(mode, phase, params.value, total, (now() - started) / 1000, chars, unit);
      },
    });
  return {
    update(done, p, t, u) {
      phase = p;
      total = t;
      unit = u ?? 'events';
      if (bar === undefined) {
        if (now() - started < delayMs) return;
        bar = make();
        bar.start(t ?? 0, done);
        return;
      }
      if (t !== undefined) bar.setTotal(t);
      bar.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** The progress for a command of this process: a bar on stderr when {@link progressMode} allows it. */
export function processProgress(json: boolean): Progress {
  const mode = progressMode({ isTTY: process.stderr.isTTY, json, env: process.env });
  return mode === 'off' ? NO_PROGRESS : terminalProgress(process.stderr, mode);
}

/**
 * A reader (of raw record batches, or anything iterated in batches with
 * `firstIndex` and `length`) whose iteration reports the records read so
 * far; everything else is the reader's own.
 */
export function trackBatches<R extends AsyncIterable<{ readonly firstIndex: number; readonly length: number }>>(reader: R, progress: Progress, phase: string): R {
  if (progress === NO_PROGRESS) return reader;
  return new Proxy(reader, {
    get(target, key) {
      if (key === Symbol.asyncIterator) {
        return async function* () {
          for await (const b of target) {
            progress.update(b.firstIndex + b.length, phase, undefined, 'records');
            yield b;
          }
        };
      }
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** `bytes` in 1 MiB slices, reporting the bytes handed out (for readers that take an async iterable). */
export function trackBytes(bytes: Uint8Array, progress: Progress, phase: string, slice = 1 << 20): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      let at = 0;
      return {
        next(): Promise<IteratorResult<Uint8Array>> {
          if (at > 0) progress.update(at, phase, bytes.length, 'bytes');
          if (at >= bytes.length) return Promise.resolve({ done: true, value: undefined });
          const from = at;
          at = Math.min(bytes.length, at + slice);
          return Promise.resolve({ done: false, value: bytes.subarray(from, at) });
        },
      };
    },
  };
}
