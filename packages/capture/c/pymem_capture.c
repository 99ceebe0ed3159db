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
 *   PYMEM_CAPTURE_DIRECT    "0": write everything through the page cache. By
 *                           default the buffers' whole 4 KiB blocks are written
 *                           with O_DIRECT where the file system allows it (less
 *                           CPU time for the kernel while the program runs; the
 *                           file is then read back from the disk)
 *   PYMEM_CAPTURE_STACKS    "1": the header says stacks are present (flags bit 2)
 *                           and pymem_capture_enable_stacks() may install the
 *                           profile function (python/stacks/sitecustomize.py
 *                           calls it once the interpreter runs)
 *
 * Rules the hooks keep: they run only with the GIL held (MEM and OBJ require
 * it; pymalloc calls the arena allocator under it), so there is no locking;
 * they never allocate: records go to a static 4 KiB stage that stays in the
 * L1 cache, whose whole cache lines move with non-temporal stores into
 * static 2 MiB buffers; a full buffer is handed to a writer thread, which
 * writes it (its whole blocks with O_DIRECT, unless PYMEM_CAPTURE_DIRECT=0)
 * while the program goes on filling the next one; at each mark and at exit
 * the program waits until everything handed over is written. A record is
 * logged after the wrapped call returned, so the arena events a request
 * caused come before the request's own record.
 *
 * Stacks (--stacks): a C profile function keeps a per-thread shadow stack of
 * interned stack ids (a trie of (parent stack, frame)); a frame is (function
 * name, file name, co_firstlineno). The hooks only read the current thread's
 * top of stack and, when it differs from the last one written, write the
 * string, frame and stack records not yet written and a stack-switch record
 * before the request. Every table is static: nothing is allocated. See
 * docs/stacks.md for the record layout.
 */
#define _GNU_SOURCE
#include <Python.h>
#include <frameobject.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "pymem_capture writes little-endian records by copying native integers"
#endif
#if SIZEOF_VOID_P != 8
#error "PYMTRC01 captures are written by 64-bit interpreters only"
#endif

#define PYMEM_EXPORT __attribute__((visibility("default")))

/* For bench/overhead.mjs only (never in a library `pymem capture` builds):
   -DPYMEM_CAPTURE_UNTIL=1 builds hooks that only forward each request, and
   -DPYMEM_CAPTURE_UNTIL=2 hooks that stage their records and move them into
   the buffers, whose full ones are then dropped instead of written. Each
   says what the capture costs up to that stage. */
#ifndef PYMEM_CAPTURE_UNTIL
#define PYMEM_CAPTURE_UNTIL 0
#endif
/* For src/node/writes.test.ts only: -DPYMEM_CAPTURE_WRITER_DELAY_US=N makes
   the writer sleep N microseconds before each write (a disk slower than the
   program), and the library say at exit how many buffers it took into use
   and how often it waited for the writer. */
#ifndef PYMEM_CAPTURE_WRITER_DELAY_US
#define PYMEM_CAPTURE_WRITER_DELAY_US 0
#endif

enum {
  OP_MALLOC = 1,
  OP_CALLOC = 2,
  OP_REALLOC = 3,
  OP_FREE = 4,
  OP_ARENA_ALLOC = 5,
  OP_ARENA_FREE = 6,
  OP_MARK = 7,
  OP_END = 8,
  /* --stacks only (header flags bit 2); none of them counts as a record. */
  OP_STRING = 9,       /* id u32, length u16, UTF-8 bytes */
  OP_FRAME = 10,       /* id u32, function string id u32, file string id u32, first line u32 */
  OP_STACK = 11,       /* id u32, parent stack id u32 (0: outermost), frame id u32 */
  OP_STACK_SWITCH = 12 /* stack id u32 in force from here on (0: no Python frame) */
};
#define FLAG_STACKS 4u
enum { DOMAIN_NONE = 0, DOMAIN_MEM = 1, DOMAIN_OBJ = 2, DOMAIN_ARENA = 3 };

#define HEADER_SIZE 40
#define BUFFER_SIZE (2u << 20)
#define MAX_LABEL 4096
/* Largest non-mark record: realloc = tag + ptr + escaped size + ptr. */
#define MAX_RECORD 32
#define SIZE_ESCAPE 0xFFFFFFFFu

/* The tables the hooks forward to, and the hooks' own tables: each domain
   has its own four hooks, so that the record's tag is a constant. */
static PyMemAllocatorEx mem_next, obj_next;
static PyMemAllocatorEx mem_hooks, obj_hooks;
static PyObjectArenaAllocator arena_next, arena_hooks;

/* Up to RING buffers of BUFFER_SIZE: the program fills ring[ring_cur] (from
   `stage`); full ones wait for the writer thread in order, in a queue whose
   slot s % RING holds the s-th buffer submitted (queue_buf, queue_len,
   queue_off). submitted - written buffers are with the writer.

   Buffers come into use one at a time: after handing one over, the program
   goes on in a buffer the writer is done with, and takes a new one only
   when every buffer in use is with the writer; it waits only when all RING
   are. A buffer's first use faults in fresh memory, which the kernel zeroes
   (and a VM's host may first have to provide: 1.6 ms per MiB on the bench's
   machine), so a capture whose writer keeps up touches two buffers, not all 8.
   On huge pages (a hint the kernel may ignore): one TLB entry instead of 512
   per 2 MiB for the program's stores, and for O_DIRECT writes one page to
   pin instead of 256 per buffer; page-aligned in any case, as O_DIRECT
   needs. */
#define RING 8
#define DIRECT_ALIGN 4096
#define HUGE_PAGE (2u << 20)
static unsigned char ring[RING][BUFFER_SIZE] __attribute__((aligned(HUGE_PAGE)));
static unsigned ring_cur;
static unsigned ring_in_use = 1;     /* buffers 0 .. ring_in_use - 1 have been used */
static uint64_t ring_done_at[RING]; /* each buffer is free once `written` reaches this (its last submission + 1) */
static unsigned queue_buf[RING];
static size_t queue_len[RING];
static uint64_t queue_off[RING]; /* file offset of each submitted buffer's first byte */
static uint64_t submitted, written;
static int writer_running;
static int writer_polls; /* the writer looks for work by itself (writer_main): no need to wake it */
static int writer_error; /* errno of the writer's first failed write */
static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ring_ready; /* to the writer: a buffer was submitted (init_ring_ready) */
static pthread_cond_t ring_done = PTHREAD_COND_INITIALIZER;  /* to the program: a buffer was written */

