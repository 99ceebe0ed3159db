/*
 * pymem_capture.c: records every request that reaches CPython's small-object
 * allocator (domains MEM and OBJ) and every call of its arena allocator, in
 * the PYMTRC01 raw capture format, from an LD_PRELOAD library.
 *
 * Part of @pymem/capture (MIT). Built by `pymem capture` with
 *   cc -O2 -shared -fPIC -I<include> -L<libdir> -l:<libpython> -Wl,-rpath,<libdir>
 *
 * Environment:
 *   PYMEM_CAPTURE_OUT       capture file; unset or empty: the library does nothing
 *   PYMEM_CAPTURE_STATS     stats file: one sys._debugmallocstats() dump per mark
 *   PYMEM_CAPTURE_CHILDREN  "1": child processes are traced too, each into
 *                           OUT.<pid> (and STATS.<pid>); otherwise the library
 *                           removes itself from the environment of children
 *
 * Rules the hooks keep: they run only with the GIL held (MEM and OBJ require
 * it; pymalloc calls the arena allocator under it), so there is no locking;
 * they never allocate: records go to a static buffer written out with
 * write(2) when it fills, at each mark and at exit. A record is logged after
 * the wrapped call returned, so the arena events a request caused come before
 * the request's own record.
 */
#define _GNU_SOURCE
#include <Python.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "pymem_capture writes little-endian records by copying native integers"
#endif
#if SIZEOF_VOID_P != 8
#error "PYMTRC01 captures are written by 64-bit interpreters only"
#endif

#define PYMEM_EXPORT __attribute__((visibility("default")))

enum {
  OP_MALLOC = 1,
  OP_CALLOC = 2,
  OP_REALLOC = 3,
  OP_FREE = 4,
  OP_ARENA_ALLOC = 5,
  OP_ARENA_FREE = 6,
  OP_MARK = 7,
  OP_END = 8,
};
enum { DOMAIN_NONE = 0, DOMAIN_MEM = 1, DOMAIN_OBJ = 2, DOMAIN_ARENA = 3 };

#define HEADER_SIZE 40
#define BUFFER_SIZE (1u << 20)
#define MAX_LABEL 4096
/* Largest non-mark record: realloc = tag + ptr + escaped size + ptr. */
#define MAX_RECORD 32
#define SIZE_ESCAPE 0xFFFFFFFFu

/* One wrapped domain: the table we forward to and the domain's tag bits. */
struct wrapped_domain {
  PyMemAllocatorEx next;
  unsigned char tag_domain;
};

static struct wrapped_domain mem_domain = {.tag_domain = DOMAIN_MEM << 4};
static struct wrapped_domain obj_domain = {.tag_domain = DOMAIN_OBJ << 4};
static PyMemAllocatorEx mem_hooks, obj_hooks;
static PyObjectArenaAllocator arena_next, arena_hooks;

static unsigned char buffer[BUFFER_SIZE];
static size_t used;
static uint64_t records;
static uint32_t marks;
static int logging;
static int out_fd = -1;
static int stats_fd = -1;
static int trace_children;
static int is_child;
static char out_base[4096], stats_base[4096];
static char out_path[4200], stats_path[4200];
static char clean_label[MAX_LABEL + 1];

/* Private CPython functions, looked up at run time: their presence and
   signatures vary between versions, and a missing one must not stop the
   library from loading. */
typedef Py_ssize_t (*allocated_blocks_fn)(void);
typedef int (*malloc_stats_fn)(FILE *);
typedef void (*type_stats_fn)(FILE *);
static allocated_blocks_fn allocated_blocks;
static malloc_stats_fn malloc_stats;
static type_stats_fn type_stats;

/* ---- output ------------------------------------------------------------ */

static void say(const char *a, const char *b, const char *c) {
  /* Messages to stderr without stdio buffers or allocation. */
  const char *parts[4] = {"pymem-capture: ", a, b, c};
  for (int i = 0; i < 4; i++) {
    if (parts[i] == NULL) continue;
    size_t len = strlen(parts[i]);
    while (len > 0) {
      ssize_t n = write(2, parts[i], len);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      parts[i] += n;
      len -= (size_t)n;
    }
  }
}

