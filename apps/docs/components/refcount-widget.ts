import { ObjectSpace } from '@pymem/objects';
import { mountObjectGraph, objectGraphFromSpace, objectGraphModel } from '@pymem/viz';
import { defineComponent, h, onMounted, ref } from 'vue';
import { ensureChapterStyles } from './lists-style.js';

/** What a step works on: the object space, the frame's names and what the page knows is alive. */
interface Frame {
  readonly vm: ObjectSpace;
  /** Name → object, in binding order (the graph's first column). */
  readonly names: Map<string, number>;
  /** Output of the step (what the REPL would print), if any. */
  out: string;
}

interface Step {
  readonly code: string;
  readonly note: string;
  readonly run: (f: Frame) => void;
}

/** `name = obj` with a new reference the caller owns: the old value (if any) loses the name's reference after the store, as in CPython. */
function bind(f: Frame, name: string, obj: number): void {
  const old = f.names.get(name);
  f.names.delete(name);
  f.names.set(name, obj);
  if (old !== undefined) f.vm.decref(old);
}

function unbind(f: Frame, name: string): void {
  const old = f.names.get(name);
  if (old === undefined) return;
  f.names.delete(name);
  f.vm.decref(old);
}

function named(f: Frame, name: string): number {
  const a = f.names.get(name);
  if (a === undefined) throw new Error(`no name ${name}`);
  return a;
}

/** The chapter's program, one statement per step, run on the real object model. */
export const REFCOUNT_STEPS: readonly Step[] = [
  {
    code: 'x = 3.14',
    note: 'A float object is created. The name x holds the only reference to it: refcount 1.',
    run: (f) => bind(f, 'x', f.vm.float(3.14)),
  },
  {
    code: 'y = x',
    note: 'Assignment copies a reference, never the object: x and y name the same float, whose count is now 2.',
    run: (f) => {
      const x = named(f, 'x');
      f.vm.incref(x);
      bind(f, 'y', x);
    },
  },
  {
    code: 'l = [x]',
    note: 'A container holds its own reference to each item. The list is new (refcount 1, the name l); the float is at 3: x, y and l[0].',
    run: (f) => bind(f, 'l', f.vm.list([named(f, 'x')])),
  },
  {
    code: 'sys.getrefcount(x)',
    note: 'Passing x as an argument adds a reference for the duration of the call, so getrefcount reports one more than the three you can see.',
    run: (f) => {
      const x = named(f, 'x');
      f.vm.incref(x); // the argument
      f.out = String(f.vm.refcount(x));
      f.vm.decref(x); // the call returns
    },
  },
  {
    code: 'def f(a): ...  # f(x) running',
    note: 'Inside a call, the parameter a is one more name for the same object: refcount 4 while f runs.',
    run: (f) => {
      const x = named(f, 'x');
      f.vm.incref(x);
      bind(f, 'a (in f)', x);
    },
  },
  {
    code: '# f returns',
    note: "When f returns, its frame and its names go away, and with them a's reference: back to 3.",
    run: (f) => unbind(f, 'a (in f)'),
  },
  {
    code: 'del y',
    note: 'del removes a name, not an object: the float loses one reference (2) and stays, because x and the list still hold it.',
    run: (f) => unbind(f, 'y'),
  },
  {
    code: 'del x',
    note: 'Now only the list refers to the float (refcount 1). Nothing is freed.',
    run: (f) => unbind(f, 'x'),
  },
  {
    code: 'del l',
    note: "The list's count drops to 0: it is deallocated at once. Its deallocator releases its items, so the float drops to 0 too and is freed in the same statement: a cascade.",
    run: (f) => unbind(f, 'l'),
  },
  {
    code: 'a = []; b = []',
    note: 'Two empty lists, each named once.',
    run: (f) => {
      bind(f, 'a', f.vm.list());
      bind(f, 'b', f.vm.list());
    },
  },
  {
    code: 'a.append(b); b.append(a)',
    note: 'Each list now holds the other: a reference cycle. Both counts are 2 (a name and the other list).',
    run: (f) => {
      f.vm.listAppend(named(f, 'a'), named(f, 'b'));
      f.vm.listAppend(named(f, 'b'), named(f, 'a'));
    },
  },
  {
    code: 'del a, b',
    note: 'No name reaches the lists any more, yet each still has refcount 1 from the other. Reference counting alone never frees them (red: unreachable).',
    run: (f) => {
      unbind(f, 'a');
      unbind(f, 'b');
    },
  },
  {
    code: 'gc.collect()',
    note: "The cyclic garbage collector finds objects whose references all come from each other, clears them, and the counts fall to 0: both lists are freed. It returns the number it collected.",
    run: (f) => {
      f.out = String(f.vm.gc.collect());
    },
  },
];

/**
 * The refcounting chapter's widget: steps through {@link REFCOUNT_STEPS} on
 * a real `ObjectSpace` and draws the reference graph with every object's
 * refcount; objects freed by a step are listed. Buttons or keys: → / n next,
 * ← / p back, r reset (the widget has the focus).
 */
