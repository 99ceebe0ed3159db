import { ByteCursor, ByteWriter } from './byte-cursor.js';

/** A dictionary record: a string, a frame or a stack node, with the id it defines. */
export type DictionaryEntry =
  | { t: 'string'; id: number; value: string }
  | { t: 'frame'; id: number; function: number; file: number; line: number }
  | { t: 'stack'; id: number; parent: number; frame: number };

/** Dictionary record tag: string. */
export const DICT_STRING = 1;
/** Dictionary record tag: frame. */
export const DICT_FRAME = 2;
/** Dictionary record tag: stack node. */
export const DICT_STACK = 3;

/**
 * Every string, frame and stack defined so far. Ids start at 1 (0 means
 * none / the root stack); index `id` of each array holds entry `id`.
 */
export class TraceDictionary {
  /** `strings[id]`; `strings[0]` is `""`. */
  readonly strings: string[] = [''];
  /** Function-name string id per frame id. */
  readonly frameFunction: number[] = [0];
  /** File-name string id per frame id. */
  readonly frameFile: number[] = [0];
  /** Line number per frame id. */
  readonly frameLine: number[] = [0];
  /** Parent stack id per stack id (0 = root). */
  readonly stackParent: number[] = [0];
  /** Frame id (the innermost frame) per stack id. */
  readonly stackFrame: number[] = [0];

  /** Id the next string gets. */
  get nextString(): number {
    return this.strings.length;
  }
  /** Id the next frame gets. */
  get nextFrame(): number {
    return this.frameFunction.length;
  }
  /** Id the next stack gets. */
  get nextStack(): number {
    return this.stackParent.length;
  }

  /**
   * The frames of a stack, innermost first.
   *
   * @param stack - stack id
   * @returns frame ids, innermost first (empty for 0)
   */
  frames(stack: number): number[] {
    const out: number[] = [];
    for (let s = stack; s > 0 && s < this.stackParent.length; s = this.stackParent[s]!) out.push(this.stackFrame[s]!);
    return out;
  }

  /** Adds an entry; its id must be the next one of its kind (else RangeError). */
  add(e: DictionaryEntry): void {
    if (e.t === 'string') {
      if (e.id !== this.nextString) throw new RangeError(`string id ${e.id} is not the next one (${this.nextString})`);
      this.strings.push(e.value);
    } else if (e.t === 'frame') {
      if (e.id !== this.nextFrame) throw new RangeError(`frame id ${e.id} is not the next one (${this.nextFrame})`);
      if (e.function >= this.nextString || e.file >= this.nextString) throw new RangeError(`frame ${e.id} uses an undefined string`);
      this.frameFunction.push(e.function);
      this.frameFile.push(e.file);
      this.frameLine.push(e.line);
    } else {
      if (e.id !== this.nextStack) throw new RangeError(`stack id ${e.id} is not the next one (${this.nextStack})`);
      if (e.parent >= e.id || e.frame < 1 || e.frame >= this.nextFrame) throw new RangeError(`stack ${e.id} uses an undefined parent or frame`);
      this.stackParent.push(e.parent);
      this.stackFrame.push(e.frame);
    }
  }
}

/**
 * Encodes a dictionary-chunk payload: the first ids, then the entries.
 *
 * @internal
 */
export function encodeDictionary(first: { string: number; frame: number; stack: number }, entries: readonly DictionaryEntry[]): Uint8Array {
  const w = new ByteWriter(256);
  w.uv(first.string);
  w.uv(first.frame);
  w.uv(first.stack);
  const utf8 = new TextEncoder();
  for (const e of entries) {
    if (e.t === 'string') {
      const b = utf8.encode(e.value);
      w.u8(DICT_STRING);
      w.uv(b.length);
      w.bytes(b);
    } else if (e.t === 'frame') {
      w.u8(DICT_FRAME);
      w.uv(e.function);
      w.uv(e.file);
      w.uv(e.line);
    } else {
      w.u8(DICT_STACK);
      w.uv(e.parent);
      w.uv(e.frame);
    }
  }
  return w.take();
}

/**
 * Decodes a dictionary-chunk payload and adds its entries to `dict` (when
 * given, its next ids must match the chunk's first ids: `E_DICT`).
 *
 * @internal
 */
export function decodeDictionary(raw: Uint8Array, n: number, base: number, what: string, fixed: boolean, dict: TraceDictionary): DictionaryEntry[] {
  const c = new ByteCursor(raw, 0, raw.length, base, what, fixed);
  if (n > raw.length) throw c.error('E_COUNT', `record count ${n} exceeds the ${raw.length}-byte payload`, 0);
  const s0 = c.uv();
  const f0 = c.uv();
  const k0 = c.uv();
  if (s0 !== dict.nextString || f0 !== dict.nextFrame || k0 !== dict.nextStack) {
    throw c.error('E_DICT', `dictionary chunk starts at string ${s0}, frame ${f0}, stack ${k0} but ${dict.nextString}, ${dict.nextFrame}, ${dict.nextStack} were expected (a dictionary chunk is missing)`, 0);
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const out: DictionaryEntry[] = [];
  for (let r = 0; r < n; r++) {
    const at = c.pos;
    const tag = c.u8();
    let e: DictionaryEntry;
    if (tag === DICT_STRING) {
      const bytes = c.bytes(c.uv());
      let value: string;
      try {
        value = utf8.decode(bytes);
      } catch {
        throw c.error('E_DICT', 'string is not UTF-8', at);
      }
      e = { t: 'string', id: dict.nextString, value };
    } else if (tag === DICT_FRAME) {
      e = { t: 'frame', id: dict.nextFrame, function: c.uv(), file: c.uv(), line: c.uv() };
    } else if (tag === DICT_STACK) {
      e = { t: 'stack', id: dict.nextStack, parent: c.uv(), frame: c.uv() };
    } else throw c.error('E_TAG', `unknown dictionary tag 0x${tag.toString(16)} (record ${r})`, at);
    try {
      dict.add(e);
    } catch (err) {
      throw c.error('E_DICT', (err as Error).message, at);
    }
    out.push(e);
  }
  if (c.pos !== raw.length) throw c.error('E_TRAILING', `${raw.length - c.pos} bytes after the last of ${n} records`);
  return out;
}
