/**
 * Type ids, struct offsets and size rules of CPython 3.11 (64-bit, default
 * build). Offsets are from the object address (the `PyObject *`), in bytes;
 * every word is little-endian in the heap memory.
 */

/** Type id of `None` (`NoneType`). */
export const T_NONE = 1;
/** Type id of `bool`. */
export const T_BOOL = 2;
/** Type id of `int`. */
export const T_INT = 3;
/** Type id of `float`. */
export const T_FLOAT = 4;
/** Type id of `str`. */
export const T_STR = 5;
/** Type id of `bytes`. */
export const T_BYTES = 6;
/** Type id of `bytearray`. */
export const T_BYTEARRAY = 7;
/** Type id of `tuple`. */
export const T_TUPLE = 8;
/** Type id of `list`. */
export const T_LIST = 9;
/** Type id of `dict`. */
export const T_DICT = 10;
/** Type id of `set`. */
export const T_SET = 11;
/** Type id of `frozenset`. */
export const T_FROZENSET = 12;
/** Type id of `object` (a bare `object()`). */
export const T_OBJECT = 13;
/** Type id of `method` (a bound method). */
export const T_METHOD = 14;
/** Type id of `weakref.ReferenceType` (`weakref.ref`). */
export const T_WEAKREF = 15;
/** Type id of `function` (a `def`). */
export const T_FUNCTION = 16;
/** Type id of `builtin_function_or_method` (`len`, a C method bound to its module). */
export const T_BUILTIN_FUNCTION = 17;
/** Type id of `module`. */
export const T_MODULE = 18;
/** Type id of `type`: class objects (heap types) and the static built-in types. */
export const T_TYPE = 19;
/** Type id of `getset_descriptor` (a class's `__dict__` and `__weakref__`). */
export const T_GETSET = 20;
/** Type id of `member_descriptor` (one per `__slots__` name). */
export const T_MEMBER = 21;
/** Type ids of classes made with `ObjectSpace.defineClass` start here. */
export const FIRST_CLASS_ID = 32;

/** Names of the built-in type ids, indexed by id. */
export const BUILTIN_TYPE_NAMES: readonly string[] = ['', 'NoneType', 'bool', 'int', 'float', 'str', 'bytes', 'bytearray', 'tuple', 'list', 'dict', 'set', 'frozenset', 'object', 'method', 'ReferenceType', 'function', 'builtin_function_or_method', 'module', 'type', 'getset_descriptor', 'member_descriptor'];

/** `ob_refcnt` (Py_ssize_t). */
export const OB_REFCNT = 0;
/** `ob_type`: here the type id, not a pointer (type objects are not in the heap). */
export const OB_TYPE = 8;
/** `ob_size` of variable-size objects (int: signed digit count). */
export const OB_SIZE = 16;
/** Size of `PyGC_Head` (`_gc_next`, `_gc_prev`), placed before a GC object. */
export const GC_HEAD = 16;
/** `_gc_next` relative to the object address. */
export const GC_NEXT = -16;
/** `_gc_prev` relative to the object address. */
export const GC_PREV = -8;
/** Managed-dict pre-header (3.11): values pointer at `obj - 32`, dict pointer at `obj - 24`. */
export const MANAGED_VALUES = -32;
/** Managed-dict pre-header: the materialised `__dict__` pointer. */
export const MANAGED_DICT = -24;