export const RefcountWidget = defineComponent({
  name: 'RefcountWidget',
  setup() {
    const graphEl = ref<HTMLElement>();
    const done = ref(0);
    const status = ref('starting…');
    const note = ref('Press “next step” (or → with the widget focused) to run the first statement.');
    const output = ref('');
    const freed = ref('');

    let frame: Frame | undefined;
    let known = new Set<number>();
    let freedNow: string[] = [];

    const fresh = (): void => {
      const vm = new ObjectSpace();
      vm.gc.disable(); // collections only when the program asks
      known = new Set<number>();
      vm.observer = {
        objectCreate: (a) => known.add(a),
        objectDealloc: (a, t) => {
          if (!known.delete(a)) return;
          freedNow.push(`${vm.typeNameOfId(t)} at 0x${a.toString(16)}`);
        },
      };
      frame = { vm, names: new Map(), out: '' };
    };

    const draw = (): void => {
      if (frame === undefined || graphEl.value === undefined) return;
      const vm = frame.vm;
      const roots = [...frame.names].map(([name, address]) => ({ name, address }));
      const graph = objectGraphFromSpace(vm, roots, { also: known });
      const model = objectGraphModel(graph, { nodeWidth: 150, hgap: 70 });
      mountObjectGraph(graphEl.value, model);
      const alive = graph.nodes.filter((n) => n.kind === 'object').length;
      status.value = `step ${done.value} of ${REFCOUNT_STEPS.length} · ${alive} object${alive === 1 ? '' : 's'} alive · ${model.summary}`;
    };

    /** Runs the first `n` steps on a fresh object space. */
    const runTo = (n: number): void => {
      fresh();
      const f = frame!;
      const target = Math.max(0, Math.min(REFCOUNT_STEPS.length, n));
      for (let i = 0; i < target; i++) {
        freedNow = [];
        f.out = '';
        REFCOUNT_STEPS[i]!.run(f);
      }
      done.value = target;
      const last = REFCOUNT_STEPS[target - 1];
      note.value = last === undefined ? 'Press “next step” (or → with the widget focused) to run the first statement.' : last.note;
      output.value = last !== undefined && f.out !== '' ? `>>> ${last.code}\n${f.out}` : '';
      freed.value = target === 0 || freedNow.length === 0 ? 'freed by this step: nothing' : `freed by this step (in the order their deallocators finished): ${freedNow.join(', ')}`;
      draw();
    };

    const next = (): void => runTo(done.value + 1);
    const back = (): void => runTo(done.value - 1);
    const reset = (): void => runTo(0);
    const onKey = (e: KeyboardEvent): void => {
      if (e.target instanceof HTMLButtonElement && (e.key === 'Enter' || e.key === ' ')) return;
      if (e.key === 'ArrowRight' || e.key === 'n') next();
      else if (e.key === 'ArrowLeft' || e.key === 'p') back();
      else if (e.key === 'r') reset();
      else return;
      e.preventDefault();
    };

    onMounted(() => {
      if (graphEl.value !== undefined) ensureChapterStyles(graphEl.value.ownerDocument);
      reset();
    });

    return () =>
      h('div', { class: 'pv-widget pv-chapter', 'data-testid': 'refcount-widget', tabindex: 0, role: 'group', 'aria-label': 'reference counting, step by step', onKeydown: onKey }, [
        h('div', { class: 'pv-controls' }, [
          h('button', { type: 'button', 'data-testid': 'refcount-back', disabled: done.value === 0, onClick: back }, '← back'),
          h('button', { type: 'button', 'data-testid': 'refcount-next', disabled: done.value === REFCOUNT_STEPS.length, onClick: next }, 'next step →'),
          h('button', { type: 'button', 'data-testid': 'refcount-reset', onClick: reset }, 'reset'),
        ]),
        h('p', { class: 'pv-keys' }, 'Keys, with the widget focused: → or n next step, ← or p back, r reset. Tab reaches each object; its refcount and referrers are read out.'),
        h(
          'ol',
          { class: 'pv-steps', 'aria-label': 'the program' },
          REFCOUNT_STEPS.map((s, i) => h('li', { class: i < done.value - 1 ? 'pv-done' : i === done.value - 1 ? 'pv-done pv-current' : '' }, s.code)),
        ),
        h('p', { class: 'pv-note', 'data-testid': 'refcount-note', 'aria-live': 'polite' }, note.value),
        output.value === '' ? null : h('pre', { class: 'pv-text', 'data-testid': 'refcount-output' }, output.value),
        h('p', { class: 'pv-status', 'data-testid': 'refcount-status' }, status.value),
        h('p', { class: 'pv-status', 'data-testid': 'refcount-freed' }, freed.value),
        h('div', { class: 'pv-scroll', ref: graphEl, 'data-testid': 'refcount-graph' }),
      ]);
  },
});