/* Writes all of `len` bytes; returns 0, or the errno of the failure. */
static int write_all(int fd, const void *data, size_t len) {
  const unsigned char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static void stop_logging(void) {
  logging = 0;
  used = 0;
  if (out_fd >= 0) close(out_fd);
  if (stats_fd >= 0) close(stats_fd);
  out_fd = stats_fd = -1;
}

/* Writes the buffer out. On a write error the capture stops (the file keeps
   every whole record written so far and has no end record). */
static int open_outputs(void);

static void flush_buffer(void) {
  if (used == 0) return;
  int saved_errno = errno;
  if (out_fd < 0 && (!logging || open_outputs() != 0)) {
    stop_logging();
    errno = saved_errno;
    return;
  }
  int err = write_all(out_fd, buffer, used);
  used = 0;
  if (err != 0) {
    say("cannot write ", out_path, ": ");
    say(strerror(err), "; the capture stops here\n", NULL);
    stop_logging();
  }
  errno = saved_errno;
}

static inline void room(size_t need) {
  if (BUFFER_SIZE - used < need) flush_buffer();
}
static inline void put8(unsigned v) { buffer[used++] = (unsigned char)v; }
static inline void put16(uint16_t v) { memcpy(buffer + used, &v, 2); used += 2; }
static inline void put32(uint32_t v) { memcpy(buffer + used, &v, 4); used += 4; }
static inline void put64(uint64_t v) { memcpy(buffer + used, &v, 8); used += 8; }
static inline void put_ptr(const void *p) { put64((uint64_t)(uintptr_t)p); }
static inline void put_size(size_t v) {
  if (v >= SIZE_ESCAPE) {
    put32(SIZE_ESCAPE);
    put64((uint64_t)v);
  } else {
    put32((uint32_t)v);
  }
}

/* ---- the hooks ---------------------------------------------------------- */

static void finish_capture(void);
static int exit_hook_registered;

/* Py_AtExit functions run at the very end of Py_FinalizeEx, after the
   interpreter was deleted. The capture ends there rather than in the
   library's destructor when it can, because a process can die between the
   two: after an unhandled KeyboardInterrupt CPython finalizes and then kills
   itself with SIGINT. Registration happens at the first request, since the
   runtime state that holds the list is reset when the runtime initializes,
   before any MEM or OBJ request. Py_AtExit only stores the pointer. */
static inline void register_exit_hook(void) {
  if (exit_hook_registered) return;
  exit_hook_registered = 1;
  Py_AtExit(finish_capture);
}

static void *hook_malloc(void *ctx, size_t size) {
  register_exit_hook();
  struct wrapped_domain *d = ctx;
  void *p = d->next.malloc(d->next.ctx, size);
  if (logging) {
    room(MAX_RECORD);
    put8(OP_MALLOC | d->tag_domain);
    put_size(size);
    put_ptr(p);
    records++;
  }
  return p;
}

static void *hook_calloc(void *ctx, size_t nelem, size_t elsize) {
  register_exit_hook();
  struct wrapped_domain *d = ctx;
  void *p = d->next.calloc(d->next.ctx, nelem, elsize);
  if (logging) {
    room(MAX_RECORD);
    put8(OP_CALLOC | d->tag_domain);
    put_size(nelem);
    put_size(elsize);
    put_ptr(p);
    records++;
  }
  return p;
}

static void *hook_realloc(void *ctx, void *old, size_t size) {
  register_exit_hook();
  struct wrapped_domain *d = ctx;
  void *p = d->next.realloc(d->next.ctx, old, size);
  if (logging) {
    room(MAX_RECORD);
    put8(OP_REALLOC | d->tag_domain);
    put_ptr(old);
    put_size(size);
    put_ptr(p);
    records++;
  }
  return p;
}

static void hook_free(void *ctx, void *ptr) {
  struct wrapped_domain *d = ctx;
  d->next.free(d->next.ctx, ptr);
  if (logging) {
    room(MAX_RECORD);
    put8(OP_FREE | d->tag_domain);
    put_ptr(ptr);
    records++;
  }
}

static void *hook_arena_alloc(void *ctx, size_t size) {
  (void)ctx;
  void *p = arena_next.alloc(arena_next.ctx, size);
  if (logging) {
    room(MAX_RECORD);
    put8(OP_ARENA_ALLOC | DOMAIN_ARENA << 4);
    put_size(size);
    put_ptr(p);
    records++;
  }
  return p;
}

static void hook_arena_free(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  arena_next.free(arena_next.ctx, ptr, size);
  if (logging) {
    room(MAX_RECORD);
    put8(OP_ARENA_FREE | DOMAIN_ARENA << 4);
    put_ptr(ptr);
    put_size(size);
    records++;
  }
}

static int hooks_in_place(void) {
  PyMemAllocatorEx cur;
  PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &cur);
  if (cur.malloc != hook_malloc) return 0;
  PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &cur);
  return cur.malloc == hook_malloc;
}

