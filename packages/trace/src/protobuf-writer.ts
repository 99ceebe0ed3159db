/**
 * A minimal protocol-buffers encoder (varint and length-delimited wire
 * types, packed repeated varints), enough for `profile.proto`. Integers are
 * 0 … 2^53 − 1 (JS numbers; no BigInt).
 *
 * @internal
 */
export class ProtobufWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  /** Bytes written. */
  get length(): number {
    return this.#len;
  }

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** Writes a varint (0 ≤ n ≤ 2^53 − 1). */
  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`protobuf varint out of range: ${n}`);
    this.#room(8);
    let v = n;
    while (v >= 0x80) {
      this.#buf[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#len++] = v;
  }

  /** Writes a field key. */
  key(field: number, wire: 0 | 2): void {
    this.varint(field * 8 + wire);
  }

  /** Writes a varint field (omitted when 0, the proto3 default). */
  uint(field: number, n: number): void {
    if (n === 0) return;
    this.key(field, 0);
    this.varint(n);
  }

  /** Writes a length-delimited field. */
  bytes(field: number, b: Uint8Array): void {
    this.key(field, 2);
    this.varint(b.length);
    this.#room(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  /** Writes an embedded message. */
  message(field: number, m: ProtobufWriter): void {
    this.bytes(field, m.finish());
  }

  /** Writes a packed repeated varint field (omitted when empty). */
  packed(field: number, ns: readonly number[]): void {
    if (ns.length === 0) return;
    const inner = new ProtobufWriter();
    for (const n of ns) inner.varint(n);
    this.bytes(field, inner.finish());
  }

  /** The bytes written (a view: copy before writing more). */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}
