/**
 * Autograd by example, following the tutorials' backward sections:
 *   1. seed 002 §2.2 — y = (m + n)·(m − n) at m = 2, n = 3: m.grad = 4, n.grad = −6, isLeaf, gradFn;
 *   2. seed 000/002 — non-leaf gradients are not kept unless you call retainGrad();
 *   3. seed 004 §3 — Q = 3a³ − b² with an external gradient [1, 1]: a.grad = 9a², b.grad = −2b;
 *   4. retainGraph — a second backward() through a freed graph fails with PyTorch's message;
 *   5. seed 004 "Exclusion from the DAG" — requiresGrad propagation, detach(), noGrad().
 *
 *   pnpm backward        (node --conditions=@kiln/source --import tsx src/backward.ts)
 */
import '@kiln/autograd'; // import torch  (loading autograd enables backward())
import { noGrad, rand, tensor } from '@kiln/tensor';
import { isMain } from './cli.js';

/** Every number the tests check, plus the printed lines. */
export interface BackwardResults {
  mGrad: number;
  nGrad: number;
  aGrad: number[];
  bGrad: number[];
  retainedGrad: number | null;
  secondBackwardError: string;
  accumulatedMGrad: number;
}

export function run(print: (line: string) => void = console.log): BackwardResults {
  // ── 1. seed 002: the backward example ────────────────────────────────────────────────────────
  print('== 1. y = (m + n) * (m - n)  (seed 002, section 2.2)');
  const m = tensor([2.0], { requiresGrad: true }); //   m = torch.tensor([2.], requires_grad=True)
  const n = tensor([3.0], { requiresGrad: true }); //   n = torch.tensor([3.], requires_grad=True)
  let a = m.add(n); //                                   a = torch.add(m, n)
  let b = m.add(n.neg()); //                             b = torch.add(m, -n)
  let y = a.mul(b); //                                   y = torch.mul(a, b)
  y.backward(); //                                       y.backward()
  print(`m.grad: ${m.grad}`); //                         print('m的梯度:', m.grad)   → tensor([4.])
  print(`n.grad: ${n.grad}`); //                         print('n的梯度', n.grad)    → tensor([-6.])
  print(`m isLeaf: ${m.isLeaf}`); //                     print('m is_leaf:', m.is_leaf) → True
  print(`n isLeaf: ${n.isLeaf}`);
  print(`a isLeaf: ${a.isLeaf}`); //                     → False: a, b, y were computed from m and n
  print(`b isLeaf: ${b.isLeaf}`);
  print(`y isLeaf: ${y.isLeaf}`);
  // grad_fn records the function that created a tensor; leaves have none (seed 000).
  print(`m.gradFn: ${m.gradFn?.name() ?? null}`); //     None
  print(`a.gradFn: ${a.gradFn?.name()}`); //             <AddBackward0>
  print(`y.gradFn: ${y.gradFn?.name()}`); //             <MulBackward0>
  print(`y = ${y}`); //                                  tensor([-5.], grad_fn=<MulBackward0>)
  const results: Partial<BackwardResults> = { mGrad: m.grad!.item() as number, nGrad: n.grad!.item() as number };

  // ── 2. non-leaf gradients: retainGrad() ──────────────────────────────────────────────────────
  print('\n== 2. retainGrad(): keep the gradient of a non-leaf tensor');
  m.grad = null; //                                      m.grad = None (start from zero again)
  n.grad = null;
  a = m.add(n);
  b = m.add(n.neg());
  a.retainGrad(); //                                     a.retain_grad()
  y = a.mul(b);
  y.backward();
  // dy/da = b = m - n = -1. Without retainGrad(), a.grad would be null (and PyTorch warns).
  print(`a.grad (after a.retainGrad()): ${a.grad}`); //  tensor([-1.])
  results.retainedGrad = a.grad!.item() as number;

  // ── 3. seed 004: Q = 3a³ − b² with an external gradient ─────────────────────────────────────
  print('\n== 3. Q = 3a^3 - b^2 with external_grad = [1, 1]  (seed 004, "Differentiation in Autograd")');
  const qa = tensor([2.0, 3.0], { requiresGrad: true }); //   a = torch.tensor([2., 3.], requires_grad=True)
  const qb = tensor([6.0, 4.0], { requiresGrad: true }); //   b = torch.tensor([6., 4.], requires_grad=True)
  const Q = qa.pow(3).mul(3).sub(qb.pow(2)); //               Q = 3*a**3 - b**2
  const externalGrad = tensor([1.0, 1.0]); //                 external_grad = torch.tensor([1., 1.])
  Q.backward(externalGrad); //                                Q.backward(gradient=external_grad)
  // check if collected gradients are correct
  print(`9*a**2 == a.grad: ${qa.pow(2).mul(9).eq(qa.grad!)}`); //  tensor([True, True])
  print(`-2*b == b.grad: ${qb.mul(-2).eq(qb.grad!)}`); //          tensor([True, True])
  print(`a.grad = ${qa.grad}, b.grad = ${qb.grad}`); //           [36., 81.], [-12., -8.]
  results.aGrad = qa.grad!.tolist() as number[];
  results.bGrad = qb.grad!.tolist() as number[];

  // ── 4. retainGraph: backward twice through the same graph ───────────────────────────────────
  print('\n== 4. retainGraph: the graph is freed after backward()');
  m.grad = null;
  y = m.add(n).mul(m.add(n.neg()));
  y.backward();
  try {
    y.backward(); // the saved a and b of MulBackward0 were freed by the first call
    results.secondBackwardError = '';
  } catch (e) {
    results.secondBackwardError = (e as Error).message;
    print(`second y.backward() throws: ${(e as Error).message}`);
  }
  m.grad = null;
  y = m.add(n).mul(m.add(n.neg()));
  y.backward({ retainGraph: true }); //                  y.backward(retain_graph=True)
  y.backward(); //                                       works, and gradients accumulate:
  print(`m.grad after two backward() calls: ${m.grad}`); // tensor([8.]) = 4 + 4
  results.accumulatedMGrad = m.grad!.item() as number;

  // ── 5. seed 004: exclusion from the DAG, detach(), noGrad() ──────────────────────────────────
  print('\n== 5. requiresGrad propagation, detach() and noGrad()  (seed 004, "Exclusion from the DAG")');
  const x5 = rand(5, 5); //                              x = torch.rand(5, 5)
  const y5 = rand(5, 5); //                              y = torch.rand(5, 5)
  const z5 = rand([5, 5], { requiresGrad: true }); //    z = torch.rand((5, 5), requires_grad=True)
  print(`Does \`a\` require gradients? : ${x5.add(y5).requiresGrad}`); // a = x + y → False
  print(`Does \`b\` require gradients?: ${x5.add(z5).requiresGrad}`); //  b = x + z → True
  const detached = x5.add(z5).detach(); //               .detach(): same values, no history
  print(`(x + z).detach().requiresGrad: ${detached.requiresGrad}`); //   False
  const inNoGrad = noGrad(() => x5.add(z5)); //          with torch.no_grad(): ...
  print(`(x + z) inside noGrad: requiresGrad = ${inNoGrad.requiresGrad}`); // False

  return results as BackwardResults;
}

if (isMain(import.meta.url)) run();
