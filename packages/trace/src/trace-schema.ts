import { FEATURE_DOMAINS, LEVEL_STACKS } from './trace-constants.js';
import { HEADER_FIELDS } from './trace-header.js';
import { jsonEventFields } from './trace-jsonl-fields.js';
import { RECORD_KINDS } from './trace-record-kinds.js';

type Schema = Record<string, unknown>;

const uint = (description: string): Schema => ({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const int = (description: string): Schema => ({ type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description });

function line(t: string, description: string, props: Record<string, Schema>, required: string[]): Schema {
  return { type: 'object', description, properties: { t: { const: t }, ...props }, required: ['t', ...required], additionalProperties: false };
}

function obj(props: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return { type: 'object', properties: props, required: Object.keys(props).filter((k) => !optional.includes(k)), additionalProperties: false };
}

/**
 * The JSON Schema (draft 2020-12) of one line of the JSONL form, generated
 * from the record-kind table (`RECORD_KINDS`) and the header field table,
 * the same tables the encoder and decoder use. Published as
 * `@pymem/trace/schema.json`.
 *
 * @returns the schema object
 */
export function traceJsonlSchema(): Schema {
  const headerProps: Record<string, Schema> = { format: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$', description: 'format version major.minor' } };
  for (const [field, name, wire, required] of HEADER_FIELDS) {
    const description = `header field ${field}${required ? ' (required)' : ''}`;
    headerProps[name] = wire === 2 ? { type: 'string', description } : uint(description);
  }
  const lines: Schema[] = [
    line('header', 'the first line: format version and header fields', headerProps, Object.keys(headerProps)),
    line(
      'chunk',
      'starts a chunk of a known type; the lines up to the next chunk line are its records',
      { type: { enum: ['dictionary', 'events', 'checkpoint'] }, codec: { enum: ['none', 'deflate-raw'] }, flags: uint('chunk flags, when not 0') },
      ['type', 'codec'],
    ),
    line(
      'chunk',
      'a chunk of a type this writer does not know, passed through as stored',
      {
        type: { type: 'integer', minimum: 0, maximum: 255 },
        codec: { type: 'integer', minimum: 0, maximum: 255 },
        flags: { type: 'integer', minimum: 0, maximum: 255 },
        firstSeq: uint('chunk header first sequence number'),
        firstTime: uint('chunk header first time'),
        records: uint('chunk header record count'),
        rawLength: uint('uncompressed payload length'),
        stored: { type: 'string', contentEncoding: 'base64', description: 'the stored payload' },
      },
      ['type', 'codec', 'flags', 'firstSeq', 'firstTime', 'records', 'rawLength', 'stored'],
    ),
    line('string', 'dictionary: a string', { id: uint('string id (1, 2, …)'), value: { type: 'string' } }, ['id', 'value']),
    line('frame', 'dictionary: a frame', { id: uint('frame id (1, 2, …)'), function: uint('function name string id'), file: uint('file name string id'), line: uint('line number') }, ['id', 'function', 'file', 'line']),
    line('stack', 'dictionary: a stack node', { id: uint('stack id (1, 2, …)'), parent: uint('parent stack id, 0 = root'), frame: uint('innermost frame id') }, ['id', 'parent', 'frame']),
    line(
      'checkpoint',
      'the live state before event seq',
      {
        seq: uint('events before it'),
        time: uint('time of the last event before it'),
        blocks: { type: 'array', items: obj({ id: uint('block id'), size: uint('size'), large: { type: 'boolean' }, cls: uint('size class'), arena: uint('arena id'), pool: uint('pool index'), block: uint('block index'), stack: uint('stack id'), domain: uint('allocation domain (1.1): 1 MEM, 2 OBJ, 3 RAW; absent = unknown') }, ['domain']) },
        arenas: { type: 'array', items: obj({ arena: uint('arena id'), base: uint('base address'), pools: uint('pools'), used: { type: 'array', items: obj({ pool: uint('pool index'), cls: uint('size class'), used: uint('blocks in use') }) } }) },
        objects: { type: 'array', items: obj({ id: uint('object id'), type: uint('type name string id'), refcount: uint('reference count'), generation: uint('gc generation, 3 = untracked') }) },
      },
      ['seq', 'time', 'blocks', 'arenas', 'objects'],
    ),
    line('index', 'the footer index chunk is here (its content is derived)', {}, []),
    line('trailer', 'the 16-byte trailer ends the file', {}, []),
  ];
  for (const spec of RECORD_KINDS) {
    const props: Record<string, Schema> = { seq: uint('sequence number'), time: uint('time in the header clock unit') };
    const required = ['seq', 'time'];
    for (const f of jsonEventFields(spec, true, true)) {
      props[f.json] = f.signed ? int(f.doc) : uint(f.doc);
      if (f.column !== 'stack' && f.column !== 'domain') required.push(f.json);
    }
    const optional = [
      spec.fields.some((f) => f.op === 'stack') ? `stack present iff the header level has bit ${LEVEL_STACKS}` : '',
      spec.fields.some((f) => f.op === 'domain') ? `domain present iff the header's requiredFeatures have bit ${FEATURE_DOMAINS}` : '',
    ].filter((x) => x !== '');
    lines.push(line(spec.name, `event: ${spec.doc}${optional.length > 0 ? ` (${optional.join('; ')})` : ''}`, props, required));
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/pymem/pymem/blob/main/packages/trace/schema.json',
    title: 'pymem trace JSONL line (format 1.1)',
    description: 'One line of the JSONL form of a pymem trace; see packages/trace/docs/format.md.',
    oneOf: lines,
  };
}
