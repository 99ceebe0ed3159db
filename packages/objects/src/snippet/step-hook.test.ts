import { describe, expect, test } from 'vitest';
import { ObjectSpace } from '../space.js';
import type { InterpreterStep } from './interpreter.js';
import { Interpreter } from './interpreter.js';

function steps(src: string): { lines: number[]; it: Interpreter } {
  const it = new Interpreter(new ObjectSpace());
  const lines: number[] = [];
  it.onStep = (s: InterpreterStep) => lines.push(s.line);
  it.run(src);
  return { lines, it };
}

describe('Interpreter.onStep', () => {
  test('straight-line statements report once each, in order', () => {
    expect(steps('a = 1\nb = 2\n\nc = a + b\n').lines).toEqual([1, 2, 4]);
  });

  test('a loop body reports per iteration, the loop itself once it is done', () => {
    expect(steps('x = []\nfor i in range(3):\n    x.append(i)\n    if i:\n        pass\nprint(x)\n').lines).toEqual([1, 3, 4, 3, 5, 4, 3, 5, 4, 2, 6]);
  });

  test('a while loop with break, and a function body per call', () => {
    const src = 'def f(n):\n    m = n * 2\n    return m\nk = 0\nwhile True:\n    k = f(k) + 1\n    if k > 3:\n        break\n';
    // k: 0 -> 1 -> 3 -> 7; the break statement reports, then its if, then the while
    expect(steps(src).lines).toEqual([1, 4, 2, 3, 6, 7, 2, 3, 6, 7, 2, 3, 6, 8, 7, 5]);
  });

  test('the heap can be read in the hook: a list grows one item per step', () => {
    const it = new Interpreter(new ObjectSpace());
    const vm = it.vm;
    const lens: number[] = [];
    it.onStep = ({ line }) => {
      if (line !== 3) return;
      lens.push(vm.length(vm.dictGet(it.namespace, vm.intern('x'))));
    };
    it.run('x = []\nfor i in range(4):\n    x.append(i)\n');
    expect(lens).toEqual([1, 2, 3, 4]);
  });

  test('a statement that raises does not report', () => {
    const it = new Interpreter(new ObjectSpace());
    const lines: number[] = [];
    it.onStep = ({ line }) => lines.push(line);
    expect(() => it.run('a = 1\nb = 1 / 0\nc = 3\n')).toThrow('ZeroDivisionError');
    expect(lines).toEqual([1]);
  });

  test('without a hook nothing changes (the runner works as before)', () => {
    const it = new Interpreter(new ObjectSpace());
    it.run('print(len([1, 2, 3]))\n');
    expect(it.output).toBe('3\n');
  });
});