/** `PyLongObject.ob_digit`: 30-bit digits in 32-bit words. */
export const INT_DIGITS = 24;
/** `PyFloatObject.ob_fval`. */
export const FLOAT_VALUE = 16;
/** `PyASCIIObject.length`. */
export const STR_LENGTH = 16;
/** `PyASCIIObject.hash` (-1 until computed). */
export const STR_HASH = 24;
/** `PyASCIIObject.state` bit field (interned:2, kind:3, compact:1, ascii:1, ready:1). */
export const STR_STATE = 32;
/** Data of a compact ASCII string (`sizeof(PyASCIIObject)`). */
export const STR_ASCII_DATA = 48;
/** Data of a compact non-ASCII string (`sizeof(PyCompactUnicodeObject)`). */
export const STR_COMPACT_DATA = 72;
/** `PyBytesObject.ob_shash`. */
export const BYTES_HASH = 24;
/** `PyBytesObject.ob_sval`. */
export const BYTES_DATA = 32;
/** `PyByteArrayObject.ob_alloc`. */
export const BYTEARRAY_ALLOC = 24;
/** `PyByteArrayObject.ob_bytes`. */
export const BYTEARRAY_BYTES = 32;
/** `PyTupleObject.ob_item[0]`. */
export const TUPLE_ITEMS = 24;
/** `PyListObject.ob_item` (pointer to the items array). */
export const LIST_ITEMS = 24;
/** `PyListObject.allocated`. */
export const LIST_ALLOCATED = 32;
/** `PyDictObject.ma_used`. */
export const DICT_USED = 16;
/** `PyDictObject.ma_version_tag`. */
export const DICT_VERSION = 24;
/** `PyDictObject.ma_keys`. */
export const DICT_KEYS = 32;
/** `PyDictObject.ma_values` (split tables only). */
export const DICT_VALUES = 40;
/** `PyDictKeysObject.dk_refcnt` (offsets from the keys block). */
export const DK_REFCNT = 0;
/** `dk_log2_size` (byte). */
export const DK_LOG2_SIZE = 8;
/** `dk_log2_index_bytes` (byte). */
export const DK_LOG2_INDEX_BYTES = 9;
/** `dk_kind` (byte): 0 general, 1 unicode, 2 split. */
export const DK_KIND = 10;
/** `dk_usable`. */
export const DK_USABLE = 16;
/** `dk_nentries`. */
export const DK_NENTRIES = 24;
/** `dk_indices`: 1, 2, 4 or 8-byte signed slots, then the entries. */
export const DK_INDICES = 32;
/** `dk_kind` of a table with any hashable keys (24-byte entries: hash, key, value). */
export const DICT_KEYS_GENERAL = 0;
/** `dk_kind` of a table with only exact-str keys (16-byte entries: key, value). */
export const DICT_KEYS_UNICODE = 1;
/** `dk_kind` of the shared keys of a class (split tables). */
export const DICT_KEYS_SPLIT = 2;
/** `PySetObject.fill`. */
export const SET_FILL = 16;
/** `PySetObject.used`. */
export const SET_USED = 24;
/** `PySetObject.mask`. */
export const SET_MASK = 32;
/** `PySetObject.table`. */
export const SET_TABLE = 40;
/** `PySetObject.hash` (frozenset's cached hash). */
export const SET_HASH = 48;
/** `PySetObject.smalltable`: 8 entries of 16 bytes (key, hash). */
export const SET_SMALLTABLE = 64;
/** Slots of a class instance start after the object header. */
export const INSTANCE_SLOTS = 16;

/** `sizeof(PyListObject)` + GC head. */
export const LIST_BLOCK = 56;
/** `sizeof(PyDictObject)` + GC head. */
export const DICT_BLOCK = 64;
/** `sizeof(PySetObject)` + GC head. */
export const SET_BLOCK = 216;
/** `PySet_MINSIZE`. */
export const SET_MINSIZE = 8;
/** `PyDict_LOG_MINSIZE`. */
export const DICT_LOG_MINSIZE = 3;
/** `_PyTrash_UNWIND_LEVEL`. */
export const TRASHCAN_UNWIND_LEVEL = 50;
/** `PyFloat_MAXFREELIST`. */
export const FLOAT_FREELIST_MAX = 100;
/** `PyTuple_NFREELISTS`: tuples of length 1..20 have free lists. */
export const TUPLE_NFREELISTS = 20;
/** `PyTuple_MAXFREELIST`. */
export const TUPLE_FREELIST_MAX = 2000;
/** `PyList_MAXFREELIST`. */
export const LIST_FREELIST_MAX = 80;
/** `PyDict_MAXFREELIST` (dicts, and keys objects of the minimum size with unicode keys). */
export const DICT_FREELIST_MAX = 80;
/** `SHARED_KEYS_MAX_SIZE`: initial `dk_usable` of a class's shared keys. */
export const SHARED_KEYS_MAX_SIZE = 30;
/** `NEXT_LOG2_SHARED_KEYS_MAX_SIZE`: log2 size of a class's shared keys. */
export const SHARED_KEYS_LOG2 = 6;

