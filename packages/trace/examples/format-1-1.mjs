// Format 1.1: allocation domains and a realloc that keeps a bigger block.
import { DOMAIN_MEM, DOMAIN_OBJ, FEATURES_1_1, KIND_FREE, KIND_MALLOC, KIND_REALLOC_CLASS, MemorySink, TraceWriter, readTrace, summarizeTrace, toJsonl } from '@pymem/trace';

const sink = new MemorySink();
const w = new TraceWriter(sink, { codec: 'none', header: { requiredFeatures: FEATURES_1_1 } });
w.append({ kind: KIND_MALLOC, id: 0, size: 80, domain: DOMAIN_OBJ }); // class 4 (65..80 bytes)
// pymalloc keeps the block for 64 bytes (more than 3/4 of 80): still class 4, where 64 alone is class 3
w.append({ kind: KIND_REALLOC_CLASS, oldId: 0, oldSize: 80, id: 0, size: 64, cls: 4, domain: DOMAIN_OBJ });
w.append({ kind: KIND_MALLOC, id: 1, size: 10, block: 0, domain: DOMAIN_MEM });
w.append({ kind: KIND_FREE, id: 1, size: 10, domain: DOMAIN_MEM });
await w.close();
const bytes = sink.bytes();

const reader = readTrace(bytes);
for await (const b of reader) console.log([...b.kind], [...b.cls], [...b.domain]);
console.log(`format ${reader.header.versionMajor}.${reader.header.versionMinor}, required features ${reader.header.requiredFeatures}`);
console.log((await toJsonl(bytes)).split('\n').find((l) => l.includes('realloc_class')));
const s = await summarizeTrace(bytes);
console.log('live at end: class 4', s.end.bytes[4], 'bytes; per domain', s.domains.liveAtEnd.bytes, 'allocated', s.domains.allocated.bytes);
