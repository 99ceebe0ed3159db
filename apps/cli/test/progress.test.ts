import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NO_PROGRESS, progressLine, progressMode, terminalProgress, trackBatches, trackBytes } from '../src/progress.js';

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeTty(): { stream: NodeJS.WritableStream; text: () => string } {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; columns: number };
  s.isTTY = true;
  s.columns = 120;
  let text = '';
  s.on('data', (c: Buffer) => (text += c.toString()));
  return { stream: s, text: () => text };
}

describe('progressMode', () => {
  const env = (e: Record<string, string>): Record<string, string | undefined> => e;
  it('draws a bar only on a TTY, never with --json, without colour under NO_COLOR', () => {
    expect(progressMode({ isTTY: true, json: false, env: env({}) })).toBe('color');
    expect(progressMode({ isTTY: false, json: false, env: env({}) })).toBe('off');
    expect(progressMode({ isTTY: true, json: true, env: env({}) })).toBe('off');
    expect(progressMode({ isTTY: true, json: false, env: env({ NO_COLOR: '1' }) })).toBe('plain');
    // no-color.org: an empty NO_COLOR does not count.
    expect(progressMode({ isTTY: true, json: false, env: env({ NO_COLOR: '' }) })).toBe('color');
    expect(progressMode({ isTTY: true, json: false, env: env({ TERM: 'dumb' }) })).toBe('off');
    expect(progressMode({ isTTY: false, json: true, env: env({ NO_COLOR: '1' }) })).toBe('off');
  });
});

describe('progressLine', () => {
  it('shows a percentage with a total, a count without', () => {
    expect(progressLine('plain', 'replay', 1_500_000, 3_000_000, 2.04, '####----')).toBe('replay ####----  50 %  1,500,000/3,000,000 events  2.0 s');
    expect(progressLine('plain', 'import', 123_456, undefined, 1.25, '', 'records')).toBe('import 123,456 records  1.3 s');
    expect(progressLine('color', 'summary', 1, 4, 0, 'x', 'bytes')).toBe('\u001b[1msummary\u001b[0m \u001b[36mx\u001b[0m  25 %  1/4 bytes  0.0 s');
    expect(progressLine('plain', 'p', 10, 4, 0, '')).toContain(' 100 % ');
  });
});

describe('terminalProgress', () => {
  it('stays silent for the first second, then draws on the stream, and clears on stop', () => {
    let clock = 0;
    const tty = fakeTty();
    const p = terminalProgress(tty.stream, 'plain', 1000, () => clock);
    p.update(10, 'replay', 100);
    clock = 999;
    p.update(20, 'replay', 100);
    expect(tty.text()).toBe('');
    clock = 1500;
    p.update(30, 'replay', 100);
    expect(tty.text()).toContain('replay ');
    expect(tty.text()).toContain(' 30 %  30/100 events  1.5 s');
    expect(tty.text()).not.toContain('\u001b[1m');
    p.stop();
    p.stop();
  });

  it('colours the phase when colour is on', () => {
    let clock = 0;
    const tty = fakeTty();
    const p = terminalProgress(tty.stream, 'color', 0, () => clock);
    clock = 1;
    p.update(5, 'verify', undefined, 'records');
    expect(tty.text()).toContain('\u001b[1mverify\u001b[0m 5 records');
    p.stop();
  });
});

describe('trackBatches and trackBytes', () => {
  it('report what went through, and hand everything on unchanged', async () => {
    const seen: string[] = [];
    const progress = { update: (d: number, ph: string, t?: number, u?: string) => seen.push(`${ph} ${d}/${t ?? '?'} ${u ?? ''}`), stop: () => undefined };
    const batches = [{ firstIndex: 0, length: 3 }, { firstIndex: 3, length: 2 }];
    const reader = { extra: 7, async *[Symbol.asyncIterator]() { for (const b of batches) yield await Promise.resolve(b); } };
    const tracked = trackBatches(reader, progress, 'replay');
    const got = [];
    for await (const b of tracked) got.push(b);
    expect(got).toEqual(batches);
    expect(tracked.extra).toBe(7);
    expect(seen).toEqual(['replay 3/? records', 'replay 5/? records']);
    expect(trackBatches(reader, NO_PROGRESS, 'x')).toBe(reader);

    seen.length = 0;
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
    const parts: number[] = [];
    for await (const c of trackBytes(bytes, progress, 'summary', 4)) parts.push(...c);
    expect(parts).toEqual([...bytes]);
    expect(seen).toEqual(['summary 4/10 bytes', 'summary 8/10 bytes', 'summary 10/10 bytes']);
  });
});
