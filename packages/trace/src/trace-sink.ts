/** Where a {@link TraceWriter} puts bytes: chunks are written in order, each once. */
export interface TraceSink {
  /** Appends bytes (the writer awaits the result before the next write). */
  write(bytes: Uint8Array): void | Promise<void>;
  /** Called once after the last write. */
  close(): void | Promise<void>;
}

/**
 * A sink that keeps everything in memory.
 *
 * @example
 * ```ts
 * const sink = new MemorySink();
 * const w = new TraceWriter(sink);
 * w.append({ kind: KIND_MALLOC_LARGE, id: 0, size: 4096 });
 * await w.close();
 * const bytes = sink.bytes();
 * ```
 */
export class MemorySink implements TraceSink {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  /** @param bytes - appended */
  write(bytes: Uint8Array): void {
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  /** Nothing to do. */
  close(): void {
    /* nothing */
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /**
   * Everything written, as one buffer.
   *
   * @returns a new Uint8Array
   */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/**
 * A sink writing to a web `WritableStream` (respecting its backpressure).
 *
 * @param stream - e.g. a file handle's writable in a browser, or a `TransformStream`'s writable
 * @returns the sink; closing it closes the stream
 */
export function webStreamSink(stream: WritableStream<Uint8Array>): TraceSink {
  const w = stream.getWriter();
  return {
    async write(bytes: Uint8Array): Promise<void> {
      await w.ready;
      await w.write(bytes);
    },
    async close(): Promise<void> {
      await w.close();
    },
  };
}