/* ---- marks and statistics dumps ----------------------------------------- */

/* Label bytes with control characters (newlines would break the stats file)
   replaced by spaces, truncated to MAX_LABEL bytes. */
static size_t sanitize_label(const char *label) {
  size_t len = 0;
  if (label != NULL) {
    for (; len < MAX_LABEL && label[len] != '\0'; len++) {
      unsigned char c = (unsigned char)label[len];
      clean_label[len] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
    }
  }
  clean_label[len] = '\0';
  return len;
}

static void write_mark_record(uint32_t id, size_t len) {
  room(1 + 4 + 2 + len);
  put8(OP_MARK | DOMAIN_NONE << 4);
  put32(id);
  put16((uint16_t)len);
  memcpy(buffer + used, clean_label, len);
  used += len;
  records++;
}

/* Appends `### MARK id label events=n`, the text sys._debugmallocstats()
   prints (pymalloc's report, a blank line, the type free lists unless
   `with_types` is 0), and `### END MARK id` to the stats file. pymalloc
   reports only when the OBJ domain is pymalloc itself, so the wrapped tables
   are put back for the dump; neither report allocates. */
static void dump_stats(uint32_t id, uint64_t events, int with_types) {
  char line[MAX_LABEL + 96];
  int n = snprintf(line, sizeof line, "### MARK %u %s events=%llu\n", id, clean_label, (unsigned long long)events);
  if (n < 0 || write_all(stats_fd, line, (size_t)n) != 0) return;

  PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &mem_domain.next);
  PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &obj_domain.next);
  fflush(stderr);
  int saved = dup(2);
  if (dup2(stats_fd, 2) >= 0) {
    int printed = malloc_stats != NULL ? malloc_stats(stderr) : 0;
    if (printed) fputc('\n', stderr);
    if (with_types && type_stats != NULL) type_stats(stderr);
    fflush(stderr);
    if (saved >= 0) dup2(saved, 2);
    else close(2);
  }
  if (saved >= 0) close(saved);
  PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &mem_hooks);
  PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &obj_hooks);

  n = snprintf(line, sizeof line, "### END MARK %u\n", id);
  if (n > 0) write_all(stats_fd, line, (size_t)n);
}

/* Called from Python (pymem_capture.mark) with the GIL held. Writes a mark
   record and, with a stats file, the statistics at this point. Returns the
   mark id, 0 when nothing is being captured, -1 without the GIL. */
PYMEM_EXPORT int pymem_capture_mark(const char *label) {
  if (!logging) return 0;
  if (!PyGILState_Check()) {
    say("pymem_capture_mark called without the GIL (use ctypes.PyDLL, not CDLL): mark ignored\n", NULL, NULL);
    return -1;
  }
  if (!hooks_in_place()) {
    say("the allocator hooks were replaced (PYTHONMALLOC, -X dev, a debug build?): the capture is incomplete\n", NULL, NULL);
  }
  size_t len = sanitize_label(label);
  uint32_t id = ++marks;
  write_mark_record(id, len);
  uint64_t events = records;
  flush_buffer();
  if (stats_fd >= 0) dump_stats(id, events, 1);
  return (int)id;
}

/* ---- set up and tear down ----------------------------------------------- */