/* Everything a hook reads or writes on its way, in one cache line: the
   hooks run between the interpreter's own memory accesses, and five
   scattered globals cost five cache lines there. `pos` packs, so that a
   hook's fast path reads one word, checks it with one comparison and
   updates it with one addition:
     bits 0-12   the bytes of `stage` filled;
     bit 15      NOT_FAST: set unless the fast path may be taken (logging,
                 the exit hook registered, no stacks; every change of those
                 calls set_mode());
     bits 16-63  the records written so far (stack ops not counted). */
#define FILL_MASK 0x1FFFu
#define NOT_FAST 0x8000u
#define ONE_RECORD ((uint64_t)1 << 16)
static struct {
  uint64_t pos;             /* see above */
  int logging;              /* the hooks write records */
  int stacks_on;            /* the profile function was installed in some thread */
  uint32_t last_stack;      /* stack id of the last stack-switch written */
  int exit_hook_registered; /* Py_AtExit(finish_capture) was called */
} hot __attribute__((aligned(64))) = {.pos = NOT_FAST};

/* The hooks write records into `stage`, which stays in the L1 cache; whole
   64-byte lines move from there into the ring with non-temporal stores
   (spill), which write memory without first reading the line and without
   evicting the program's own data from the caches: 541 MB of records in
   1.3 s otherwise stream through the L2 cache the interpreter works in.
   `ring_used`: bytes of ring[ring_cur] filled. */
#define STAGE 4096u
static unsigned char stage[STAGE] __attribute__((aligned(64)));
static size_t ring_used;

_Static_assert(STAGE <= FILL_MASK && FILL_MASK < NOT_FAST && NOT_FAST < ONE_RECORD, "hot.pos's fields must not overlap");
static inline size_t staged(void) { return (size_t)(hot.pos & FILL_MASK); }
static inline void set_staged(size_t n) { hot.pos = (hot.pos & ~(uint64_t)FILL_MASK) | n; }
static inline uint64_t records(void) { return hot.pos >> 16; }

static void set_mode(void) {
  if (hot.logging && hot.exit_hook_registered && !hot.stacks_on)
    hot.pos &= ~(uint64_t)NOT_FAST;
  else
    hot.pos |= NOT_FAST;
}

/* Where the current buffer goes: its first byte is at file offset
   `file_off`, and its first `sent` bytes are in the file already (a tail
   carried over after a mark, see hand_over). */
static uint64_t file_off;
static size_t sent;
/* The capture file is open twice: `direct_fd` with O_DIRECT (-1 where the
   file system refuses it), `out_fd` through the page cache. */
static int direct_fd = -1;
static int use_direct;    /* whole blocks go through direct_fd; cleared for good when the disk falls behind */
static int direct_wanted; /* PYMEM_CAPTURE_DIRECT is not "0" */
static uint32_t marks;
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

/* pwrite(2)s all of `len` bytes at `off`; returns 0, or the errno of the failure. */
static int pwrite_all(int fd, const unsigned char *p, size_t len, uint64_t off) {
  while (len > 0) {
    ssize_t n = pwrite(fd, p, len, (off_t)off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    p += n;
    len -= (size_t)n;
    off += (uint64_t)n;
  }
  return 0;
}

/* Writes `len` bytes of a ring buffer at file offset `off`: the whole
   blocks through direct_fd when `direct` (the disk reads them from the ring
   buffer: no copy into the page cache, which costs the kernel about as much
   CPU time as the hooks cost the program), the rest through out_fd. A file
   system that refuses a direct write gets everything through out_fd from
   then on. Only one thread writes at a time: the writer, or the program
   before the writer exists. */
static int direct_refused;
static int write_at(const unsigned char *data, size_t len, uint64_t off, int direct) {
  size_t whole = direct && !direct_refused && direct_fd >= 0 ? len & ~(size_t)(DIRECT_ALIGN - 1) : 0;
  if (whole > 0) {
    if (pwrite_all(direct_fd, data, whole, off) == 0) {
      data += whole;
      len -= whole;
      off += whole;
    } else {
      direct_refused = 1; /* written again, all of it, through the page cache */
    }
  }
  return pwrite_all(out_fd, data, len, off);
}

static void wait_for_writer(void);

static void close_outputs(void) {
  if (direct_fd >= 0) close(direct_fd);
  if (out_fd >= 0) close(out_fd);
  if (stats_fd >= 0) close(stats_fd);
  direct_fd = out_fd = stats_fd = -1;
}

static void stop_logging(void) {
  hot.logging = 0;
  set_mode();
  set_staged(0);
  ring_used = 0;
  wait_for_writer(); /* the writer must be done with the files before they are closed */
  close_outputs();
}

/* The writer thread: writes the submitted buffers in order. After a failed
   write it only marks buffers written; the program stops the capture when it
   sees writer_error (the file keeps every whole record written so far and
   has no end record). It never touches Python.

   Waking a sleeping thread costs the waker a system call and, in a VM, an
   exit to the host for the interrupt to the other CPU: some 20 us on the
   bench's machine, for each of its 270 buffers in 1.3 s. So while buffers
   keep coming the writer looks for the next one by itself (writer_polls),
   and the program hands full buffers over without waking it. It looks at a
   quarter of the time the last buffer took to come, kept between
   POLL_MIN_NS and POLL_MAX_NS: some four looks a buffer whatever the
   program's pace. After IDLE_NS without one it sleeps until woken, and
   once woken looks again soon, since a burst may have begun. */
#define POLL_MIN_NS 1000000ull
#define POLL_MAX_NS 25000000ull
#define IDLE_NS 100000000ull
static uint64_t monotonic_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
/* ring_ready's timed waits count on the monotonic clock: a change of the
   wall clock does not stretch a poll. */
static void init_ring_ready(void) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&ring_ready, &attr);
  pthread_condattr_destroy(&attr);
}
static void *writer_main(void *arg) {
  (void)arg;
  uint64_t poll = POLL_MIN_NS, last = monotonic_ns();
  pthread_mutex_lock(&ring_lock);
  for (;;) {
    int slept = 0;
    while (written == submitted) {
      uint64_t now = monotonic_ns();
      if (now - last < IDLE_NS) {
        writer_polls = 1;
        uint64_t at = now + poll;
        struct timespec until = {.tv_sec = (time_t)(at / 1000000000ull), .tv_nsec = (long)(at % 1000000000ull)};
        pthread_cond_timedwait(&ring_ready, &ring_lock, &until);
      } else {
        writer_polls = 0;
        slept = 1;
        pthread_cond_wait(&ring_ready, &ring_lock);
      }
    }
    uint64_t now = monotonic_ns();
    uint64_t quarter = (now - last) / 4;
    poll = slept || quarter < POLL_MIN_NS ? POLL_MIN_NS : quarter > POLL_MAX_NS ? POLL_MAX_NS : quarter;
    last = now;
    unsigned slot = (unsigned)(written % RING);
    unsigned i = queue_buf[slot];
    size_t len = queue_len[slot];
    uint64_t off = queue_off[slot];
    int direct = use_direct;
    int failed = writer_error;
    pthread_mutex_unlock(&ring_lock);
    if (PYMEM_CAPTURE_WRITER_DELAY_US > 0) usleep(PYMEM_CAPTURE_WRITER_DELAY_US);
    int err = failed ? 0 : write_at(ring[i], len, off, direct);
    pthread_mutex_lock(&ring_lock);
    if (err != 0 && writer_error == 0) writer_error = err;
    written++;
    pthread_cond_broadcast(&ring_done);
  }
  return NULL;
}

