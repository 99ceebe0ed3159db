import { TraceAssembler } from './trace-assembler.js';
import type { ChunkInfo } from './trace-chunk.js';
import { decodeTrailer, parseChunk } from './trace-chunk.js';
import { decodeCheckpointChunk, decodeDictionaryChunk, decodeEventsChunk } from './trace-chunk-decode.js';
import type { TraceCheckpointState } from './trace-checkpoint.js';
import { CHUNK_CHECKPOINT, CHUNK_DICTIONARY, CHUNK_EVENTS, CHUNK_INDEX, CODEC_DEFLATE_RAW, CODEC_NONE, FEATURE_DOMAINS, LEVEL_STACKS, TRACE_TRAILER_SIZE } from './trace-constants.js';
import { TraceDictionary } from './trace-dictionary.js';
import type { DictionaryEntry } from './trace-dictionary.js';
import { emptyEvent } from './trace-event.js';
import type { TraceEventBatch, TraceEventData } from './trace-event.js';
import { TraceFormatError } from './trace-format-error.js';
import type { TraceHeader } from './trace-header.js';
import { HEADER_FIELDS, decodeTraceHeader, traceHeader } from './trace-header.js';
import { jsonEventFields } from './trace-jsonl-fields.js';
import type { JsonEventField } from './trace-jsonl-fields.js';
import { KIND_BY_NAME, RECORD_KINDS } from './trace-record-kinds.js';
import { MemorySink } from './trace-sink.js';
import type { TraceSink } from './trace-sink.js';

const CHUNK_NAMES: Record<number, string> = { [CHUNK_DICTIONARY]: 'dictionary', [CHUNK_EVENTS]: 'events', [CHUNK_CHECKPOINT]: 'checkpoint' };
const CODEC_NAMES: Record<number, string> = { [CODEC_NONE]: 'none', [CODEC_DEFLATE_RAW]: 'deflate-raw' };

function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function fieldTables(h: TraceHeader): Map<number, JsonEventField[]> {
  const stacks = (h.level & LEVEL_STACKS) !== 0;
  const domains = (h.requiredFeatures & FEATURE_DOMAINS) !== 0;
  return new Map(RECORD_KINDS.map((s) => [s.kind, jsonEventFields(s, stacks, domains)]));
}

function eventLines(b: TraceEventBatch, fields: Map<number, JsonEventField[]>, out: string[]): void {
  for (let i = 0; i < b.length; i++) {
    const kind = b.kind[i]!;
    const spec = RECORD_KINDS[kind - 1]!;
    let line = `{"t":"${spec.name}","seq":${b.firstSeq + i},"time":${b.time[i]!}`;
    for (const f of fields.get(kind)!) line += `,"${f.json}":${b[f.column][i]!}`;
    out.push(line + '}');
  }
}

/**
 * The lossless JSONL form of a trace, a piece at a time: the header line,
 * then for each chunk its `chunk` line and its records, one JSON object per
 * line (`docs/format.md` names every field; `@pymem/trace/schema.json` is
 * the JSON Schema of a line). Each piece is whole lines, each ending with a
 * newline, and holds at most one chunk's records, so the text of a trace of
 * any length can be written out without ever being whole in memory.
 *
 * @param bytes - a trace that reads without error
 * @param onChunk - called after each chunk with the bytes of the trace read so far and in all
 * @throws {@link TraceFormatError} on bad input
 */
export async function* toJsonlChunks(bytes: Uint8Array, onChunk?: (done: number, total: number) => void): AsyncGenerator<string, void, undefined> {
  const { header, end } = decodeTraceHeader(bytes);
  const head: Record<string, unknown> = { t: 'header', format: `${header.versionMajor}.${header.versionMinor}` };
  for (const [, name] of HEADER_FIELDS) head[name] = header[name];
  yield JSON.stringify(head) + '\n';
  const fields = fieldTables(header);
  const dict = new TraceDictionary();
  const hasTrailer = decodeTrailer(bytes) !== undefined;
  const stop = hasTrailer ? bytes.length - TRACE_TRAILER_SIZE : bytes.length;
  const view = bytes.subarray(0, stop);
  let reuse: TraceEventBatch | undefined;
  for (let pos = end; pos < stop; ) {
    const info: ChunkInfo = parseChunk(view, pos);
    pos = info.end;
    const out: string[] = [];
    const codec = CODEC_NAMES[info.codec];
    const name = CHUNK_NAMES[info.type];
    if (info.type === CHUNK_INDEX) {
      out.push('{"t":"index"}');
    } else if (name === undefined || codec === undefined) {
      const stored = bytes.subarray(info.payloadOffset, info.payloadOffset + info.payloadLength);
      out.push(
        JSON.stringify({ t: 'chunk', type: info.type, codec: info.codec, flags: info.flags, firstSeq: info.firstSeq, firstTime: info.firstTime, records: info.records, rawLength: info.rawLength, stored: toBase64(stored) }),
      );
    } else {
      out.push(info.flags === 0 ? `{"t":"chunk","type":"${name}","codec":"${codec}"}` : `{"t":"chunk","type":"${name}","codec":"${codec}","flags":${info.flags}}`);
      if (info.type === CHUNK_DICTIONARY) {
        for (const e of await decodeDictionaryChunk(view, info, dict)) out.push(JSON.stringify(e));
      } else if (info.type === CHUNK_EVENTS) {
        reuse = await decodeEventsChunk(header, view, info, 0, reuse);
        eventLines(reuse, fields, out);
      } else {
        const cp = await decodeCheckpointChunk(view, info);
        out.push(JSON.stringify({ t: 'checkpoint', seq: cp.seq, time: cp.time, blocks: cp.blocks, arenas: cp.arenas, objects: cp.objects }));
      }
    }
    yield out.join('\n') + '\n';
    onChunk?.(pos, bytes.length);
  }
  if (hasTrailer) yield '{"t":"trailer"}\n';
}