static void write_header(void) {
  PyMemAllocatorEx raw, mem, obj;
  PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &raw);
  PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &mem);
  PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &obj);
  int mem_is_obj = mem.malloc == obj.malloc && mem.calloc == obj.calloc && mem.realloc == obj.realloc && mem.free == obj.free;
  int differs_from_raw = mem.malloc != raw.malloc || mem.calloc != raw.calloc || mem.realloc != raw.realloc || mem.free != raw.free;
  int64_t escaped = allocated_blocks != NULL ? (int64_t)allocated_blocks() : 0;
  used = 0;
  memcpy(buffer, "PYMTRC01", 8);
  used = 8;
  put32(1);
  put32(8);
  put32((uint32_t)getpid());
  put32((uint32_t)(mem_is_obj | differs_from_raw << 1));
  put64((uint64_t)escaped);
  put32(PY_VERSION_HEX);
  put32(0);
}

/* Names the outputs: OUT (and STATS), or OUT.<pid> for a traced child. */
static void name_outputs(int child) {
  if (child) {
    snprintf(out_path, sizeof out_path, "%s.%d", out_base, (int)getpid());
    snprintf(stats_path, sizeof stats_path, "%s.%d", stats_base, (int)getpid());
  } else {
    snprintf(out_path, sizeof out_path, "%s", out_base);
    snprintf(stats_path, sizeof stats_path, "%s", stats_base);
  }
}

/* Opens the outputs: at start for the traced program, at the first flush
   for a child (so a child that never runs Python, or leaves with _exit
   before allocating, leaves no file). */
static int open_outputs(void) {
  out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0) {
    say("cannot open ", out_path, ": ");
    say(strerror(errno), "; nothing is captured\n", NULL);
    return -1;
  }
  if (stats_base[0] != '\0') {
    stats_fd = open(stats_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (stats_fd < 0) {
      say("cannot open ", stats_path, ": ");
      say(strerror(errno), "; marks are recorded without statistics\n", NULL);
    }
  }
  return 0;
}

/* Removes this library from LD_PRELOAD (entries separated by ':' or ' '). */
static void drop_from_preload(void) {
  static char kept[8192];
  const char *preload = getenv("LD_PRELOAD");
  Dl_info self;
  if (preload == NULL || dladdr((void *)pymem_capture_mark, &self) == 0 || self.dli_fname == NULL) return;
  const char *self_base = strrchr(self.dli_fname, '/');
  self_base = self_base != NULL ? self_base + 1 : self.dli_fname;
  size_t self_base_len = strlen(self_base);
  size_t k = 0;
  const char *p = preload;
  while (*p != '\0') {
    while (*p == ':' || *p == ' ') p++;
    const char *start = p;
    while (*p != '\0' && *p != ':' && *p != ' ') p++;
    size_t len = (size_t)(p - start);
    if (len == 0) continue;
    const char *base = start;
    for (const char *q = start; q < p; q++) {
      if (*q == '/') base = q + 1;
    }
    int is_self = (size_t)(p - base) == self_base_len && memcmp(base, self_base, self_base_len) == 0;
    if (is_self || k + len + 2 > sizeof kept) continue;
    if (k > 0) kept[k++] = ':';
    memcpy(kept + k, start, len);
    k += len;
  }
  kept[k] = '\0';
  if (k == 0) unsetenv("LD_PRELOAD");
  else setenv("LD_PRELOAD", kept, 1);
}

static void after_fork_in_child(void) {
  if (!logging) return;
  used = 0; /* what is buffered belongs to the parent, which writes it */
  if (out_fd >= 0) close(out_fd);
  if (stats_fd >= 0) close(stats_fd);
  out_fd = stats_fd = -1;
  if (!trace_children) {
    logging = 0;
    return;
  }
  records = 0;
  marks = 0;
  is_child = 1;
  name_outputs(1);
  /* The child starts with its parent's heap: the header's escaped-block
     count says how much of it the capture does not show. */
  write_header();
}