/* Starts the writer with every signal blocked, so that signals keep going to
   the program's threads. pthread_create allocates with libc (its stack and
   TLS), never through the Python allocator. */
static int start_writer(void) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t tid;
  int rc = pthread_create(&tid, NULL, writer_main, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) return rc;
  pthread_detach(tid);
  writer_running = 1;
  return 0;
}

static void write_failed(int err) {
  say("cannot write ", out_path, ": ");
  say(strerror(err), "; the capture stops here\n", NULL);
  stop_logging();
}

/* Waits until the writer has written every buffer handed to it; returns its
   error (0 if none). */
static int drain_writer(void) {
  if (!writer_running) return 0;
  pthread_mutex_lock(&ring_lock);
  if (written != submitted) pthread_cond_signal(&ring_ready);
  while (written != submitted) pthread_cond_wait(&ring_done, &ring_lock);
  int err = writer_error;
  pthread_mutex_unlock(&ring_lock);
  return err;
}

static void wait_for_writer(void) {
  (void)drain_writer();
}

static int open_outputs(void);

/* Hands the current buffer to the writer thread and moves on to the next
   one, waiting only if the writer has all RING buffers. `full`: the buffer
   is full; the writer thread is started at the first full buffer, and a
   buffer that is not full (a mark, the end) is written here while there is
   no writer thread.

   Direct writes take whole 4 KiB blocks at block offsets, so the bytes
   after the buffer's last whole block (`keep`) are carried to the start of
   the next buffer: a full buffer is written without them; a mark or the
   end writes them too, through the page cache, and the next buffer writes
   them again with its first block. The file holds the capture's bytes in
   order, without gaps; only a kill can leave it ending inside a record
   (`capture()` cuts that off). When the writer falls behind (all RING buffers with it)
   for the BEHIND_LIMIT-th time, direct writes stop for good: the page cache
   absorbs bursts that a slow disk cannot. (Once could be the scheduler
   keeping the writer off a busy machine's cores.) */
#define BEHIND_LIMIT 3
/* With ring_lock held: a buffer the writer is done with, else a buffer not
   used yet, else RING (all RING buffers are with the writer). */
static unsigned next_buffer(void) {
  for (unsigned i = 0; i < ring_in_use; i++)
    if (ring_done_at[i] <= written) return i;
  return ring_in_use < RING ? ring_in_use++ : RING;
}
static unsigned times_behind; /* times the program found all RING buffers with the writer */
static void hand_over(int full) {
  size_t have = ring_used;
  if (have == sent) return; /* nothing new since the last mark */
  int saved_errno = errno;
  if (out_fd < 0 && (!hot.logging || open_outputs() != 0)) {
    stop_logging();
    errno = saved_errno;
    return;
  }
#if defined(__x86_64__)
  _mm_sfence(); /* the ring's non-temporal stores reach memory before anyone (the writer, the disk) reads it */
#endif
  size_t keep = use_direct ? have & (DIRECT_ALIGN - 1) : 0;
  size_t len = full ? have - keep : have;
  unsigned char *from = ring[ring_cur];
  uint64_t off = file_off;
  int err;
  if (!writer_running && (!full || start_writer() != 0)) {
    err = write_at(from, len, off, use_direct);
    if (keep > 0) memmove(from, from + have - keep, keep);
  } else {
    pthread_mutex_lock(&ring_lock);
    unsigned slot = (unsigned)(submitted % RING);
    queue_buf[slot] = ring_cur;
    queue_len[slot] = len;
    queue_off[slot] = off;
    ring_done_at[ring_cur] = ++submitted;
    if (!full || !writer_polls) pthread_cond_signal(&ring_ready); /* a mark or the end is waited for: no poll delay */
    unsigned next = next_buffer();
    if (next == RING) {
      if (++times_behind >= BEHIND_LIMIT) use_direct = 0;
      pthread_cond_signal(&ring_ready);
      while ((next = next_buffer()) == RING) pthread_cond_wait(&ring_done, &ring_lock);
    }
    err = writer_error;
    pthread_mutex_unlock(&ring_lock);
    ring_cur = next;
    memcpy(ring[ring_cur], from + have - keep, keep);
  }
  file_off += have - keep;
  ring_used = keep;
  sent = full ? 0 : keep;
  if (err != 0) write_failed(err);
  errno = saved_errno;
}

/* Copies `n` bytes to `dst`: the whole 64-byte lines of `dst` with
   non-temporal stores, the bytes before and after them with memcpy. */