/**
 * Converts a trace to its lossless JSONL form, whole (see
 * {@link toJsonlChunks} for a trace whose text is too big for one string:
 * V8 strings stop at about 512 M characters, some 4 M events).
 * `fromJsonl(await toJsonl(b))` gives `b` back byte for byte.
 *
 * @param bytes - a trace that reads without error
 * @returns the JSONL text (ending with a newline)
 * @throws {@link TraceFormatError} on bad input
 */
export async function toJsonl(bytes: Uint8Array): Promise<string> {
  const parts: string[] = [];
  for await (const piece of toJsonlChunks(bytes)) parts.push(piece);
  return parts.join('');
}

type Json = Record<string, unknown>;

class LineError extends Error {}

function num(o: Json, key: string, signed = false): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || (!signed && v < 0)) throw new LineError(`"${key}" must be a${signed ? 'n' : ' non-negative'} integer, got ${JSON.stringify(v)}`);
  return v;
}

function str(o: Json, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new LineError(`"${key}" must be a string`);
  return v;
}

function codecOf(o: Json): number {
  const c = o['codec'];
  if (c === 'none') return CODEC_NONE;
  if (c === 'deflate-raw') return CODEC_DEFLATE_RAW;
  throw new LineError(`unknown codec ${JSON.stringify(c)}`);
}

function headerOf(o: Json): TraceHeader {
  const h = traceHeader();
  const m = /^(\d+)\.(\d+)$/.exec(str(o, 'format'));
  if (m === null) throw new LineError('"format" must be "major.minor"');
  h.versionMajor = Number(m[1]);
  h.versionMinor = Number(m[2]);
  if (h.versionMajor !== 1) throw new LineError(`format ${h.versionMajor}.${h.versionMinor} is not writable by this writer (major 1)`);
  const rec = h as unknown as Record<string, string | number>;
  for (const [, name, wire] of HEADER_FIELDS) rec[name] = wire === 2 ? str(o, name) : num(o, name);
  return h;
}

function checkpointOf(o: Json): TraceCheckpointState {
  const arr = (key: string): Json[] => {
    const v = o[key];
    if (!Array.isArray(v)) throw new LineError(`"${key}" must be an array`);
    return v as Json[];
  };
  return {
    blocks: arr('blocks').map((b) => ({
      id: num(b, 'id'),
      size: num(b, 'size'),
      large: b['large'] === true,
      cls: num(b, 'cls'),
      arena: num(b, 'arena'),
      pool: num(b, 'pool'),
      block: num(b, 'block'),
      stack: num(b, 'stack'),
      ...(b['domain'] === undefined ? {} : { domain: num(b, 'domain') }),
    })),
    arenas: arr('arenas').map((a) => {
      const used = a['used'];
      if (!Array.isArray(used)) throw new LineError('"used" must be an array');
      return { arena: num(a, 'arena'), base: num(a, 'base'), pools: num(a, 'pools'), used: (used as Json[]).map((p) => ({ pool: num(p, 'pool'), cls: num(p, 'cls'), used: num(p, 'used') })) };
    }),
    objects: arr('objects').map((x) => ({ id: num(x, 'id'), type: num(x, 'type'), refcount: num(x, 'refcount'), generation: num(x, 'generation') })),
  };
}

/** The lines of a text, without their newlines (no array of them all). */
function* linesOf(text: string): Generator<string, void, undefined> {
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    yield text.slice(at, nl);
    at = nl + 1;
  }
}

/**
 * Converts the JSONL form back to the binary trace (the exact bytes
 * `toJsonl` read, chunking, codecs and dictionary placement included).
 *
 * @param text - JSONL as `toJsonl` writes it
 * @returns the trace bytes
 * @throws {@link TraceFormatError} `E_JSONL` with the character offset of the bad line
 */
export async function fromJsonl(text: string): Promise<Uint8Array> {
  const sink = new MemorySink();
  await fromJsonlLines(linesOf(text), sink);
  return sink.bytes();
}

/**
 * Converts the JSONL form back to the binary trace, a line at a time, into
 * `sink` (which it closes): the text never needs to be whole in memory.
 *
 * @param lines - the JSONL lines in order, without their newlines (a trailing `\r` is ignored)
 * @param sink - where the trace's bytes go
 * @throws {@link TraceFormatError} `E_JSONL` with the character offset of the bad line (counting one newline per line)
 */
