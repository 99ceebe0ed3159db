/**
 * Snippets covering every construct of the subset, checked against the
 * real CPython (`python3 -c`, 3.11.7 on this machine and in CI) by
 * snippet.cpython.test.ts. Values whose CPython output depends on the
 * interpreter (addresses, refcounts of code constants) are not printed.
 */
export const SNIPPETS: Readonly<Record<string, string>> = {
  arithmetic: `print(1 + 2, 7 // 2, -7 // 2, 7 % -3, -7 % 3, 2 ** 10, 2 ** -1, 1 / 3, 0.1 + 0.2, 10 ** 20, 7.5 // 2, 7.5 % 2, -2 ** 2, ~5, 6 & 3, 6 | 3, 6 ^ 3, 1 << 40, 1000 >> 3)
x = 10
y = 3.0
print(x * y, x - y, x / 4, x // 4, -x, +y, x % 3, x + True)`,
  comparisons: `print(1 < 2 < 3, 3 < 2 < 4, 1 == 1.0, 'a' < 'b', 'abc' <= 'abd', [1, 2] < [1, 3], (1, 2) == (1, 2), 2 >= 3, 1 != 2)
print(not 0, 0 or 'x', 1 and [], '' or 0, None is None, None is not None, 3 in [1, 2, 3], 'b' not in 'abc', 2 in (1, 2), 'k' in {'k': 1}, 5 in {5, 6}, 1 if [] else 2)`,
  sequences: `a = 'ab'
b = b'xy'
print(a + 'cd', a * 3, 3 * a, b + b'z', b * 2, [1] + [2.5], [0] * 3, (1,) + (2, 3), (1, 2) * 2, a * 0, [] * 5)`,
  displays: `print([1, 'a', 2.5, None, True, False], (1,), (), {'a': 1, 'b': [2, (3, 4)]}, {3}, set(), frozenset(), frozenset([7]))
print("it's", 'say "hi"', 'tab\\there', b'\\x00\\n', b"it's", bytearray(b'ab'), bytearray(), [[]], {})
print(repr('x'), repr("a'b\\"c"), str(b'q'), repr(1.0), str(None), -0.0, 1e16, 1e-5, 0.0001, 123456789.123)`,
  names_and_subscripts: `l = [1, 2, 3]
l[0] = 10
l[-1] = 30
print(l, l[1], l[-2], len(l))
d = {}
d['k'] = 1
d['k'] = 2
d[5] = 'five'
print(d, d['k'], d[5])
del l[0]
del d['k']
print(l, d)
x = 5
del x
s = 'hello'
print(s[1], s[-1], s[1:3], s[:2], s[3:], l[0:1], (1, 2, 3)[1:], b'abc'[1], [9, 8, 7][-3])
t = (1, [2])
t[1].append(3)
print(t)`,
  control_flow: `i = 0
total = 0
while i < 10:
    i += 1
    if i % 2 == 0:
        continue
    elif i > 7:
        break
    else:
        total = total + i
print(i, total)
n = 0
while True:
    n = n + 1
    if n >= 3: break
print(n)
if []:
    print('no')
elif 0.0:
    print('no')
else:
    print('yes')`,
  for_loops: `for x in [1, 2.5, 'a']:
    print(x)
for ch in 'hi':
    print(ch)
for k in {'a': 1, 'b': 2}:
    print(k)
acc = []
for i in range(3):
    acc.append(i * 10)
for i in range(10, 0, -4):
    acc.append(i)
for b in b'AB':
    acc.append(b)
for t in (1, 2):
    acc.append(t)
for v in {5, 1, 3}:
    acc.append(v)
print(acc)
for a, b in [(1, 2), (3, 4)]:
    print(a + b)
l = [1]
for x in l:
    if x < 4:
        l.append(x + 1)
print(l)`,
  comprehensions: `sq = [x * x for x in range(6)]
ev = [x for x in sq if x % 2 == 0 if x > 0]
print(sq, ev, [c + c for c in 'ab'], [p[0] for p in [(1, 2), (3, 4)]], [[y] for y in (1, 2)])
x = 'outer'
[x for x in range(3)]
print(x)`,
  classes_slots: `import sys
class P:
    __slots__ = ('x', 'y')
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def norm1(self):
        return abs_(self.x) + abs_(self.y)
def abs_(v):
    if v < 0:
        return -v
    return v
class D:
    def __init__(self, a):
        self.a = a
        self.b = [a]
    def get(self):
        return self.b
class E:
    pass
p = P(3, -4)
print(p.x, p.y, p.norm1())
p.x = 10
print(p.x, sys.getsizeof(p), sys.getsizeof(D(1)), sys.getsizeof(E()))
d = D(2.5)
print(d.a, d.get(), d.__dict__)
d.c = 'new'
print(d.__dict__, sys.getsizeof(d.__dict__))
class S:
    __slots__ = 'only'
s = S()
s.only = 1
print(s.only, sys.getsizeof(s))`,
  del_finalizer: `import gc
gc.disable()
class C:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print('del', self.name)
a = C('a')
b = a
del a
print('after del a')
b = None
print('after rebinding b')
x = C('x')
y = C('y')
x.other = y
y.other = x
del x, y
print('cycle made')
print(gc.collect())
print('end')`,
  weakrefs: `import weakref, gc
gc.disable()
class C:
    pass
def cb(r):
    print('callback', r() is None)
o = C()
r = weakref.ref(o, cb)
r2 = weakref.ref(o)
print(r() is o, r2() is o)
del o
print(r(), r2())
s = {1, 2}
w = weakref.ref(s)
print(w() is s)
s = None
print(w())`,
  gc_module: `import gc
gc.disable()
print(gc.isenabled(), gc.get_threshold())
gc.enable()
print(gc.isenabled())
gc.disable()
gc.collect()
l = []
l.append(l)
del l
t = ([],)
t[0].append(t)
del t
print(gc.collect())
print(gc.collect())
d = {}
d['self'] = d
print(gc.is_tracked(d), gc.is_tracked({}), gc.is_tracked(1), gc.is_tracked([]), gc.is_tracked((1, 2)))
del d
print(gc.collect(0))`,
  getsizeof: `import sys
print(sys.getsizeof([]), sys.getsizeof([1, 2, 3]), sys.getsizeof([1.5, 2.5]), sys.getsizeof({}), sys.getsizeof({'a': 1}))
print(sys.getsizeof(set()), sys.getsizeof({1, 2, 3}), sys.getsizeof('abc'), sys.getsizeof(b''), sys.getsizeof(1.5), sys.getsizeof(10 ** 30))
print(sys.getsizeof(()), sys.getsizeof((1, 2)), sys.getsizeof(object()), sys.getsizeof(bytearray()), sys.getsizeof(bytearray(b'abc')))
print(sys.getsizeof(list(range(10))), sys.getsizeof(float('1.5')), sys.getsizeof(tuple([1, 2, 3])), sys.getsizeof(frozenset(range(5))), sys.getsizeof('é'), sys.getsizeof(True), sys.getsizeof(None))
l = []
sizes = []
for i in range(20):
    l.append(i)
    sizes.append(sys.getsizeof(l))
print(sizes)
d = {}
ds = []
for i in range(12):
    d[i] = i
    ds.append(sys.getsizeof(d))
print(ds)`,
  methods: `l = [3, 1]
l.append(4)
l.extend([1, 5])
l.extend((9,))
l.extend(range(2))
l.insert(0, 'h')
print(l, l.pop(), l.pop(0), l)
l.clear()
print(l, len(l))
d = {'a': 1, 'b': 2}
print(d.get('a'), d.get('z'), d.get('z', 0), d.keys(), list(d.keys()), len(d.keys()), 'a' in d.keys())
print(d.pop('a'), d.pop('q', 'dflt'), d)
d.clear()
print(d)
s = set()
s.add(3)
s.add(3)
s.add(4)
print(s, len(s))
s.clear()
print(s)`,
  conversions: `print(int('42'), int(' -7 '), int(3.9), int(-3.9), int(True), int(), float('1.5'), float('inf'), float('-inf'), float(3), float())
print(str(1.5), str([1, 'a']), str(), len('abc'), len(range(0, 10, 3)), len({1: 2}), repr('x'), bool([]), bool(0.5))
print(list('abc'), tuple(range(3)), set([1, 1, 2]), frozenset((3,)), dict([('a', 1)]), dict({'b': 2}), list((1, 2)), tuple([]))
print(bytearray(3), bytearray([65, 66]), object() is not None, range(5), range(1, 9, 2))`,
  float_repr: `print(0.1, 1/3, 2/3, 1e22, 1.5e-7, 123456789.123, float('nan'), -float('inf'), 1e15, 100.0, 1e100, 2.5e-300, 5e-324, 1.7976931348623157e308, 0.5, 12345678901234567.0, 9007199254740993.0)`,
  augassign_unpack: `x = 1
x += 2
x *= 10
x -= 1
x //= 2
x **= 2
l = [1]
l2 = l
l += [2]
s = 'a'
s *= 3
s += '!'
print(x, l, l2, l is l2, s)
a, b = 1, 2
a, b = b, a
[c, d] = 'xy'
print(a, b, c, d)
p = q = [7]
p.append(8)
print(q)`,
  refcounts: `import sys
a = int('1000')
print(sys.getrefcount(a))
l = []
print(sys.getrefcount(l))
l.append(l)
print(sys.getrefcount(l))
b = l
print(sys.getrefcount(l))
del b
class C:
    pass
o = C()
print(sys.getrefcount(o))
o.me = o
print(sys.getrefcount(o))
f = float('2.5')
g = [f, f]
print(sys.getrefcount(f))`,
  functions: `def add(a, b):
    return a + b
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)
def nothing():
    pass
print(add(1, 2), add('a', 'b'), fact(20), nothing())
def counter(l):
    l.append(len(l))
c = []
counter(c)
counter(c)
print(c)`,
  bound_method_cycle: `import gc
gc.disable()
gc.collect()
class C:
    def method(self):
        return 1
o = C()
o.m = o.method
print(o.m())
del o
print(gc.collect())`,
  live_list_iteration: `l = [1, 2, 3, 4]
for x in l:
    if x == 1:
        l[3] = 40
    if x == 2:
        l.pop()
        l.insert(0, 9)
    print(x)
big = list(range(20000))
t = 0
for x in big:
    t += x
print(t, l)`,
  scopes: `x = 'global'
def show():
    print(x)
def f():
    x = 'local'
    show()
    print([x + str(i) for i in range(2)])
    return x
print(f(), x)`,
  gc_weakref_cycle: `import gc, weakref
gc.disable()
class C:
    def __init__(self):
        self.me = self
def cb(r):
    print('cb', r() is None)
o = C()
r = weakref.ref(o, cb)
del o
print('before')
print(gc.collect())
print(r())`,
  resurrect: `import gc
gc.disable()
saved = []
class C:
    def __del__(self):
        print('del')
        saved.append(self)
c = C()
del c
print(len(saved))
saved.clear()
print('cleared')`,
  strings: `s = 'héllo wörld'
print(s, len(s), s[1], repr(s), 'a' in s, s * 2, str(12345678901234567890), -5 // 3, -5 % 3, 5 % -3, 2 ** 0.5, 10 / 4, 7 // 2.0)
print([], [[1, 2], [3]], ((),), {1: {2: 3}}, {'x': (1, 'y')}, True + True, 3 * False, 1 == True, '' == 0)`,
  while_nested: `i = 0
out = []
while i < 3:
    j = 0
    while j < 3:
        if j == i:
            j += 1
            continue
        out.append((i, j))
        j += 1
    i += 1
print(out, len(out))`,
  gc_counts: `import gc
gc.disable()
gc.collect()
print(gc.get_threshold())
a = [[] for i in range(5)]
print(len(a), gc.is_tracked(a), gc.collect())`,
  slots_del: `class P:
    __slots__ = ('a',)
    def __del__(self):
        print('P del', self.a)
p = P()
p.a = [1, 2]
q = p
p = None
print('still alive')
q = 5
print('done')`,
  runtime_objects_sizes: `import gc, sys, types
def func():
    pass
class Plain:
    pass
class P2:
    def __init__(self):
        pass
class S:
    __slots__ = ('a', 'b')
p2 = P2()
m = types.ModuleType('m')
print(sys.getsizeof(func), sys.getsizeof(len), sys.getsizeof(p2.__init__), sys.getsizeof(Plain), sys.getsizeof(int), sys.getsizeof(m), sys.getsizeof(S), sys.getsizeof(gc))
print(gc.is_tracked(func), gc.is_tracked(len), gc.is_tracked(p2.__init__), gc.is_tracked(Plain), gc.is_tracked(int), gc.is_tracked(m), gc.is_tracked(sys))
print(type(func).__name__ if False else 1, func.__class__ if False else 2)`,
  class_and_function_cycles: `import gc, types
gc.disable()
gc.collect()
class C:
    def f(self):
        return 1
del C
print('class with a method', gc.collect())
class E:
    pass
del E
print('empty class', gc.collect())
class D:
    __slots__ = ()
    def f(self):
        pass
del D
print('slots class', gc.collect())
class K:
    __slots__ = ('a', 'b')
del K
print('class with two slots', gc.collect())
class N:
    def g(self):
        return self
n = N()
del N
print('instance keeps its class', gc.collect(), n.g() is n)
del n
print('then both go', gc.collect())
m = types.ModuleType('m')
m.m = m
m.x = [1, 2]
del m
print('module cycle', gc.collect())
def f():
    return f
print(f() is f)
del f
print('function', gc.collect())`,
  gc_boom_and_module_cycle: `import gc, types
gc.disable()
gc.collect()
class Boom:
    def __getattr__(self, name):
        print('probed', name)
        return 1
a = Boom()
b = Boom()
a.attr = b
b.attr = a
del a, b
print(gc.collect())
class C:
    def __del__(self):
        print('del ran', self.m.__name__)
m = types.ModuleType('m')
m.c = C()
m.c.m = m
del m
print(gc.collect())`,
  int_big: `a = 2 ** 64
b = a * a - 1
print(a, b, b // a, b % a, -b, a > b, a == 18446744073709551616, 10 ** 30 // 7, 1 << 100)
print(int('  123456789012345678901234567890 '), float(2 ** 60), int(1e18))`,
};
