import { frameName, siteFrames, summaryHasStacks } from './profile-frames.js';
import { ProtobufWriter } from './protobuf-writer.js';
import type { TraceSummary } from './trace-summary-types.js';

/** The sample types of {@link toPprof}, in value order (those of Go heap profiles). */
export const PPROF_SAMPLE_TYPES = [
  ['alloc_objects', 'count'],
  ['alloc_space', 'bytes'],
  ['inuse_objects', 'count'],
  ['inuse_space', 'bytes'],
] as const;

/**
 * Encodes a summary as an uncompressed pprof `Profile` message
 * (`profile.proto` of github.com/google/pprof): one sample per allocation
 * site (stack × size class) with the values alloc_objects, alloc_space,
 * inuse_objects, inuse_space (in use = live at the end of the trace) and the
 * labels `size_class` (block size in bytes, or `large`) and `route`
 * (`pymalloc` or `large`). Locations and functions come from the trace's
 * frames (one location per frame, leaf first in each sample); sites without a
 * stack get a synthetic frame (see the README). `string_table[0]` is `""`.
 *
 * @param summary - from {@link summarizeTrace}
 * @returns the serialized `Profile`
 */
export function encodePprof(summary: TraceSummary): Uint8Array {
  const strings = new Map<string, number>([['', 0]]);
  const str = (s: string): number => {
    let i = strings.get(s);
    if (i === undefined) strings.set(s, (i = strings.size));
    return i;
  };
  const p = new ProtobufWriter();
  for (const [type, unit] of PPROF_SAMPLE_TYPES) {
    const vt = new ProtobufWriter();
    vt.uint(1, str(type));
    vt.uint(2, str(unit));
    p.message(1, vt);
  }
  const functions = new Map<string, number>();
  const locations = new Map<string, number>();
  const fnMsgs: ProtobufWriter[] = [];
  const locMsgs: ProtobufWriter[] = [];
  const hasStacks = summaryHasStacks(summary);
  const keyStr = str('size_class');
  const routeStr = str('route');
  for (const site of summary.sites) {
    const ids: number[] = [];
    for (const f of siteFrames(summary, site, hasStacks)) {
      const fk = `${f.function}\u0000${f.file}`;
      let fid = functions.get(fk);
      if (fid === undefined) {
        functions.set(fk, (fid = functions.size + 1));
        const m = new ProtobufWriter();
        m.uint(1, fid);
        m.uint(2, str(f.function));
        m.uint(3, str(f.function));
        m.uint(4, str(f.file));
        fnMsgs.push(m);
      }
      const lk = `${frameName(f)}\u0000${f.line}`;
      let lid = locations.get(lk);
      if (lid === undefined) {
        locations.set(lk, (lid = locations.size + 1));
        const line = new ProtobufWriter();
        line.uint(1, fid);
        line.uint(2, f.line);
        const m = new ProtobufWriter();
        m.uint(1, lid);
        m.message(4, line);
        locMsgs.push(m);
      }
      ids.push(lid);
    }
    const large = site.cls >= summary.classes;
    const s = new ProtobufWriter();
    s.packed(1, ids);
    s.packed(2, [site.allocBlocks, site.allocBytes, Math.max(0, site.liveBlocks), Math.max(0, site.liveBytes)]);
    const l1 = new ProtobufWriter();
    l1.uint(1, keyStr);
    l1.uint(2, str(large ? 'large' : String((site.cls + 1) * summary.header.alignment)));
    s.message(3, l1);
    const l2 = new ProtobufWriter();
    l2.uint(1, routeStr);
    l2.uint(2, str(large ? 'large' : 'pymalloc'));
    s.message(3, l2);
    p.message(2, s);
  }
  for (const m of locMsgs) p.message(4, m);
  for (const m of fnMsgs) p.message(5, m);
  const periodType = new ProtobufWriter();
  periodType.uint(1, str('space'));
  periodType.uint(2, str('bytes'));
  const comment = str(`pymem trace: ${summary.events} events, peak ${summary.peak.liveBytes} live bytes at event ${summary.peak.seq}`);
  const defaultType = str('inuse_space');
  for (const s of strings.keys()) p.bytes(6, new TextEncoder().encode(s));
  p.message(11, periodType);
  p.uint(12, Math.max(1, summary.header.samplingInterval));
  p.packed(13, [comment]);
  p.uint(14, defaultType);
  return p.finish().slice();
}

/**
 * Gzip (web-standard `CompressionStream`, in Node ≥ 18 and browsers).
 *
 * @param bytes - data
 * @returns the gzip member
 */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  const w = cs.writable.getWriter();
  w.write(bytes).catch(() => undefined);
  w.close().catch(() => undefined);
  const r = cs.readable.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const x = await r.read();
    if (x.done) break;
    parts.push(x.value);
    total += x.value.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A pprof profile (`profile.proto`, gzip'd) of a summary: open it with
 * `go tool pprof -http=: file.pb.gz`, the Perfetto UI, speedscope or
 * Pyroscope. See {@link encodePprof} for what it holds.
 *
 * @param summary - from {@link summarizeTrace}
 * @returns the `.pb.gz` bytes
 *
 * @example
 * ```ts
 * const pb = await toPprof(await summarizeTrace(bytes));
 * ```
 */
export async function toPprof(summary: TraceSummary): Promise<Uint8Array> {
  return gzip(encodePprof(summary));
}
