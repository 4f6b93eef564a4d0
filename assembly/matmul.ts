/** General matmul task on the GEMM of gemm.ts, split by rows of the output. */
import { arg, ptr, shareStart, align16 } from './job';
import { chooseMR, packedASize, packA, gemmRun, linearOffsets } from './gemm';

/** Slots: 0 a, 1 b, 2 out, 3 m, 4 k, 5 n, 6 transA, 7 transB, 8 scratch, 9 scratch bytes per thread. */
export function matmul_scratch(job: usize): i32 {
  const m = arg(job, 3), k = arg(job, 4), n = arg(job, 5), transB = arg(job, 7);
  const mr = chooseMR(m);
  let at = align16(<usize>packedASize(m, k, mr) << 2) + align16(<usize>k << 2);
  if (transB != 0) at += align16(<usize>(k * n) << 2);
  return <i32>at;
}

export function matmul(job: usize, tid: i32, nt: i32): void {
  const a = ptr(job, 0), b = ptr(job, 1), out = ptr(job, 2);
  const m = arg(job, 3), k = arg(job, 4), n = arg(job, 5), transA = arg(job, 6), transB = arg(job, 7);
  const scratch = ptr(job, 8) + <usize>tid * ptr(job, 9);
  const r0 = shareStart(m, tid, nt), r1 = shareStart(m, tid + 1, nt);
  if (r0 >= r1) return;
  const rows = r1 - r0;
  const mr = chooseMR(m);
  const pack = scratch;
  const offs = pack + align16(<usize>packedASize(m, k, mr) << 2);
  const bt = offs + align16(<usize>k << 2);
  if (transA != 0) packA(pack, a + (<usize>r0 << 2), 1, m, rows, k, mr);
  else packA(pack, a + (<usize>(r0 * k) << 2), k, 1, rows, k, mr);
  let base = b;
  if (transB != 0) {
    for (let j = 0; j < n; j++) {
      for (let kk = 0; kk < k; kk++) store<f32>(bt + (<usize>(kk * n + j) << 2), load<f32>(b + (<usize>(j * k + kk) << 2)));
    }
    base = bt;
  }
  linearOffsets(offs, k, n << 2);
  gemmRun(pack, mr, rows, k, base, offs, n, out + (<usize>(r0 * n) << 2), <usize>n << 2);
}
