// Full collection of a 1,000,000-list ring (each list holds the next, the
// last the first) in the model and in CPython (`python3`, if present), on
// the same graph. Run after a build: `pnpm --filter @pymem/objects bench`.
import { execFileSync } from 'node:child_process';
import { ObjectSpace } from '../dist/index.js';

const N = Number(process.env.N ?? 1_000_000);
const RUNS = 3;

function model() {
  const vm = new ObjectSpace();
  vm.gc.disable();
  const first = vm.list();
  let prev = first;
  vm.incref(prev);
  for (let i = 1; i < N; i++) {
    const l = vm.list();
    vm.listAppend(prev, l);
    vm.decref(prev);
    prev = l;
  }
  vm.listAppend(prev, first);
  vm.decref(prev);
  vm.decref(first);
  const t = performance.now();
  const n = vm.gc.collect();
  return [n, performance.now() - t];
}

const py = `
import gc, time
gc.disable()
N = ${N}
first = []; prev = first
for i in range(1, N):
    l = []; prev.append(l); prev = l
prev.append(first); del prev, first, l
t = time.perf_counter(); n = gc.collect(); print(n, (time.perf_counter() - t) * 1000)
`;

const best = (xs) => Math.min(...xs);
const ours = [];
for (let i = 0; i < RUNS; i++) {
  const [n, ms] = model();
  if (n !== N) throw new Error(`model collected ${n}, expected ${N}`);
  ours.push(ms);
}
let theirs = [];
try {
  for (let i = 0; i < RUNS; i++) theirs.push(Number(execFileSync('python3', ['-c', py], { encoding: 'utf8' }).trim().split(' ')[1]));
} catch {
  theirs = [];
}
console.log(`model  gc.collect() of a ${N}-list ring: ${best(ours).toFixed(0)} ms (best of ${RUNS})`);
if (theirs.length > 0) {
  console.log(`python gc.collect() of the same ring:  ${best(theirs).toFixed(0)} ms (best of ${RUNS})`);
  console.log(`ratio ${(best(ours) / best(theirs)).toFixed(2)}x`);
}
