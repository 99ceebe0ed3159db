/*
 * Native peers of the @pymem/arena benchmark: replays one stream of the
 * stream file written by bench/streams.mjs through glibc malloc/free, or
 * (built with -DWITH_PYTHON) through libpython's PyObject_Malloc/PyObject_Free
 * — CPython's pymalloc, the allocator @pymem/arena models.
 *
 *   bench <stream-file> <stream-name>
 *
 * Runs the stream once (the harness starts one process per run, so every run
 * starts from a fresh allocator, as the JS peers do) and prints one JSON line:
 *   {"peer":"glibc","stream":"A","ops":N,"ns":T,"nulls":K,"phases":[{"ops":..,"ns":..},..]}
 * The stream and the pointer table are read and touched before timing;
 * timing is clock_gettime(CLOCK_MONOTONIC) around each of the two phases.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef WITH_PYTHON
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define PEER "pymalloc"
#define ALLOC(n) PyObject_Malloc(n)
#define FREE(p) PyObject_Free(p)
/* pymalloc's count of live blocks (declared in an internal header; the symbol
 * is exported). It moves only when PyObject_Malloc really is pymalloc, so it
 * proves which allocator ran. It walks the arenas: call it outside timing. */
PyAPI_FUNC(Py_ssize_t) _Py_GetAllocatedBlocks(void);
#define BLOCKS() ((long long)_Py_GetAllocatedBlocks())
#else
#define PEER "glibc"
#define ALLOC(n) malloc(n)
#define FREE(p) free(p)
#define BLOCKS() (-1LL)
#endif

#define FILE_HEADER_BYTES 16
#define STREAM_HEADER_BYTES 48

static void die(const char *what) {
  fprintf(stderr, "bench (" PEER "): %s: %s\n", what, errno ? strerror(errno) : "bad input");
  exit(1);
}

/* Reads exactly `len` bytes at `off` into `dst`. */
static void read_at(int fd, void *dst, size_t len, uint64_t off) {
  char *p = dst;
  while (len > 0) {
    ssize_t n = pread(fd, p, len, (off_t)off);
    if (n <= 0) die("read");
    p += n;
    len -= (size_t)n;
    off += (uint64_t)n;
  }
}

/* Memory for the stream and the table, kept apart from the allocator under test. */
static void *region(size_t len) {
  void *p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap");
  memset(p, 0, len); /* touch every page before timing */
  return p;
}

static uint32_t u32le(const unsigned char *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t u64le(const unsigned char *b) {
  return (uint64_t)u32le(b) | (uint64_t)u32le(b + 4) << 32;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The timed loop: the same shape as bench/loops.mjs runAddressOps. */
__attribute__((noinline)) static uint64_t run_ops(const uint16_t *sizes, const uint32_t *slots, void **ptrs,
                                                  uint32_t from, uint32_t to) {
  uint64_t nulls = 0;
  for (uint32_t i = from; i < to; i++) {
    uint32_t size = sizes[i];
    uint32_t slot = slots[i];
    if (size == 0) {
      FREE(ptrs[slot]);
    } else {
      void *p = ALLOC(size);
      if (p == NULL) nulls++;
      ptrs[slot] = p;
    }
  }
  return nulls;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <stream-file> <stream-name>\n", argv[0]);
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) die(argv[1]);
  unsigned char head[FILE_HEADER_BYTES];
  read_at(fd, head, sizeof head, 0);
  errno = 0;
  if (memcmp(head, "PYMBENCH", 8) != 0 || u32le(head + 8) != 1) die("not a v1 stream file");
  uint32_t count = u32le(head + 12);

  uint32_t ops = 0, slot_count = 0, split = 0;
  uint64_t sizes_off = 0, slots_off = 0;
  int found = 0;
  for (uint32_t i = 0; i < count && !found; i++) {
    unsigned char sh[STREAM_HEADER_BYTES];
    read_at(fd, sh, sizeof sh, FILE_HEADER_BYTES + (uint64_t)STREAM_HEADER_BYTES * i);
    char name[9] = {0};
    memcpy(name, sh, 8);
    if (strcmp(name, argv[2]) == 0) {
      found = 1;
      ops = u32le(sh + 8);
      slot_count = u32le(sh + 12);
      split = u32le(sh + 16);
      sizes_off = u64le(sh + 24);
      slots_off = u64le(sh + 32);
    }
  }
  errno = 0;
  if (!found || split > ops) die("stream not found");

  uint16_t *sizes = region((size_t)ops * sizeof *sizes);
  uint32_t *slots = region((size_t)ops * sizeof *slots);
  void **ptrs = region((size_t)slot_count * sizeof *ptrs);
  read_at(fd, sizes, (size_t)ops * sizeof *sizes, sizes_off);
  read_at(fd, slots, (size_t)ops * sizeof *slots, slots_off);
  close(fd);
  for (uint32_t i = 0; i < ops; i++) {
    if (slots[i] >= slot_count) {
      errno = 0;
      die("slot out of range");
    }
  }

#ifdef WITH_PYTHON
  /* After this the main thread holds the GIL, which PyObject_Malloc requires. */
  Py_InitializeEx(0);
#endif

  /* Phase 1 of every stream only mallocs, so pymalloc's block count must grow
   * by exactly `split` over it (-1 for glibc: no such counter). */
  long long blocks0 = BLOCKS();
  uint64_t t0 = now_ns();
  uint64_t nulls = run_ops(sizes, slots, ptrs, 0, split);
  uint64_t t1 = now_ns();
  long long blocks1 = BLOCKS();
  uint64_t t2 = now_ns();
  nulls += run_ops(sizes, slots, ptrs, split, ops);
  uint64_t t3 = now_ns();

  printf("{\"peer\":\"" PEER "\",\"stream\":\"%s\",\"ops\":%u,\"ns\":%llu,\"nulls\":%llu,"
         "\"phase1BlocksDelta\":%lld,\"phases\":[{\"ops\":%u,\"ns\":%llu},{\"ops\":%u,\"ns\":%llu}]}\n",
         argv[2], ops, (unsigned long long)((t1 - t0) + (t3 - t2)), (unsigned long long)nulls,
         blocks0 < 0 ? -1LL : blocks1 - blocks0, split, (unsigned long long)(t1 - t0), ops - split,
         (unsigned long long)(t3 - t2));
  fflush(stdout);
  /* Blocks still live are the OS's to reclaim; skipping Py_Finalize keeps exit fast. */
  _exit(0);
}