static void stream_copy(unsigned char *dst, const unsigned char *src, size_t n) {
#if defined(__x86_64__)
  size_t head = (size_t)(-(uintptr_t)dst & 63);
  if (head > n) head = n;
  memcpy(dst, src, head);
  dst += head;
  src += head;
  n -= head;
  for (; n >= 64; n -= 64, dst += 64, src += 64) {
    __m128i a = _mm_loadu_si128((const __m128i *)src), b = _mm_loadu_si128((const __m128i *)(src + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(src + 32)), d = _mm_loadu_si128((const __m128i *)(src + 48));
    _mm_stream_si128((__m128i *)dst, a);
    _mm_stream_si128((__m128i *)(dst + 16), b);
    _mm_stream_si128((__m128i *)(dst + 32), c);
    _mm_stream_si128((__m128i *)(dst + 48), d);
  }
#endif
  memcpy(dst, src, n);
}

/* Moves the first `n` bytes of `stage` into the ring, handing every buffer
   it fills to the writer. */
static void move_to_ring(size_t n) {
  const unsigned char *src = stage;
  while (n > 0 && hot.logging) {
    size_t chunk = BUFFER_SIZE - ring_used < n ? BUFFER_SIZE - ring_used : n;
    stream_copy(ring[ring_cur] + ring_used, src, chunk);
    ring_used += chunk;
    src += chunk;
    n -= chunk;
#if PYMEM_CAPTURE_UNTIL == 2
    if (ring_used == BUFFER_SIZE) ring_used = 0;
#else
    if (ring_used == BUFFER_SIZE) hand_over(1);
#endif
  }
}

/* The stage is full: its whole lines go to the ring, the last partial line
   (a record's first bytes, possibly) stays. */
static void spill(void) {
  size_t n = staged() & ~(size_t)63;
  move_to_ring(n);
  if (!hot.logging) { /* the capture stopped (a failed write) */
    set_staged(0);
    return;
  }
  memcpy(stage, stage + n, staged() - n);
  hot.pos -= n;
}

/* Everything staged goes to the ring (a mark, the end). */
static void spill_all(void) {
  move_to_ring(staged());
  set_staged(0);
}

/* Hands the current buffer over and waits until everything is written: at
   marks (a capture cut short later still has every record up to its last
   mark) and at the end. A program that never filled a buffer never gets a
   writer thread. */
static void flush_and_wait(void) {
  int saved_errno = errno;
  spill_all();
  hand_over(0);
  int err = drain_writer();
  if (err != 0 && hot.logging) write_failed(err);
  errno = saved_errno;
}

/* Makes room for `need` (at most MAX_RECORD) bytes in the stage. */
static inline void room(size_t need) {
  if (STAGE - staged() < need) spill();
}
static inline void put8(unsigned v) {
  stage[staged()] = (unsigned char)v;
  hot.pos++;
}
static inline void put16(uint16_t v) { memcpy(stage + staged(), &v, 2); hot.pos += 2; }
static inline void put32(uint32_t v) { memcpy(stage + staged(), &v, 4); hot.pos += 4; }
static inline void put64(uint64_t v) { memcpy(stage + staged(), &v, 8); hot.pos += 8; }
/* Any number of bytes (a string, a label), through the stage in pieces. */
static void put_bytes(const unsigned char *p, size_t len) {
  while (len > 0) {
    room(64);
    size_t n = STAGE - staged() < len ? STAGE - staged() : len;
    memcpy(stage + staged(), p, n);
    hot.pos += n;
    p += n;
    len -= n;
  }
}
static inline void put_ptr(const void *p) { put64((uint64_t)(uintptr_t)p); }
/* The hooks encode through a local cursor: stores through `unsigned char *`
   may alias `hot.pos`, which would otherwise be reloaded after every byte. */
static inline unsigned char *w32(unsigned char *o, uint32_t v) {
  memcpy(o, &v, 4);
  return o + 4;
}
static inline unsigned char *w64(unsigned char *o, uint64_t v) {
  memcpy(o, &v, 8);
  return o + 8;
}
static inline unsigned char *wsize(unsigned char *o, size_t v) {
  if (v >= SIZE_ESCAPE) return w64(w32(o, SIZE_ESCAPE), (uint64_t)v);
  return w32(o, (uint32_t)v);
}
static inline unsigned char *wptr(unsigned char *o, const void *p) { return w64(o, (uint64_t)(uintptr_t)p); }
static inline void put_size(size_t v) {
  if (v >= SIZE_ESCAPE) {
    put32(SIZE_ESCAPE);
    put64((uint64_t)v);
  } else {
    put32((uint32_t)v);
  }
}

/* ---- stacks ------------------------------------------------------------- */

/* Deepest shadow stack kept per thread; deeper calls keep the stack id of
   depth MAX_DEPTH (the stack is cut there). */
#define MAX_DEPTH 1024
#define MAX_STRING 65535
#define MAX_STRINGS (1u << 16)
#define STRING_SLOTS (1u << 17)
#define STRING_ARENA (8u << 20)
#define MAX_FRAMES (1u << 17)
#define FRAME_SLOTS (1u << 18)
#define MAX_STACKS (1u << 20)
#define STACK_SLOTS (1u << 21)
#define CODE_SLOTS (1u << 16)

static int stacks_wanted; /* PYMEM_CAPTURE_STACKS=1: header flag bit 2 */
/* Records of an id are written once per file: an id is written when its
   emitted stamp equals emit_gen. A traced child made by fork() starts a new
   file, so it bumps emit_gen and writes again what it uses. */
static uint32_t emit_gen = 1;
static uint64_t stacks_dropped; /* calls whose stack could not be interned */

/* The current thread's shadow stack: stack ids of the active Python frames,
   outermost first. initial-exec: the library is preloaded, so its TLS is
   static and reading it is a plain load, with no allocation. */
static __thread uint32_t depth __attribute__((tls_model("initial-exec")));
static __thread uint32_t shadow[MAX_DEPTH] __attribute__((tls_model("initial-exec")));

/* Interned strings: bytes copied into a static arena, found by content. */
static unsigned char str_arena[STRING_ARENA];
static uint32_t str_arena_used;
static uint32_t str_off[MAX_STRINGS + 1], str_hash[MAX_STRINGS + 1], str_emitted[MAX_STRINGS + 1];
static uint16_t str_len[MAX_STRINGS + 1];
static uint32_t str_count;
static uint32_t str_slots[STRING_SLOTS]; /* string id; 0 = empty */

/* Interned frames: (function string, file string, first line). */
static uint32_t frame_name[MAX_FRAMES + 1], frame_file[MAX_FRAMES + 1], frame_line[MAX_FRAMES + 1], frame_emitted[MAX_FRAMES + 1];
static uint32_t frame_count;
static uint32_t frame_slots[FRAME_SLOTS];

/* Interned stacks: a trie, (parent stack, frame) -> stack. */
static uint32_t stack_parent[MAX_STACKS + 1], stack_frame[MAX_STACKS + 1], stack_emitted[MAX_STACKS + 1];
static uint32_t stack_count;
static uint32_t stack_slots[STACK_SLOTS];

/* Code object -> frame id, a direct-mapped cache. An entry is trusted only
   when the code object's name, file and first line are the ones it was made
   from, so a code object freed and another one allocated at its address
   cannot inherit a wrong frame. */
struct code_entry {
  const void *code, *name, *file;
  int line;
  uint32_t frame;
};
static struct code_entry code_cache[CODE_SLOTS];

static unsigned char utf8_scratch[MAX_STRING + 4];

static inline uint32_t mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return h;
}