__attribute__((constructor)) static void pymem_capture_start(void) {
  const char *out = getenv("PYMEM_CAPTURE_OUT");
  if (out == NULL || out[0] == '\0') return;
  const char *stats = getenv("PYMEM_CAPTURE_STATS");
  const char *children = getenv("PYMEM_CAPTURE_CHILDREN");
  trace_children = children != NULL && strcmp(children, "1") == 0;
  int child = getenv("PYMEM_CAPTURE_PARENT") != NULL;
  is_child = child;
  snprintf(out_base, sizeof out_base, "%s", out);
  snprintf(stats_base, sizeof stats_base, "%s", stats != NULL ? stats : "");

  if (trace_children) {
    if (!child) {
      char pid[16];
      snprintf(pid, sizeof pid, "%d", (int)getpid());
      setenv("PYMEM_CAPTURE_PARENT", pid, 1);
    }
  } else {
    drop_from_preload();
    unsetenv("PYMEM_CAPTURE_OUT");
    unsetenv("PYMEM_CAPTURE_STATS");
    unsetenv("PYMEM_CAPTURE_CHILDREN");
  }

  const char *pythonmalloc = getenv("PYTHONMALLOC");
  if (pythonmalloc != NULL && pythonmalloc[0] != '\0') {
    say("PYTHONMALLOC is set: CPython would replace the capture's allocator hooks; nothing is captured (unset PYTHONMALLOC)\n", NULL, NULL);
    return;
  }

  allocated_blocks = (allocated_blocks_fn)dlsym(RTLD_DEFAULT, "_Py_GetAllocatedBlocks");
  malloc_stats = (malloc_stats_fn)dlsym(RTLD_DEFAULT, "_PyObject_DebugMallocStats");
  type_stats = (type_stats_fn)dlsym(RTLD_DEFAULT, "_PyObject_DebugTypeStats");
#if PY_VERSION_HEX >= 0x030C0000
  /* From 3.12 the count reads per-interpreter state that does not exist
     before the runtime is initialized; nothing can have been allocated yet. */
  allocated_blocks = NULL;
#endif

  name_outputs(child);
  if (!child && open_outputs() != 0) return;

  write_header();
  PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &mem_domain.next);
  PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &obj_domain.next);
  PyObject_GetArenaAllocator(&arena_next);
  mem_hooks = (PyMemAllocatorEx){&mem_domain, hook_malloc, hook_calloc, hook_realloc, hook_free};
  obj_hooks = (PyMemAllocatorEx){&obj_domain, hook_malloc, hook_calloc, hook_realloc, hook_free};
  arena_hooks = (PyObjectArenaAllocator){NULL, hook_arena_alloc, hook_arena_free};
  logging = 1;
  PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &mem_hooks);
  PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &obj_hooks);
  PyObject_SetArenaAllocator(&arena_hooks);
  pthread_atfork(NULL, NULL, after_fork_in_child);
}

/* Runs after the interpreter finalized (from Py_AtExit, or from the
   library's destructor after main() returned when Py_FinalizeEx did not run
   it): the last statistics dump ('atexit', pymalloc's report only: the type
   free lists are gone with the interpreter), then the end record. Requests
   after it are forwarded but not logged. */
static void finish_capture(void) {
  if (!logging) return;
  if (records == 0 && is_child) {
    /* A traced child that never ran Python (a shell, a compiler): no file. */
    stop_logging();
    return;
  }
  if (!hooks_in_place()) {
    say("the allocator hooks were replaced (PYTHONMALLOC, -X dev, a debug build?): the capture is incomplete\n", NULL, NULL);
  }
  size_t len = sanitize_label("atexit");
  uint32_t id = ++marks;
  write_mark_record(id, len);
  uint64_t events = records;
  flush_buffer();
#if PY_VERSION_HEX < 0x030C0000
  if (stats_fd >= 0) dump_stats(id, events, 0);
#else
  /* 3.12+ keeps pymalloc's state in the interpreter, gone by now. */
  (void)events;
#endif
  if (!logging) return;
  room(1 + 8);
  put8(OP_END | DOMAIN_NONE << 4);
  put64(records);
  flush_buffer();
  logging = 0;
  if (out_fd >= 0) close(out_fd);
  if (stats_fd >= 0) close(stats_fd);
  out_fd = stats_fd = -1;
}

__attribute__((destructor)) static void pymem_capture_finish(void) {
  finish_capture();
}