/** Request size of an int with `ndigits` 30-bit digits (at least one, even for 0). */
export function intBlockSize(ndigits: number): number {
  return 24 + 4 * Math.max(ndigits, 1);
}

/** Request size of a tuple of `n` items: GC head + 24 + 8n. */
export function tupleBlockSize(n: number): number {
  return GC_HEAD + 24 + 8 * n;
}

/** Request size of a compact str of `len` characters of `kind` bytes each (ASCII when `ascii`). */
export function strBlockSize(len: number, kind: number, ascii: boolean): number {
  return ascii ? STR_ASCII_DATA + len + 1 : STR_COMPACT_DATA + (len + 1) * kind;
}

/**
 * Capacity list_resize picks for `newsize` items when the current size is
 * `oldsize` (3.11): `(n + (n >> 3) + 6) & ~3`, not over-allocated when the
 * jump is larger than the padding, 0 for an empty list.
 */
export function listCapacity(newsize: number, oldsize: number): number {
  let cap = (newsize + (newsize >>> 3) + 6) & ~3;
  if (newsize - oldsize > cap - newsize) cap = (newsize + 3) & ~3;
  if (newsize === 0) cap = 0;
  return cap;
}

/** `USABLE_FRACTION`: entries a keys object of `2**log2` slots can hold. */
export function usableFraction(log2: number): number {
  return Math.floor((2 ** log2 * 2) / 3);
}

/** log2 of the index width in bytes of a keys object of `2**log2` slots. */
export function log2IndexBytes(log2: number): number {
  return log2 < 8 ? log2 : log2 < 16 ? log2 + 1 : log2 < 32 ? log2 + 2 : log2 + 3;
}

/** Request size of a dict keys object: 32-byte header, indices, usable entries of 16 (unicode) or 24 bytes. */
export function keysBlockSize(log2: number, unicode: boolean): number {
  return DK_INDICES + 2 ** log2IndexBytes(log2) + (unicode ? 16 : 24) * usableFraction(log2);
}

/**
 * `calculate_log2_keysize` of 3.11, bit for bit: `bit_length(((minsize | 8) - 1) | 7)`.
 * Not always the smallest power of two >= minsize: 1..7 give 16 slots (log2 4),
 * which a unicode table converted to a general one with 1 or 2 entries gets.
 */
export function log2KeysizeFor(minsize: number): number {
  const m = ((minsize | 8) - 1) | 7;
  return 32 - Math.clz32(m);
}

/** Byte size of a split-dict values array for `size` slots: insertion-order prefix + pointers. */
export function valuesBlockSize(size: number): number {
  return valuesPrefix(size) + 8 * size;
}

/** Prefix bytes before a values array (`_Py_SIZE_ROUND_UP(size + 2, 8)`). */
export function valuesPrefix(size: number): number {
  return (size + 2 + 7) & ~7;
}

/** Largest small int kept as a static object. */
export const MAX_SMALL_INT = 256;
/** Smallest small int kept as a static object. */
export const MIN_SMALL_INT = -5;
/** `DKIX_EMPTY`: an unused dict index slot. */
export const DKIX_EMPTY = -1;
/** `LINEAR_PROBES` of set lookups. */
export const LINEAR_PROBES = 9;
/** 2**32. */
export const TWO32 = 4294967296;

/** `PyMethodObject.im_func`. */
export const METHOD_FUNC = 16;
/** `PyMethodObject.im_self`. */
export const METHOD_SELF = 24;
/** `PyMethodObject.im_weakreflist`. */
export const METHOD_WEAKREFS = 32;
/** Request size of a bound method: GC head + 48. */
export const METHOD_BLOCK = 64;
/** `PyWeakReference.wr_object` (None once cleared). */
export const WR_OBJECT = 16;
/** `PyWeakReference.wr_callback`: here a callback id + 1 (0: none); callbacks are JS functions. */
export const WR_CALLBACK = 24;
/** `PyWeakReference.hash`. */
export const WR_HASH = 32;
/** `PyWeakReference.wr_prev`. */
export const WR_PREV = 40;
/** `PyWeakReference.wr_next`. */
export const WR_NEXT = 48;
/** Request size of a `weakref.ref`: GC head + 64. */
export const WEAKREF_BLOCK = 80;
/** `PySetObject.weakreflist`. */
export const SET_WEAKREFS = 192;
/** `NUM_GENERATIONS`. */
export const NUM_GENERATIONS = 3;
/** GC flag (high word of `_gc_prev`): `tp_finalize` was called (`_PyGC_PREV_MASK_FINALIZED`). */
export const GC_FLAG_FINALIZED = 1;
/** GC flag: in the set being collected (`_PyGC_PREV_MASK_COLLECTING`). */
export const GC_FLAG_COLLECTING = 2;
/** GC flag: tentatively unreachable (`NEXT_MASK_UNREACHABLE`). */
export const GC_FLAG_UNREACHABLE = 4;