static uint32_t intern_string(const unsigned char *bytes, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) h = (h ^ bytes[i]) * 16777619u;
  for (uint32_t i = h & (STRING_SLOTS - 1);; i = (i + 1) & (STRING_SLOTS - 1)) {
    uint32_t id = str_slots[i];
    if (id == 0) {
      if (str_count >= MAX_STRINGS || STRING_ARENA - str_arena_used < len) return 0;
      id = ++str_count;
      memcpy(str_arena + str_arena_used, bytes, len);
      str_off[id] = str_arena_used;
      str_len[id] = (uint16_t)len;
      str_hash[id] = h;
      str_arena_used += (uint32_t)len;
      str_slots[i] = id;
      return id;
    }
    if (str_hash[id] == h && str_len[id] == len && memcmp(str_arena + str_off[id], bytes, len) == 0) return id;
  }
}

/* The UTF-8 bytes of a str object, written by hand from its code points:
   PyUnicode_AsUTF8 may allocate its cached copy. Surrogates (undecodable
   file-name bytes) become U+FFFD; at most MAX_STRING bytes are kept. */
static size_t utf8_of(PyObject *s) {
  if (s == NULL || !PyUnicode_Check(s)) {
    utf8_scratch[0] = '?';
    return 1;
  }
#if PY_VERSION_HEX < 0x030C0000
  if (!PyUnicode_IS_READY(s)) {
    utf8_scratch[0] = '?';
    return 1;
  }
#endif
  Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  int kind = PyUnicode_KIND(s);
  const void *data = PyUnicode_DATA(s);
  size_t out = 0;
  for (Py_ssize_t i = 0; i < n; i++) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
    size_t need = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (out + need > MAX_STRING) break;
    unsigned char *o = utf8_scratch + out;
    if (need == 1) {
      o[0] = (unsigned char)c;
    } else if (need == 2) {
      o[0] = (unsigned char)(0xC0 | c >> 6);
      o[1] = (unsigned char)(0x80 | (c & 0x3F));
    } else if (need == 3) {
      o[0] = (unsigned char)(0xE0 | c >> 12);
      o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
      o[2] = (unsigned char)(0x80 | (c & 0x3F));
    } else {
      o[0] = (unsigned char)(0xF0 | c >> 18);
      o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
      o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
      o[3] = (unsigned char)(0x80 | (c & 0x3F));
    }
    out += need;
  }
  return out;
}

static uint32_t intern_frame(uint32_t name, uint32_t file, uint32_t line) {
  uint32_t h = mix32(name * 0x9E3779B1u ^ mix32(file + 0x85EBCA77u * line));
  for (uint32_t i = h & (FRAME_SLOTS - 1);; i = (i + 1) & (FRAME_SLOTS - 1)) {
    uint32_t id = frame_slots[i];
    if (id == 0) {
      if (frame_count >= MAX_FRAMES) return 0;
      id = ++frame_count;
      frame_name[id] = name;
      frame_file[id] = file;
      frame_line[id] = line;
      frame_slots[i] = id;
      return id;
    }
    if (frame_name[id] == name && frame_file[id] == file && frame_line[id] == line) return id;
  }
}

static uint32_t intern_stack(uint32_t parent, uint32_t frame) {
  uint32_t h = mix32(parent * 0x9E3779B1u ^ frame);
  for (uint32_t i = h & (STACK_SLOTS - 1);; i = (i + 1) & (STACK_SLOTS - 1)) {
    uint32_t id = stack_slots[i];
    if (id == 0) {
      if (stack_count >= MAX_STACKS) return 0;
      id = ++stack_count;
      stack_parent[id] = parent;
      stack_frame[id] = frame;
      stack_slots[i] = id;
      return id;
    }
    if (stack_parent[id] == parent && stack_frame[id] == frame) return id;
  }
}

/* The frame id of a code object: function (qualified name from 3.11), file,
   co_firstlineno. The line of the call being executed would cost a
   PyFrame_GetLineNumber per request; the function's first line does not. */
static uint32_t code_frame(PyCodeObject *co) {
#if PY_VERSION_HEX >= 0x030B0000
  PyObject *name = co->co_qualname;
#else
  PyObject *name = co->co_name;
#endif
  PyObject *file = co->co_filename;
  int line = co->co_firstlineno;
  uintptr_t p = (uintptr_t)co;
  struct code_entry *e = &code_cache[(p >> 4 ^ p >> 20) & (CODE_SLOTS - 1)];
  if (e->code == co && e->name == name && e->file == file && e->line == line) return e->frame;
  uint32_t name_id = intern_string(utf8_scratch, utf8_of(name));
  uint32_t file_id = intern_string(utf8_scratch, utf8_of(file));
  if (name_id == 0 || file_id == 0) return 0;
  uint32_t frame = intern_frame(name_id, file_id, (uint32_t)(line < 0 ? 0 : line));
  if (frame == 0) return 0;
  *e = (struct code_entry){co, name, file, line, frame};
  return frame;
}

