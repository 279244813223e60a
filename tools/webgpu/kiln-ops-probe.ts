// Kiln ops on the Node WebGPU device (Dawn) in a loop, compared with the CPU backend.
// Run from packages/backend-webgpu (for tsx and the @kiln/source condition):
//   node --import tsx --conditions=@kiln/source ../../tools/webgpu/kiln-ops-probe.ts
// Env: PROBE_REPS (default 10). Before the gpu.ts fix this crashed Node on the first few ops.
import { arange, cat, manualSeed, randn } from '../../packages/tensor/src/index.ts';
import { initWebGPU } from '../../packages/backend-webgpu/src/index.ts';

await initWebGPU();
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
let worst = 0;
const reps = Number(process.env.PROBE_REPS ?? 10);
for (let rep = 0; rep < reps; rep++) {
  manualSeed(rep);
  const a = randn(37, 19);
  const b = randn(19, 23);
  const ga = a.to('webgpu');
  const gb = b.to('webgpu');
  worst = Math.max(worst, maxDiff(await ga.matmul(gb).data(), a.matmul(b).dataSync()));
  worst = Math.max(worst, maxDiff(await ga.t().exp().sum(1).data(), a.t().exp().sum(1).dataSync()));
  worst = Math.max(worst, maxDiff(await ga.max(1).values.data(), a.max(1).values.dataSync()));
  worst = Math.max(worst, maxDiff(await ga.sort(1).values.data(), a.sort(1).values.dataSync()));
  worst = Math.max(worst, maxDiff(await ga.cumsum(0).data(), a.cumsum(0).dataSync()));
  worst = Math.max(worst, maxDiff(await cat([ga, ga]).flip(0).data(), cat([a, a]).flip(0).dataSync()));
  const s = await arange(10).to('webgpu').sum().itemAsync();
  if (s !== 45) throw new Error(`sum(arange(10)) = ${s}`);
}
console.log(`ok: ${reps} reps, max |webgpu - cpu| = ${worst.toExponential(2)}`);
process.exit(worst < 1e-3 ? 0 : 1);
