/**
 * kiln — PyTorch for TypeScript in one import:
 *
 * ```ts
 * import * as torch from 'kiln';
 *
 * const model = new torch.nn.Sequential(new torch.nn.Linear(4, 8), new torch.nn.ReLU(), new torch.nn.Linear(8, 1));
 * const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
 * const loss = torch.nn.functional.mseLoss(model.call(torch.randn([16, 4])), torch.zeros([16, 1]));
 * loss.backward();   // autograd is loaded by this package
 * optimizer.step();
 * ```
 *
 * The top level is `@kiln/tensor` (what `torch.*` holds in PyTorch: `tensor`, `zeros`, `cat`,
 * `manualSeed`, `noGrad`, `Tensor`, dtypes …); the namespaces follow PyTorch's module paths.
 * Every namespace is an ES module namespace of the scoped package, so its classes are usable as
 * types too (`let m: torch.nn.Module`).
 * @packageDocumentation
 */

// Side effect first: installing the autograd dispatch layer and tensor hooks is what makes
// `backward()`, `.grad` and `requiresGrad` work; PyTorch users expect that from `import torch`.
import '@kiln/autograd';

export * from '@kiln/tensor';

/** torch.autograd: `grad`, `backward`, `Function`, `gradcheck`, `gradgradcheck`, `jacobian`, `hessian`, anomaly mode. */
export * as autograd from '@kiln/autograd';
/** torch.nn: modules and losses, with `nn.functional` (F), `nn.init` and `nn.utils` (`@kiln/nn`). */
export * as nn from '@kiln/nn';
/** torch.optim: optimizers, and `optim.lrScheduler` (PyTorch's `lr_scheduler`). */
export * as optim from './optim.js';
/** torch.utils: `utils.data` holds Dataset, DataLoader and samplers (`@kiln/data`). */
export * as utils from './utils.js';
/**
 * torchvision, reached as `torch.vision` (`@kiln/vision`): `vision.datasets.MNIST`,
 * `vision.transforms.Compose`, `vision.utils.makeGrid`. PyTorch ships it as a separate
 * `torchvision` package; Kiln includes it in the umbrella because it is small and pure JS.
 */
export * as vision from '@kiln/vision';