static void push_frame(PyFrameObject *frame) {
  uint32_t d = depth;
  if (d < MAX_DEPTH) {
    uint32_t parent = d > 0 ? shadow[d - 1] : 0;
    PyCodeObject *co = PyFrame_GetCode(frame); /* a new reference; never the last one */
    uint32_t f = code_frame(co);
    Py_DECREF(co);
    uint32_t s = f != 0 ? intern_stack(parent, f) : 0;
    if (s == 0) {
      s = parent;
      stacks_dropped++;
    }
    shadow[d] = s;
  }
  depth = d + 1;
}

/* The profile function: CALL pushes, RETURN pops (a generator's yield is a
   RETURN, its resumption a CALL). A RETURN with an empty shadow stack is a
   frame that was entered before the profile function was installed. */
static int stack_profile(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg) {
  (void)obj;
  (void)arg;
  if (what == PyTrace_CALL) push_frame(frame);
  else if (what == PyTrace_RETURN && depth > 0) depth--;
  return 0;
}

static inline uint32_t current_stack(void) {
  uint32_t d = depth;
  if (d == 0) return 0;
  return shadow[(d > MAX_DEPTH ? MAX_DEPTH : d) - 1];
}

static void emit_string(uint32_t id) {
  if (str_emitted[id] == emit_gen) return;
  str_emitted[id] = emit_gen;
  size_t len = str_len[id];
  room(1 + 4 + 2);
  put8(OP_STRING | DOMAIN_NONE << 4);
  put32(id);
  put16((uint16_t)len);
  put_bytes(str_arena + str_off[id], len);
}

static void emit_frame(uint32_t id) {
  if (frame_emitted[id] == emit_gen) return;
  frame_emitted[id] = emit_gen;
  emit_string(frame_name[id]);
  emit_string(frame_file[id]);
  room(1 + 16);
  put8(OP_FRAME | DOMAIN_NONE << 4);
  put32(id);
  put32(frame_name[id]);
  put32(frame_file[id]);
  put32(frame_line[id]);
}

/* Writes the records of stack `s` and of its ancestors not written yet,
   outermost first, so that a reader knows every id before its first use. */
static void emit_stack(uint32_t s) {
  static uint32_t chain[MAX_DEPTH + 1];
  uint32_t n = 0;
  while (s != 0 && stack_emitted[s] != emit_gen && n <= MAX_DEPTH) {
    chain[n++] = s;
    s = stack_parent[s];
  }
  while (n > 0) {
    uint32_t t = chain[--n];
    stack_emitted[t] = emit_gen;
    emit_frame(stack_frame[t]);
    room(1 + 12);
    put8(OP_STACK | DOMAIN_NONE << 4);
    put32(t);
    put32(stack_parent[t]);
    put32(stack_frame[t]);
  }
}

static void switch_stack(uint32_t s) {
  if (s != 0) emit_stack(s);
  room(1 + 4);
  put8(OP_STACK_SWITCH | DOMAIN_NONE << 4);
  put32(s);
  hot.last_stack = s;
}

/* Called by every hook before its record: the stack in force for a record
   is the one of the thread that made the request. */
static inline void stack_sync(void) {
  if (!hot.stacks_on) return;
  uint32_t s = current_stack();
  if (s != hot.last_stack) switch_stack(s);
}

/* ---- the hooks ---------------------------------------------------------- */

static void finish_capture(void);

/* Py_AtExit functions run at the very end of Py_FinalizeEx, after the
   interpreter was deleted. The capture ends there rather than in the
   library's destructor when it can, because a process can die between the
   two: after an unhandled KeyboardInterrupt CPython finalizes and then kills
   itself with SIGINT. Registration happens at the first request, since the
   runtime state that holds the list is reset when the runtime initializes,
   before any MEM or OBJ request. Py_AtExit only stores the pointer. */
static inline void register_exit_hook(void) {
  if (hot.exit_hook_registered) return;
  hot.exit_hook_registered = 1;
  set_mode();
  Py_AtExit(finish_capture);
}

/* The hooks. Each one forwards the request and then, on the fast path,
   writes its record straight into the stage with whole-word stores (a store
   may write a few bytes past the record; the next record overwrites them).
   FAST(big) is one comparison: the low 16 bits of hot.pos (the stage's
   fill, and NOT_FAST) or'ed with `big`, the request's sizes shifted right
   by 12, must leave room for a record. So a size of 16 MiB or more (which
   includes every size that needs the escape), NOT_FAST (not logging, the
   exit hook not registered yet, stacks) and a full stage all take the slow
   path, which writes the same record the general way. Per request, the fast
   path costs 9 (free) to 14 (malloc) instructions on top of the call it
   forwards; the json benchmark makes 37 M requests a second. */
#if PYMEM_CAPTURE_UNTIL == 1 /* the bench's forward-only build: no record on either path */
#define FAST(big) 0
#else
#define FAST(big) __builtin_expect(((uint16_t)hot.pos | (big)) <= STAGE - MAX_RECORD, 1)
#endif
/* Where a fast-path record goes: FAST() held, so NOT_FAST is clear and the
   low 16 bits of hot.pos are the stage's fill. */
#define FAST_AT() (stage + (uint16_t)hot.pos)
#define TAG(op, domain) ((op) | (domain) << 4)

/* Before a record on the slow path: returns 0 when nothing is logged. */
static inline int slow_start(void) {
  if (!hot.logging) return 0;
  register_exit_hook();
  stack_sync();
  room(MAX_RECORD);
  return 1;
}
static inline void slow_end(unsigned char *o) {
  hot.pos = (hot.pos & ~(uint64_t)FILL_MASK) + (size_t)(o - stage) + ONE_RECORD;
}

static __attribute__((noinline)) void slow_malloc(unsigned tag, size_t size, const void *p) {
  if (!slow_start()) return;
  unsigned char *o = stage + staged();
  *o++ = (unsigned char)tag;
  slow_end(wptr(wsize(o, size), p));
}
static __attribute__((noinline)) void slow_calloc(unsigned tag, size_t nelem, size_t elsize, const void *p) {
  if (!slow_start()) return;
  unsigned char *o = stage + staged();
  *o++ = (unsigned char)tag;
  slow_end(wptr(wsize(wsize(o, nelem), elsize), p));
}
static __attribute__((noinline)) void slow_realloc(unsigned tag, const void *old, size_t size, const void *p) {
  if (!slow_start()) return;
  unsigned char *o = stage + staged();
  *o++ = (unsigned char)tag;
  slow_end(wptr(wsize(wptr(o, old), size), p));
}
static __attribute__((noinline)) void slow_free(unsigned tag, const void *ptr) {
  if (!slow_start()) return;
  unsigned char *o = stage + staged();
  *o++ = (unsigned char)tag;
  slow_end(wptr(o, ptr));
}