/** `PyFunctionObject.func_globals` (fields of a function, 8 bytes each from here: builtins, name, qualname, code, defaults, kwdefaults, closure, doc, dict, weakreflist, module, annotations). */
export const FUNC_GLOBALS = 16;
/** `func_builtins`. */
export const FUNC_BUILTINS = 24;
/** `func_name`. */
export const FUNC_NAME = 32;
/** `func_qualname`. */
export const FUNC_QUALNAME = 40;
/** `func_code` (code objects are not modelled: 0). */
export const FUNC_CODE = 48;
/** `func_defaults`. */
export const FUNC_DEFAULTS = 56;
/** `func_kwdefaults`. */
export const FUNC_KWDEFAULTS = 64;
/** `func_closure`. */
export const FUNC_CLOSURE = 72;
/** `func_doc`. */
export const FUNC_DOC = 80;
/** `func_dict`. */
export const FUNC_DICT = 88;
/** `func_weakreflist`. */
export const FUNC_WEAKREFS = 96;
/** `func_module`. */
export const FUNC_MODULE = 104;
/** `func_annotations`. */
export const FUNC_ANNOTATIONS = 112;
/** Request size of a function: GC head + `sizeof(PyFunctionObject)` (136). */
export const FUNC_BLOCK = 152;
/** `PyCFunctionObject.m_self`. */
export const CFUNC_SELF = 24;
/** `PyCFunctionObject.m_module`. */
export const CFUNC_MODULE = 32;
/** `PyCFunctionObject.m_weakreflist`. */
export const CFUNC_WEAKREFS = 40;
/** Request size of a builtin function: GC head + 56. */
export const CFUNC_BLOCK = 72;
/** `PyModuleObject.md_dict`. */
export const MODULE_DICT = 16;
/** `PyModuleObject.md_weaklist`. */
export const MODULE_WEAKREFS = 40;
/** `PyModuleObject.md_name`. */
export const MODULE_NAME = 48;
/** Request size of a module: GC head + 56. */
export const MODULE_BLOCK = 72;
/** `sizeof(PyTypeObject)`: a static type (its `sys.getsizeof` is this + 16). */
export const STATIC_TYPE_SIZE = 408;
/** `sizeof(PyHeapTypeObject)`: a class's `type.__sizeof__` before its cached keys. */
export const HEAP_TYPE_SIZE = 904;
/** `tp_itemsize` of `type` (`sizeof(PyMemberDef)`): a class object has one per slot, plus a sentinel. */
export const TYPE_ITEM_SIZE = 40;
/** `PyTypeObject.tp_base`. */
export const TYPE_BASE = 256;
/** `tp_dict`. */
export const TYPE_DICT = 264;
/** `tp_bases`. */
export const TYPE_BASES = 336;
/** `tp_mro`. */
export const TYPE_MRO = 344;
/** `tp_weaklist`. */
export const TYPE_WEAKREFS = 368;
/** `tp_version_tag`'s word: here the model's type id of the class (or built-in type) the type object stands for. */
export const TYPE_ID = 384;
/** `PyHeapTypeObject.ht_name`. */
export const HT_NAME = 848;
/** `ht_slots`. */
export const HT_SLOTS = 856;
/** `ht_qualname`. */
export const HT_QUALNAME = 864;
/** `ht_cached_keys`. */
export const HT_CACHED_KEYS = 872;
/** `PyDescrObject.d_type` (getset and member descriptors). */
export const DESCR_TYPE = 16;
/** `d_name`. */
export const DESCR_NAME = 24;
/** Request size of a getset or member descriptor: GC head + 48. */
export const DESCR_BLOCK = 64;
