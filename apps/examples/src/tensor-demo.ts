/**
 * The tensor demo: the first steps of the PyTorch tutorials (seed 000/004), in Kiln.
 * Run it with `bash scripts/demo.sh` (or `pnpm --filter @kiln/examples tensor-demo`).
 */
import { arange, fromTypedArray, manualSeed, ones, rand, tensor, zeros } from '@kiln/tensor';

/** Prints a heading and a value the way the tutorials do. */
function show(label: string, value: unknown): void {
  console.log(`${label}\n${String(value)}\n`);
}

export function main(): void {
  manualSeed(0);
  // 1. Tensors from data, with and without a dtype
  const data = [[1, 2], [3, 4]];
  const xData = tensor(data);
  show('x_data = torch.tensor(data)', xData);

  // 2. numpy interop analogue: fromTypedArray shares memory with the typed array
  const npArray = new Float32Array([1, 2, 3, 4]);
  const xNp = fromTypedArray(npArray, [2, 2]);
  xNp.add_(1);
  show('fromTypedArray shares memory: after x_np.add_(1) the typed array is', `[${Array.from(npArray).join(', ')}]`);

  // 3. Shapes, random and constant tensors
  const shape = [2, 3];
  show('rand(shape)', rand(shape));
  show('ones(shape)', ones(shape));
  show('zeros(shape)', zeros(shape));

  // 4. Attributes
  const t = rand(3, 4);
  console.log(`Shape of tensor: [${t.shape.join(', ')}]\nDatatype of tensor: ${t.dtype}\nDevice tensor is stored on: ${t.device}\n`);

  // 5. Indexing-style views, cat, arithmetic
  const m = ones(4, 4);
  m.select(1, 1).zero_();
  show('tensor[:, 1] = 0', m);
  const a = arange(6, { dtype: 'float32' }).reshape(2, 3);
  show('a @ a.T', a.matmul(a.T));
  show('a * a', a.mul(a));
  show('a.sum(1)', a.sum(1));
  const agg = a.sum();
  console.log(`agg.item() = ${agg.item()}`);
}

main();