#if PYMEM_CAPTURE_UNTIL == 1 /* forward only (see FAST) */
#define slow_malloc(...) ((void)0)
#define slow_calloc(...) ((void)0)
#define slow_realloc(...) ((void)0)
#define slow_free(...) ((void)0)
#endif

/* The four hooks of a domain, with its table `next` and tag bits `dom`. */
#define DOMAIN_HOOKS(name, next, dom)                                                       \
  static void *hook_malloc_##name(void *ctx, size_t size) {                                 \
    (void)ctx;                                                                              \
    void *p = next.malloc(next.ctx, size);                                                  \
    if (FAST(size >> 12)) {                                                                 \
      unsigned char *o = FAST_AT();                                                         \
      w64(o, (uint64_t)size << 8 | TAG(OP_MALLOC, dom));                                    \
      w64(o + 5, (uint64_t)(uintptr_t)p);                                                   \
      hot.pos += 13 + ONE_RECORD;                                                           \
    } else {                                                                                \
      slow_malloc(TAG(OP_MALLOC, dom), size, p);                                            \
    }                                                                                       \
    return p;                                                                               \
  }                                                                                         \
  static void *hook_calloc_##name(void *ctx, size_t nelem, size_t elsize) {                 \
    (void)ctx;                                                                              \
    void *p = next.calloc(next.ctx, nelem, elsize);                                         \
    if (FAST((nelem | elsize) >> 12)) {                                                     \
      unsigned char *o = FAST_AT();                                                         \
      w64(o, (uint64_t)nelem << 8 | TAG(OP_CALLOC, dom));                                   \
      w32(o + 5, (uint32_t)elsize);                                                         \
      w64(o + 9, (uint64_t)(uintptr_t)p);                                                   \
      hot.pos += 17 + ONE_RECORD;                                                           \
    } else {                                                                                \
      slow_calloc(TAG(OP_CALLOC, dom), nelem, elsize, p);                                   \
    }                                                                                       \
    return p;                                                                               \
  }                                                                                         \
  static void *hook_realloc_##name(void *ctx, void *old, size_t size) {                     \
    (void)ctx;                                                                              \
    void *p = next.realloc(next.ctx, old, size);                                            \
    if (FAST(size >> 12)) {                                                                 \
      unsigned char *o = FAST_AT();                                                         \
      *o = TAG(OP_REALLOC, dom);                                                            \
      w64(o + 1, (uint64_t)(uintptr_t)old);                                                 \
      w32(o + 9, (uint32_t)size);                                                           \
      w64(o + 13, (uint64_t)(uintptr_t)p);                                                  \
      hot.pos += 21 + ONE_RECORD;                                                           \
    } else {                                                                                \
      slow_realloc(TAG(OP_REALLOC, dom), old, size, p);                                     \
    }                                                                                       \
    return p;                                                                               \
  }                                                                                         \
  static void hook_free_##name(void *ctx, void *ptr) {                                      \
    (void)ctx;                                                                              \
    next.free(next.ctx, ptr);                                                               \
    if (FAST(0)) {                                                                          \
      unsigned char *o = FAST_AT();                                                         \
      *o = TAG(OP_FREE, dom);                                                               \
      w64(o + 1, (uint64_t)(uintptr_t)ptr);                                                 \
      hot.pos += 9 + ONE_RECORD;                                                            \
    } else {                                                                                \
      slow_free(TAG(OP_FREE, dom), ptr);                                                    \
    }                                                                                       \
  }

DOMAIN_HOOKS(mem, mem_next, DOMAIN_MEM)
DOMAIN_HOOKS(obj, obj_next, DOMAIN_OBJ)

static void *hook_arena_alloc(void *ctx, size_t size) {
  (void)ctx;
  void *p = arena_next.alloc(arena_next.ctx, size);
  if (hot.logging) {
    register_exit_hook();
    stack_sync();
    room(MAX_RECORD);
    put8(OP_ARENA_ALLOC | DOMAIN_ARENA << 4);
    put_size(size);
    put_ptr(p);
    hot.pos += ONE_RECORD;
  }
  return p;
}

static void hook_arena_free(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  arena_next.free(arena_next.ctx, ptr, size);
  if (hot.logging) {
    register_exit_hook();
    stack_sync();
    room(MAX_RECORD);
    put8(OP_ARENA_FREE | DOMAIN_ARENA << 4);
    put_ptr(ptr);
    put_size(size);
    hot.pos += ONE_RECORD;
  }
}

static int hooks_in_place(void) {
  PyMemAllocatorEx cur;
  PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &cur);
  if (cur.malloc != hook_malloc_obj) return 0;
  PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &cur);
  return cur.malloc == hook_malloc_mem;
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
  room(1 + 4 + 2);
  put8(OP_MARK | DOMAIN_NONE << 4);
  put32(id);
  put16((uint16_t)len);
  put_bytes((const unsigned char *)clean_label, len);
  hot.pos += ONE_RECORD;
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

  PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &mem_next);
  PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &obj_next);
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
  if (!hot.logging) return 0;
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
  uint64_t events = records();
  flush_and_wait();
  if (stats_fd >= 0) dump_stats(id, events, 1);
  return (int)id;
}

/* Called from Python (python/stacks/sitecustomize.py, through ctypes.PyDLL)
   with the GIL held, once per thread: installs the profile function in the
   calling thread, after pushing `frame` and its callers (the frames already
   active, which will return with the profile function in place) when this
   thread has no shadow stack yet. `frame` may be None. Returns 1 when
   installed, 0 when the capture has no stacks (or is not running), -1
   without the GIL. The profile function cannot be installed by the
   constructor: it runs before the interpreter exists. */
