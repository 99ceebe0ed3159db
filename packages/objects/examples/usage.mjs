// The README's usage snippet, runnable: `node examples/usage.mjs` (after a build).
import { ObjectSpace } from '@pymem/objects';

const vm = new ObjectSpace(); // objects live in a fresh createLinearHeap()
const rec = vm.recordRequests(); // allocator requests, as in ../shared/objects

const l = vm.list(); // l = []
for (let i = 0; i < 5; i++) vm.listAppend(l, vm.none); // 5 x l.append(None)
const d = vm.dict(); // d = {}
const k = vm.str('key');
const v = vm.float(1.5);
vm.dictSet(d, k, v); // d['key'] = 1.5
vm.decref(k);
vm.decref(v);
console.log(JSON.stringify(rec.events));
console.log(vm.sizeof(l), vm.sizeof(d), vm.refcount(k), vm.typeName(vm.dictGet(d, k)));

const u32 = vm.heap.memory.u32; // the list header in arena memory
console.log([0, 8, 16, 24, 32].map((off) => u32[(l + off) >>> 2]));

rec.events.length = 0;
vm.decref(d); // values and keys released, dict and keys object to their free lists
vm.decref(l); // items array freed, list object to the list free list
console.log(JSON.stringify(rec.events), vm.freeListSizes().float);
vm.clearFreeLists(); // what gc.collect() does at its end
console.log(JSON.stringify(rec.events));