export async function fromJsonlLines(lines: Iterable<string> | AsyncIterable<string>, sink: TraceSink): Promise<void> {
  let asm: TraceAssembler | undefined;
  let fields = new Map<number, JsonEventField[]>();
  let chunk: { type: string; codec: number; flags: number } | undefined;
  let dict: DictionaryEntry[] = [];
  let checkpoint: TraceCheckpointState | undefined;
  let index = false;
  let trailer = false;
  const ev: TraceEventData = emptyEvent();
  const flush = (): void => {
    if (chunk === undefined || asm === undefined) return;
    if (chunk.type === 'dictionary') asm.dictionaryChunk(dict, chunk.codec, chunk.flags);
    else if (chunk.type === 'events') asm.eventsChunk(chunk.codec, chunk.flags);
    else {
      if (checkpoint === undefined) throw new LineError('a checkpoint chunk needs its checkpoint line');
      asm.checkpointChunk(checkpoint, chunk.codec, chunk.flags);
    }
    chunk = undefined;
    dict = [];
    checkpoint = undefined;
  };
  let at = 0;
  let lineNo = 0;
  try {
    for await (const line of lines) {
      if (line.trim() !== '') {
        let o: Json;
        try {
          o = JSON.parse(line) as Json;
        } catch {
          throw new LineError('not JSON');
        }
        if (typeof o !== 'object' || Array.isArray(o)) throw new LineError('not a JSON object');
        const t = o['t'];
        if (asm === undefined) {
          if (t !== 'header') throw new LineError('the first line must be the header');
          const h = headerOf(o);
          asm = new TraceAssembler(h, sink);
          fields = fieldTables(h);
        } else if (index || trailer) {
          if (t !== 'trailer' || trailer) throw new LineError('only the trailer may follow the index');
          trailer = true;
        } else if (t === 'chunk') {
          flush();
          const type = o['type'];
          if (typeof type === 'number') {
            if (type >= CHUNK_DICTIONARY && type <= CHUNK_INDEX) throw new LineError(`chunk type ${type} must be given by name`);
            asm.storedChunk({ type, codec: num(o, 'codec'), flags: num(o, 'flags'), firstSeq: num(o, 'firstSeq'), firstTime: num(o, 'firstTime'), records: num(o, 'records') }, fromBase64(str(o, 'stored')), num(o, 'rawLength'));
          } else {
            if (type !== 'dictionary' && type !== 'events' && type !== 'checkpoint') throw new LineError(`unknown chunk type ${JSON.stringify(type)}`);
            chunk = { type, codec: codecOf(o), flags: o['flags'] === undefined ? 0 : num(o, 'flags') };
          }
        } else if (t === 'index') {
          flush();
          index = true;
        } else if (t === 'trailer') {
          throw new LineError('the trailer must follow the index');
        } else if (t === 'string' || t === 'frame' || t === 'stack') {
          if (chunk?.type !== 'dictionary') throw new LineError(`a ${t} line must be in a dictionary chunk`);
          const id = num(o, 'id');
          dict.push(t === 'string' ? { t, id, value: str(o, 'value') } : t === 'frame' ? { t, id, function: num(o, 'function'), file: num(o, 'file'), line: num(o, 'line') } : { t, id, parent: num(o, 'parent'), frame: num(o, 'frame') });
        } else if (t === 'checkpoint') {
          if (chunk?.type !== 'checkpoint' || checkpoint !== undefined) throw new LineError('a checkpoint line must be alone in a checkpoint chunk');
          checkpoint = checkpointOf(o);
          if (num(o, 'seq') !== asm.encoder.seq) throw new LineError(`checkpoint seq ${String(o['seq'])} is not ${asm.encoder.seq}`);
        } else {
          const spec = typeof t === 'string' ? KIND_BY_NAME.get(t) : undefined;
          if (spec === undefined) throw new LineError(`unknown line type ${JSON.stringify(t)}`);
          if (chunk?.type !== 'events') throw new LineError(`a ${spec.name} line must be in an events chunk`);
          const enc = asm.encoder;
          if (num(o, 'seq') !== enc.seq) throw new LineError(`seq ${String(o['seq'])} is not ${enc.seq}`);
          const time = num(o, 'time');
          if (enc.count === 0) {
            if (time < enc.time) throw new LineError(`time ${time} goes back`);
            enc.begin(time);
          }
          const e = Object.assign(ev, emptyEvent(spec.kind)) as Partial<TraceEventData> & TraceEventData;
          e.time = time;
          for (const f of fields.get(spec.kind)!) e[f.column] = num(o, f.json, f.signed);
          enc.append(e);
        }
      }
      at += line.length + 1;
      lineNo++;
    }
    if (asm === undefined) throw new LineError('no header line');
    flush();
  } catch (e) {
    if (e instanceof LineError || e instanceof RangeError) throw new TraceFormatError('E_JSONL', at, `JSONL line ${lineNo + 1} (character ${at}): ${e.message}`);
    throw e;
  }
  await asm.finish(index, trailer);
}