PYMEM_EXPORT int pymem_capture_enable_stacks(PyObject *frame) {
  if (!hot.logging || !stacks_wanted) return 0;
  if (!PyGILState_Check()) {
    say("pymem_capture_enable_stacks called without the GIL (use ctypes.PyDLL, not CDLL): ignored\n", NULL, NULL);
    return -1;
  }
  if (depth == 0 && frame != NULL && PyFrame_Check(frame)) {
    PyFrameObject *chain[MAX_DEPTH];
    uint32_t n = 0;
    PyFrameObject *f = (PyFrameObject *)frame;
    Py_INCREF(f);
    while (f != NULL && n < MAX_DEPTH) {
      chain[n++] = f;
      f = PyFrame_GetBack(f); /* a new reference, or NULL */
    }
    Py_XDECREF(f);
    while (n > 0) {
      PyFrameObject *g = chain[--n];
      push_frame(g);
      Py_DECREF(g);
    }
  }
  PyEval_SetProfile(stack_profile, NULL);
  hot.stacks_on = 1;
  set_mode();
  return 1;
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
  set_staged(0);
  memcpy(stage, "PYMTRC01", 8);
  set_staged(8);
  put32(1);
  put32(8);
  put32((uint32_t)getpid());
  put32((uint32_t)(mem_is_obj | differs_from_raw << 1) | (stacks_wanted ? FLAG_STACKS : 0u));
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
  file_off = 0;
  sent = 0;
  direct_refused = 0;
  direct_fd = direct_wanted ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0644) : -1;
  use_direct = direct_fd >= 0;
  out_fd = open(out_path, O_WRONLY | O_CREAT | (direct_fd >= 0 ? 0 : O_TRUNC) | O_CLOEXEC, 0644);
  if (out_fd < 0) {
    say("cannot open ", out_path, ": ");
    say(strerror(errno), "; nothing is captured\n", NULL);
    close_outputs();
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

static void before_fork(void) {
  pthread_mutex_lock(&ring_lock);
}

static void after_fork_in_parent(void) {
  pthread_mutex_unlock(&ring_lock);
}

static void after_fork_in_child(void) {
  /* The writer thread is not in the child; what it had belongs to the parent. */
  pthread_mutex_init(&ring_lock, NULL);
  init_ring_ready();
  pthread_cond_init(&ring_done, NULL);
  writer_running = 0;
  writer_polls = 0;
  writer_error = 0;
  submitted = written = 0;
  ring_cur = 0;
  ring_in_use = 1;
  memset(ring_done_at, 0, sizeof ring_done_at);
  set_staged(0); /* what is buffered belongs to the parent, which writes it */
  ring_used = 0;
  file_off = 0; /* the child's own file, opened at its first flush */
  sent = 0;
  times_behind = 0;
  if (!hot.logging) return;
  close_outputs();
  if (!trace_children) {
    hot.logging = 0;
    set_mode();
    return;
  }
  hot.pos &= FILL_MASK | NOT_FAST; /* no records yet in the child's file */
  marks = 0;
  is_child = 1;
  emit_gen++; /* a new file: stacks are written again when used */
  hot.last_stack = 0;
  name_outputs(1);
  /* The child starts with its parent's heap: the header's escaped-block
     count says how much of it the capture does not show. */
  write_header();
}

__attribute__((constructor)) static void pymem_capture_start(void) {
  const char *out = getenv("PYMEM_CAPTURE_OUT");
  if (out == NULL || out[0] == '\0') return;
  init_ring_ready();
  const char *stats = getenv("PYMEM_CAPTURE_STATS");
  const char *children = getenv("PYMEM_CAPTURE_CHILDREN");
  trace_children = children != NULL && strcmp(children, "1") == 0;
  const char *direct = getenv("PYMEM_CAPTURE_DIRECT");
  direct_wanted = direct == NULL || strcmp(direct, "0") != 0;
  const char *stacks = getenv("PYMEM_CAPTURE_STACKS");
  stacks_wanted = stacks != NULL && strcmp(stacks, "1") == 0;
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
    unsetenv("PYMEM_CAPTURE_STACKS");
    unsetenv("PYMEM_CAPTURE_DIRECT");
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
  madvise(ring, sizeof ring, MADV_HUGEPAGE); /* a hint: without it, small pages */

  write_header();
  PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &mem_next);
  PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &obj_next);
  PyObject_GetArenaAllocator(&arena_next);
  mem_hooks = (PyMemAllocatorEx){NULL, hook_malloc_mem, hook_calloc_mem, hook_realloc_mem, hook_free_mem};
  obj_hooks = (PyMemAllocatorEx){NULL, hook_malloc_obj, hook_calloc_obj, hook_realloc_obj, hook_free_obj};
  arena_hooks = (PyObjectArenaAllocator){NULL, hook_arena_alloc, hook_arena_free};
  hot.logging = 1;
  set_mode();
  PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &mem_hooks);
  PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &obj_hooks);
  PyObject_SetArenaAllocator(&arena_hooks);
  pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

/* Runs after the interpreter finalized (from Py_AtExit, or from the
   library's destructor after main() returned when Py_FinalizeEx did not run
   it): the last statistics dump ('atexit', pymalloc's report only: the type
   free lists are gone with the interpreter), then the end record. Requests
   after it are forwarded but not logged. */
static void finish_capture(void) {
  if (!hot.logging) return;
  if (records() == 0 && is_child) {
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
  uint64_t events = records();
  flush_and_wait();
#if PY_VERSION_HEX < 0x030C0000
  if (stats_fd >= 0) dump_stats(id, events, 0);
#else
  /* 3.12+ keeps pymalloc's state in the interpreter, gone by now. */
  (void)events;
#endif
  if (!hot.logging) return;
  if (stacks_dropped > 0) {
    char n[32];
    snprintf(n, sizeof n, "%llu", (unsigned long long)stacks_dropped);
    say("the stack tables were full: ", n, " calls kept their caller's stack\n");
  }
  room(1 + 8);
  put8(OP_END | DOMAIN_NONE << 4);
  put64(records());
  flush_and_wait();
  if (PYMEM_CAPTURE_WRITER_DELAY_US > 0) {
    char n[64];
    snprintf(n, sizeof n, "buffers in use %u, waits for the writer %u, direct writes %s", ring_in_use, times_behind, use_direct ? "on" : "off");
    say("slow writer: ", n, "\n");
  }
  hot.logging = 0;
  set_mode();
  close_outputs();
}

__attribute__((destructor)) static void pymem_capture_finish(void) {
  finish_capture();
}
