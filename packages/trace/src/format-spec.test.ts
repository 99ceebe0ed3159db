// docs/format.md is the specification: its tables must say what the code does.
// Each table is parsed from the Markdown and compared with the constants and
// the record table (RECORD_KINDS) the encoder, decoder, JSONL form and schema use.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as C from './trace-constants.js';
import { HEADER_FIELDS } from './trace-header.js';
import { RECORD_KINDS } from './trace-record-kinds.js';

const spec = readFileSync(new URL('../docs/format.md', import.meta.url), 'utf8');

/** The rows (cells trimmed) of the first table after the heading that starts with `heading`. */
function table(heading: string): string[][] {
  const at = spec.split('\n').findIndex((l) => l.startsWith('#') && l.replace(/^#+\s*/, '').startsWith(heading));
  if (at < 0) throw new Error(`no heading ${heading}`);
  const lines = spec.split('\n').slice(at + 1);
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows;
}

describe('docs/format.md matches the code', () => {
  it('the version in the title', () => {
    expect(spec.split('\n')[0]).toBe(`# The pymem trace format, version ${C.TRACE_VERSION_MAJOR}.${C.TRACE_VERSION_MINOR}`);
  });

  it('§2.2 header fields: number, name, wire type, required', () => {
    const rows = table('2.2').map((r) => [Number(r[0]), r[1], Number(r[2]), r[3]!.startsWith('yes')]);
    expect(rows).toEqual(HEADER_FIELDS.map(([n, name, wire, req]) => [n, name, wire, req]));
  });

  it('§2.3 recording level bits', () => {
    const rows = table('2.3').map((r) => [Number(r[1]), r[2]]);
    expect(rows).toEqual([
      [C.LEVEL_ALLOCATOR, 'allocator'],
      [C.LEVEL_OBJECTS, 'objects'],
      [C.LEVEL_REFCOUNTS, 'refcounts'],
      [C.LEVEL_GC, 'gc'],
      [C.LEVEL_STACKS, 'stacks'],
    ]);
  });

  it('§2.4 required features: every bit the reader knows, and no other', () => {
    const rows = table('2.4').map((r) => [Number(r[0]), Number(r[1]), r[2]]);
    expect(rows).toEqual([
      [0, C.FEATURE_DEFLATE_RAW, 'deflate-raw'],
      [1, C.FEATURE_DOMAINS, 'domains'],
      [2, C.FEATURE_REALLOC_CLASS, 'realloc-class'],
    ]);
    for (const [bit, value] of rows) expect(value).toBe(2 ** Number(bit));
    expect(rows.reduce((a, r) => a | Number(r[1]), 0)).toBe(C.KNOWN_REQUIRED_FEATURES);
    expect(C.FEATURES_1_1).toBe(C.FEATURE_DOMAINS | C.FEATURE_REALLOC_CLASS);
  });

  it('§3.1 chunk types', () => {
    const rows = table('3.1')
      .filter((r) => /^\d+$/.test(r[0]!))
      .map((r) => [Number(r[0]), r[1]]);
    expect(rows).toEqual([
      [C.CHUNK_DICTIONARY, 'dictionary'],
      [C.CHUNK_EVENTS, 'events'],
      [C.CHUNK_CHECKPOINT, 'checkpoint'],
      [C.CHUNK_INDEX, 'index'],
    ]);
  });

  it('§4.3 record kinds: number, tag, name, stored fields with their encoding, in order', () => {
    const rows = table('4.3');
    expect(rows.map((r) => Number(r[0]))).toEqual(RECORD_KINDS.map((k) => k.kind));
    for (const [kind, tag, name, fields] of rows) {
      const k = RECORD_KINDS.find((x) => x.kind === Number(kind))!;
      expect(tag).toBe(`\`0x${(k.kind << 2).toString(16).toUpperCase().padStart(2, '0')}\``);
      expect(name).toBe(k.name);
      // "oldId: ref, …, arena/pool/block: loc, …": the JSON name and the storage of each field
      const documented = fields!.split(/,\s*(?![^(]*\))/).map((f) => f.replace(/\s*\(.*\)\s*$/, '').trim());
      const code = k.fields.map((f) => (f.op === 'loc' ? 'arena/pool/block: loc' : `${f.json}: ${f.op}`));
      expect(documented).toEqual(code);
    }
  });

  it('§11 every error code listed is one the code raises', () => {
    const listed = /## 11\. Error codes\n\n([\s\S]*?)\. Every error/.exec(spec)![1]!.match(/E_[A-Z_]+/g)!;
    expect(listed.length).toBeGreaterThan(15);
    const src = ['trace-chunk.ts', 'trace-header.ts', 'trace-event-decoder.ts', 'trace-codec.ts', 'trace-dictionary.ts', 'trace-checkpoint.ts', 'trace-index.ts', 'read-trace.ts', 'open-trace.ts', 'trace-jsonl.ts', 'byte-cursor.ts', 'trace-chunk-decode.ts']
      .map((f) => readFileSync(new URL(f, import.meta.url), 'utf8'))
      .join('\n');
    for (const code of listed) expect(src, code).toContain(`'${code}'`);
  });
});
