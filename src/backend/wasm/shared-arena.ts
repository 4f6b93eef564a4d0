/**
 * A size-class free-list allocator over one shared WebAssembly.Memory.
 *
 * Blocks are rounded up to a class (multiples of 64 bytes, then four classes per power of two, so
 * at most 25% is wasted) and a released block goes back on its class's free list, where the next
 * request of that class finds it. A training loop asks for the same sizes every step, so after the
 * first step memory stops growing. Shared memory never moves or detaches when it grows, so every
 * view handed out stays valid for the life of the arena.
 *
 * A FinalizationRegistry returns the blocks of views that were dropped without `release`. It only
 * watches the view `allocFloat32`/`allocInt32` returned: keep that view alive while anything uses
 * memory derived from it (a subarray, or a new view over the same bytes).
 */
import { WASM_PAGE_BYTES } from './kernel-module.js';

const ALIGN = 64;
/** Bytes kept unallocated at the top of memory, so a SIMD load that starts inside the last block stays inside memory. */
const GUARD = 64;

export function sizeClassBytes(bytes: number): number {
  if (bytes <= 4 * ALIGN) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const exponent = 31 - Math.clz32(bytes - 1);
  const step = 2 ** (exponent - 2);
  return Math.ceil(bytes / step) * step;
}

export interface ArenaStats {
  /** Bytes of memory the arena has carved into blocks so far (its high-water mark). */
  readonly reservedBytes: number;
  /** Bytes in blocks currently handed out. */
  readonly liveBytes: number;
  readonly liveBlocks: number;
  /** Bytes of the WebAssembly memory. */
  readonly memoryBytes: number;
}

export class SharedArena {
  private top: number;
  private liveBytes = 0;
  private readonly freeLists = new Map<number, number[]>();
  /** Byte offset → class size, for every block handed out and not yet returned. */
  private readonly live = new Map<number, number>();
  /** Every ArrayBuffer object the memory has exposed (a new one appears after each grow). */
  private readonly buffers = new Set<ArrayBufferLike>();
  private current: ArrayBufferLike;
  private readonly registry = new FinalizationRegistry<number>((offset) => this.freeBlock(offset));

  constructor(
    private readonly memory: WebAssembly.Memory,
    heapStart: number,
    private readonly maxBytes: number,
    /** Zeroes a byte range; the backend passes a wasm memory.fill, much faster than TypedArray.fill on shared memory. */
    private readonly zero: (offset: number, bytes: number) => void = (offset, bytes) => new Uint8Array(this.current, offset, bytes).fill(0),
  ) {
    this.top = Math.ceil(heapStart / ALIGN) * ALIGN;
    this.current = memory.buffer;
    this.buffers.add(this.current);
  }

  /** The memory's current buffer: views made over it cover every block allocated so far. */
  get buffer(): ArrayBufferLike {
    return this.current;
  }

  /** True when `view` lies in this arena's memory (so its byteOffset is a pointer kernels can use). */
  owns(view: ArrayBufferView): boolean {
    return this.buffers.has(view.buffer);
  }

  /**
   * A zeroed block of at least `bytes` bytes (`zero` false: a reused block keeps its old contents);
   * returns its byte offset. Not watched by the finalizer.
   */
  allocBytes(bytes: number, zero = true): number {
    let size = sizeClassBytes(bytes);
    let offset: number;
    const borrowed = this.takeFreeBlock(size);
    if (borrowed !== null) {
      [offset, size] = borrowed;
      if (zero) this.zero(offset, bytes);
    } else {
      offset = this.top;
      this.ensureCapacity(offset + size + GUARD);
      this.top = offset + size;
    }
    this.live.set(offset, size);
    this.liveBytes += size;
    return offset;
  }

  /**
   * A free block for a request of class `size`: one of that class, else the smallest free block of the
   * next classes up to twice the size. Borrowing is what lets differently shaped passes share memory:
   * an epoch's last, smaller batch and an evaluation's chunks run in the blocks a training step freed
   * instead of reserving their own (sepnet-8k at batch 64, an epoch and its test pass: 80.8 MB reserved
   * before, 51.6 MB with this and evaluation chunks of 64; issue 15). A borrowed block keeps its own
   * class and goes back to that class's list. Capped at twice the size so that small requests cannot
   * take the big blocks the next step needs.
   */
  private takeFreeBlock(size: number): [offset: number, size: number] | null {
    for (let candidate = size; candidate <= 2 * size; candidate = sizeClassBytes(candidate + 1)) {
      const list = this.freeLists.get(candidate);
      if (list !== undefined && list.length > 0) return [list.pop()!, candidate];
    }
    return null;
  }

  /** Returns a block by offset; unknown or already-returned offsets are ignored. */
  freeBlock(offset: number): void {
    const size = this.live.get(offset);
    if (size === undefined) return;
    this.live.delete(offset);
    this.liveBytes -= size;
    let list = this.freeLists.get(size);
    if (list === undefined) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(offset);
  }

  allocFloat32(length: number, zero = true): Float32Array {
    const offset = this.allocBytes(length * 4, zero); // may grow the memory and renew this.current
    const view = new Float32Array(this.current, offset, length);
    this.registry.register(view, view.byteOffset, view);
    return view;
  }

  allocInt32(length: number, zero = true): Int32Array {
    const offset = this.allocBytes(length * 4, zero); // may grow the memory and renew this.current
    const view = new Int32Array(this.current, offset, length);
    this.registry.register(view, view.byteOffset, view);
    return view;
  }

  /** Hands back a view that allocFloat32/allocInt32 returned. Views from elsewhere are ignored. */
  release(view: Float32Array | Int32Array): void {
    if (!this.owns(view)) return;
    if (!this.live.has(view.byteOffset)) return;
    this.registry.unregister(view);
    this.freeBlock(view.byteOffset);
  }

  stats(): ArenaStats {
    return { reservedBytes: this.top, liveBytes: this.liveBytes, liveBlocks: this.live.size, memoryBytes: this.current.byteLength };
  }

  private ensureCapacity(endByte: number): void {
    const have = this.memory.buffer.byteLength;
    if (endByte <= have) return;
    if (endByte > this.maxBytes) {
      throw new RangeError(`wasm backend: out of memory (needs ${endByte} bytes, the shared memory is capped at ${this.maxBytes})`);
    }
    const havePages = have / WASM_PAGE_BYTES;
    const needPages = Math.ceil((endByte - have) / WASM_PAGE_BYTES);
    // Grow by at least a quarter of the current size, so a growing workload does not grow page by page.
    const maxPages = Math.floor(this.maxBytes / WASM_PAGE_BYTES);
    const pages = Math.min(Math.max(needPages, Math.ceil(havePages / 4)), maxPages - havePages);
    this.memory.grow(pages);
    this.current = this.memory.buffer;
    this.buffers.add(this.current);
  }
}
