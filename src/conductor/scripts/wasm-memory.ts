/**
 * A hard memory limit for an engine compiled to WebAssembly, set in the worker thread that runs
 * it. Its memory grows only through `WebAssembly.Memory.prototype.grow`; refusing growth past the
 * limit makes the engine's `malloc` fail, which QuickJS reports as out of memory and jq as
 * "cannot allocate memory". QuickJS's own `setMemoryLimit` cannot be the limit: the build counts
 * 8 bytes per allocation whatever its size (no `malloc_usable_size`), so a script allocating
 * large strings or typed arrays would never meet it.
 *
 * Only the engine's memory lives in these threads, so patching the prototype touches nothing else.
 */

// The project's TypeScript libraries do not declare WebAssembly: the little used is typed here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE_BYTES = 65536;

export interface WasmMemoryCap {
  /** Whether a growth was refused since the last call (and forgets it). */
  takeRefusal(): boolean;
}

/**
 * Caps each WebAssembly memory of this thread at `limitBytes` above the size it had when it first
 * grew (the engine's initial memory: its code's data and its starting heap).
 */
export function capWasmMemory(limitBytes: number): WasmMemoryCap {
  const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: { prototype: WasmMemory } } }).WebAssembly;
  const initialBytes = new WeakMap<WasmMemory, number>();
  const grow = Memory.prototype.grow;
  let refused = false;
  Memory.prototype.grow = function growWithinLimit(this: WasmMemory, pages: number): number {
    const current = this.buffer.byteLength;
    if (!initialBytes.has(this)) initialBytes.set(this, current);
    if (current + pages * PAGE_BYTES > (initialBytes.get(this) ?? current) + limitBytes) {
      refused = true;
      throw new RangeError(`WebAssembly memory limit of ${limitBytes} bytes`);
    }
    return grow.call(this, pages);
  };
  return {
    takeRefusal() {
      const was = refused;
      refused = false;
      return was;
    },
  };
}
