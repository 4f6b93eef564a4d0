/**
 * The wasm arena's free lists: a released block serves the next request of its class, or a smaller
 * one down to half its size, and goes back to its own class; memory is reserved only when no free
 * block fits.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SharedArena, sizeClassBytes } from '../../src/backend/wasm/shared-arena.js';

const PAGE = 65536;
const newArena = (): SharedArena => new SharedArena(new WebAssembly.Memory({ initial: 1, maximum: 64, shared: true }), 1024, 64 * PAGE);

describe('SharedArena', () => {
  it('reuses a released block for a request of the same class without reserving more', () => {
    const arena = newArena();
    const a = arena.allocFloat32(10_000);
    const top = arena.stats().reservedBytes;
    arena.release(a);
    const b = arena.allocFloat32(9_900);
    assert.equal(b.byteOffset, a.byteOffset);
    assert.equal(arena.stats().reservedBytes, top);
  });

  it('lends a free block of a larger class to a request down to half its size, zeroed, and takes it back into its own class', () => {
    const arena = newArena();
    const big = arena.allocFloat32(16_000);
    big.fill(7);
    const bigOffset = big.byteOffset;
    const top = arena.stats().reservedBytes;
    arena.release(big);
    const half = arena.allocFloat32(8_000); // an epoch's last, half-full batch
    assert.equal(half.byteOffset, bigOffset);
    assert.ok(half.every((v) => v === 0), 'a borrowed block is zeroed like any other');
    assert.equal(arena.stats().reservedBytes, top);
    assert.equal(arena.stats().liveBytes, sizeClassBytes(16_000 * 4), 'the block keeps its own class');
    arena.release(half);
    const again = arena.allocFloat32(16_000);
    assert.equal(again.byteOffset, bigOffset, 'back on its own class list');
    assert.equal(arena.stats().reservedBytes, top);
  });

  it('does not lend a block to a request under half its size', () => {
    const arena = newArena();
    const big = arena.allocFloat32(16_000);
    arena.release(big);
    const small = arena.allocFloat32(3_000);
    assert.notEqual(small.byteOffset, big.byteOffset);
    assert.ok(arena.stats().reservedBytes > big.byteOffset + sizeClassBytes(16_000 * 4));
  });

  it('takes the smallest free block that fits', () => {
    const arena = newArena();
    const large = arena.allocFloat32(15_000);
    const medium = arena.allocFloat32(11_000);
    arena.release(large);
    arena.release(medium);
    assert.equal(arena.allocFloat32(9_000).byteOffset, medium.byteOffset);
  });
});
