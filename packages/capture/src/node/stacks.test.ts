import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRawCapture, OP_CALLOC, OP_MALLOC, OP_REALLOC } from '@pymem/trace';
import type { RawFrame } from '@pymem/trace';
import { beforeAll, describe, expect, it } from 'vitest';
import { capture } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'pymem-capture-stacks-'));
const env = { PYMEM_CACHE_DIR: join(dir, 'cache') };
const script = join(dir, 'orders.py');
writeFileSync(
  script,
  [
    'import json',
    '',
    '',
    'class Parser:',
    '    def parse(self, text):',
    '        return [self.field(w) for w in text.split()]',
    '',
    '    def field(self, w):',
    '        return {"w": w * 3, "n": len(w)}',
    '',
    '',
    'def load(lines):',
    '    p = Parser()',
    '    return [p.parse(line) for line in lines]',
    '',
    '',
    'def main():',
    '    rows = load(["alpha beta gamma %d" % i for i in range(3000)])',
    '    return json.dumps(rows)',
    '',
    '',
    'text = main()',
  ].join('\n'),
);

/** Python's own view of the script: every code object, by qualified name, with its first line. */
const CODE_OBJECTS = [
  'import json, sys',
  'def walk(co):',
  '    yield co',
  '    for c in co.co_consts:',
  '        if hasattr(c, "co_code"):',
  '            yield from walk(c)',
  'path = sys.argv[1]',
  'top = compile(open(path).read(), path, "exec")',
  'print(json.dumps({co.co_qualname: co.co_firstlineno for co in walk(top)}))',
].join('\n');

/**
 * Which of these frames are not a function of their file: for every frame
 * whose file is on disk, the file is compiled and its code objects searched
 * for the frame's qualified name and first line.
 */
const NOT_FUNCTIONS = [
  'import json, os, sys',
  'def walk(co):',
  '    yield co',
  '    for c in co.co_consts:',
  '        if hasattr(c, "co_code"):',
  '            yield from walk(c)',
  'frames = json.load(sys.stdin)',
  'known, checked, missing = {}, 0, []',
  'for f in frames:',
  '    if not os.path.isfile(f["file"]):',
  '        continue',
  '    if f["file"] not in known:',
  '        top = compile(open(f["file"], "rb").read(), f["file"], "exec")',
  '        known[f["file"]] = {(co.co_qualname, co.co_firstlineno) for co in walk(top)}',
  '    checked += 1',
  '    if (f["function"], f["line"]) not in known[f["file"]]:',
  '        missing.append(f)',
  'print(json.dumps({"checked": checked, "missing": missing}))',
].join('\n');

let frames: RawFrame[] = [];
/** Allocation requests per resolved stack, written as `function:line > …`. */
const requests = new Map<string, number>();
const name = (f: RawFrame): string => `${f.function}:${f.line}`;

beforeAll(async () => {
  const output = join(dir, 'orders.bin');
  const r = await capture({ argv: ['python3', script], output, env, stdio: 'ignore', stacks: true });
  expect(r).toMatchObject({ exitCode: 0, ended: true });
  const byStack = new Map<number, number>();
  const summary = decodeRawCapture(new Uint8Array(readFileSync(output)), (rec) => {
    if (rec.op === OP_MALLOC || rec.op === OP_CALLOC || rec.op === OP_REALLOC) byStack.set(rec.stack, (byStack.get(rec.stack) ?? 0) + 1);
  });
  const table = summary.stacks!;
  frames = [...new Map([...table.stacks()].map((s) => [s.frame.id, s.frame])).values()];
  for (const [id, n] of byStack) requests.set(table.resolve(id).map(name).join(' > '), n);
}, 120_000);

describe('a --stacks capture of a real script', () => {
  it('names the script\'s functions as Python does: qualified name, file and first line of each code object', () => {
    const mine = JSON.parse(execFileSync('python3', ['-c', CODE_OBJECTS, script], { encoding: 'utf8' })) as Record<string, number>;
    const inScript = frames.filter((f) => f.file === script);
    expect(inScript.length).toBeGreaterThan(0);
    for (const f of inScript) expect(mine[f.function], f.function).toBe(f.line);
    // Every function of the script ran, so every one is a frame of the capture.
    expect(inScript.map((f) => f.function).sort()).toEqual(Object.keys(mine).sort());

    // The allocations of Parser.field (its dict and the repeated string) are charged to
    // the whole chain that called it, outermost first, with the lines Python gives.
    const at = (fn: string): string => `${fn}:${mine[fn]}`;
    const chain = ['<module>', 'main', 'load', 'load.<locals>.<listcomp>', 'Parser.parse', 'Parser.parse.<locals>.<listcomp>', 'Parser.field'].map(at).join(' > ');
    expect(requests.get(chain)).toBeGreaterThanOrEqual(3 * 3000); // a dict and a str per word at least
    // json.dumps is charged to main's frame and json's own Python functions below it.
    const dumps = [...requests.keys()].filter((s) => s.startsWith(`${at('<module>')} > ${at('main')} > dumps:`));
    expect(dumps.length).toBeGreaterThan(0);
  });

  it('every frame whose file is on disk is a function of that file (the script, json, the start-up modules)', () => {
    const out = execFileSync('python3', ['-c', NOT_FUNCTIONS], { input: JSON.stringify(frames), encoding: 'utf8' });
    const { checked, missing } = JSON.parse(out) as { checked: number; missing: RawFrame[] };
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(10);
    expect(frames.some((f) => f.file.endsWith('/json/encoder.py'))).toBe(true);
  });
});
