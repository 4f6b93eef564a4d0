/** General matmul task on the GEMM of gemm.ts, split by rows of the output. */
import { arg, ptr, shareStart, align16 } from './job';
import { chooseMR, packedASize, packA, gemmRun, linearOffsets } from './gemm';
import { MatmulJob as J } from '../build/job-layout';

export function matmul_scratch(job: usize): i32 {
  const m = arg(job, J.m), k = arg(job, J.k), n = arg(job, J.n), transB = arg(job, J.transB);
  const mr = chooseMR(m);
  let at = align16(<usize>packedASize(m, k, mr) << 2) + align16(<usize>k << 2);
  if (transB != 0) at += align16(<usize>(k * n) << 2);
  return <i32>at;
}

export function matmul(job: usize, tid: i32, nt: i32): void {
  const a = ptr(job, J.a), b = ptr(job, J.b), out = ptr(job, J.out);
  const m = arg(job, J.m), k = arg(job, J.k), n = arg(job, J.n), transA = arg(job, J.transA), transB = arg(job, J.transB);
  const scratch = ptr(job, J.scratch) + <usize>tid * ptr(job, J.scratchStride);
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
