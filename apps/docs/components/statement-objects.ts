import { hex } from '@pymem/arena';
import type { RequestEvent } from '@pymem/objects';
import { defineComponent, h, ref, shallowRef } from 'vue';
import type { VNode } from 'vue';
import { runSteps } from './snippet-steps.js';
import type { SnippetRun, StepObject } from './snippet-steps.js';
import './widgets.css';

/** What one statement did: the objects it made and freed, the requests it made. */
export interface StatementEffect {
  /** 1-based line (0: compilation, the code constants). */
  readonly line: number;
  readonly made: readonly StepObject[];
  /** Objects alive before the statement and gone after it. */
  readonly freed: readonly StepObject[];
  /** Objects whose refcount changed: before → after. */
  readonly recounted: readonly (readonly [StepObject, number])[];
  /** The requests of the statement, as `runSnippet` reports them. */
  readonly requests: readonly string[];
}

/** The effect of each executed statement of a run; the first entry is what compilation made (the code constants). */
export function statementEffects(run: SnippetRun): StatementEffect[] {
  const out: StatementEffect[] = [];
  const text = (q: RequestEvent): string => (q[0] === 'realloc' ? `realloc(${q[1] === null ? 'NULL' : q[1]} → ${q[2]})` : `${q[0]}(${q[1] === null ? 'NULL' : q[1]})`);
  run.steps.forEach((s, i) => {
    const prev = run.steps[i - 1];
    const before = new Map((prev?.objects ?? []).map((o) => [o.address, o]));
    const after = new Set(s.objects.map((o) => o.address));
    const made = prev === undefined ? s.objects : s.objects.filter((o) => !before.has(o.address));
    const freed = prev === undefined ? [] : prev.objects.filter((o) => !after.has(o.address));
    const recounted = prev === undefined ? [] : s.objects.flatMap((o) => {
      const was = before.get(o.address);
      return was !== undefined && was.refcount !== o.refcount ? [[o, was.refcount] as const] : [];
    });
    out.push({ line: s.line, made, freed, recounted, requests: run.requests.slice(prev?.requests ?? 0, s.requests).map(text) });
  });
  return out;
}

const SNIPPETS: Readonly<Record<string, string>> = {
  'constants and a list': `x = 1.5
items = [x, 'pymem', 0.1 + 0.2]
items.append(x * 2)
del x
`,
  'a loop makes floats': `total = 0.0
for i in range(3):
    total = total + i * 0.5
print(total)
`,
  'a function call': `def area(w, h):
    return w * h

a = area(2.5, 4.0)
b = area(a, 0.5)
print(a, b)
`,
};

/**
 * Runs a small snippet with the snippet runner and lists, statement by
 * statement, the objects it made (code constants first, made at compile
 * time), the objects it freed, the refcounts it changed and its allocator
 * requests.
 */
export const StatementObjects = defineComponent({
  name: 'StatementObjects',
  setup() {
    const name = ref(Object.keys(SNIPPETS)[0]!);
    const run = shallowRef<SnippetRun>(runSteps(SNIPPETS[name.value]!));
    const obj = (o: StepObject): string => `${o.type} ${o.repr} (${o.size} B at ${hex(o.address)})`;
    return () => {
      const src = SNIPPETS[name.value]!;
      const lines = src.split('\n');
      const rows: VNode[] = statementEffects(run.value).map((e, i) =>
        h('tr', { 'data-step': i }, [
          h('td', e.line === 0 ? 'compile' : String(e.line)),
          h('td', { class: 'pv-repr' }, e.line === 0 ? '(code constants)' : (lines[e.line - 1] ?? '').trim()),
          h('td', [
            ...e.made.map((o) => h('div', { class: 'pv-made' }, `+ ${obj(o)}`)),
            ...e.freed.map((o) => h('div', { class: 'pv-freed' }, `− ${obj(o)}`)),
            ...e.recounted.map(([o, was]) => h('div', `${o.type} ${o.repr}: refcount ${was} → ${o.refcount}`)),
          ]),
          h('td', { class: 'pv-repr' }, e.requests.join('\n')),
        ]),
      );
      return h('div', { class: 'pv-widget pv-bytecode', 'data-testid': 'statement-objects' }, [
        h('div', { class: 'pv-controls' }, [
          h('label', [
            'snippet ',
            h(
              'select',
              {
                'data-testid': 'snippet',
                onChange: (e: Event) => {
                  name.value = (e.target as HTMLSelectElement).value;
                  run.value = runSteps(SNIPPETS[name.value]!);
                },
              },
              Object.keys(SNIPPETS).map((k) => h('option', { value: k, selected: k === name.value }, k)),
            ),
          ]),
        ]),
        h('pre', { 'data-testid': 'source' }, src),
        h('div', { class: 'pv-scroll' }, [
          h('table', { class: 'pv-plain', 'data-testid': 'effects' }, [
            h('caption', 'what each executed statement did to the heap'),
            h('thead', h('tr', ['line', 'statement', 'objects (+ made, − freed)', 'allocator requests'].map((x) => h('th', x)))),
            h('tbody', rows),
          ]),
        ]),
        h('p', { class: 'pv-status', 'data-testid': 'output' }, run.value.steps.at(-1)?.output === '' ? 'printed nothing' : `printed: ${run.value.steps.at(-1)?.output ?? ''}`),
      ]);
    };
  },
});
