import { ObjectSpace } from '@pymem/objects';

const vm = new ObjectSpace();
vm.gc.disable(); // as the shared measurements: no automatic collection
vm.gc.collect(); // start from empty free lists

const l = vm.list(); // l = []; l.append(l)
vm.listAppend(l, l);
const C = vm.defineClass('C', { del: (self) => console.log('__del__', vm.typeName(self)) });
const o = vm.instance(C); // o = C(); o.m = o.method; r = weakref.ref(o, cb)
const m = vm.boundMethod(vm.none, o);
vm.setAttr(o, 'm', m);
vm.decref(m);
const r = vm.weakref(o, (wr) => console.log('callback, referent is None:', vm.weakrefGet(wr) === vm.none));
vm.gc.callbacks.push((phase, info) => console.log(phase, JSON.stringify(info)));

vm.decref(l); // del l, o: only the cycles keep them
vm.decref(o);
console.log(vm.gc.getCount(), vm.gc.getObjects().length, vm.gc.isTracked(l));
const rec = vm.recordRequests();
console.log('collected', vm.gc.collect());
console.log(JSON.stringify(rec.events));
console.log(vm.isAlive(l), vm.isAlive(o), vm.gc.getStats()[2], vm.gc.getCount());
vm.decref(r);
