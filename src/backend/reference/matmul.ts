/** Reference matrix product with optional transposes; row-major throughout. */
export function matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): void {
  out.fill(0, 0, m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = transA ? a[p * m + i]! : a[i * k + p]!;
      if (av === 0) continue;
      const rowOut = i * n;
      if (transB) {
        for (let j = 0; j < n; j++) out[rowOut + j]! += av * b[j * k + p]!;
      } else {
        const rowB = p * n;
        for (let j = 0; j < n; j++) out[rowOut + j]! += av * b[rowB + j]!;
      }
    }
  }
}
