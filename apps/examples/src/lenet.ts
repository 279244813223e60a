/**
 * The 60-minute blitz's "Neural Networks" section (seed 004, 四、神经网络), step by step: define
 * LeNet, print it, list its 10 parameter tensors, run a random 1×1×32×32 input, compute an
 * MSELoss against a random target, walk back along `gradFn`, zero the gradients and backpropagate
 * (conv1.bias.grad before/after), and update the weights — by hand, then with `optim.SGD`.
 *
 *   pnpm lenet
 */
import '@kiln/autograd';
import * as F from '@kiln/functional';
import * as nn from '@kiln/nn';
import { SGD } from '@kiln/optim';
import { manualSeed, noGrad, randn, type Tensor } from '@kiln/tensor';
import { isMain } from './cli.js';

/** class Net(nn.Module) — LeNet for 1×32×32 inputs. */
export class Net extends nn.Module {
  // 1 input image channel, 6 output channels, 5x5 square convolution kernel
  conv1 = new nn.Conv2d(1, 6, 5); //            self.conv1 = nn.Conv2d(1, 6, 5)
  conv2 = new nn.Conv2d(6, 16, 5); //           self.conv2 = nn.Conv2d(6, 16, 5)
  // an affine operation: y = Wx + b
  fc1 = new nn.Linear(16 * 5 * 5, 120); //      self.fc1 = nn.Linear(16 * 5 * 5, 120)  (5*5 from the image dimension)
  fc2 = new nn.Linear(120, 84); //              self.fc2 = nn.Linear(120, 84)
  fc3 = new nn.Linear(84, 10); //               self.fc3 = nn.Linear(84, 10)

  override forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1.call(x)), [2, 2]); // Max pooling over a (2, 2) window
    x = F.maxPool2d(F.relu(this.conv2.call(x)), 2); //      If the size is a square, you can specify with a single number
    x = x.flatten(1); //                                    x = torch.flatten(x, 1)  (all dimensions except the batch dimension)
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}

/** The numbers the smoke test checks. */
export interface LenetReport {
  repr: string;
  paramCount: number;
  firstParamShape: number[];
  outShape: number[];
  gradFnChain: string[];
  biasGradBefore: Tensor | null;
  biasGradAfter: number[];
  lossBefore: number;
  lossAfterManual: number;
  lossAfterSgd: number;
}

export function run(print: (line: string) => void = console.log): LenetReport {
  manualSeed(0);
  const net = new Net(); //                                       net = Net()
  print(String(net)); //                                          print(net)

  const params = net.parameters(); //                             params = list(net.parameters())
  print(String(params.length)); //                                print(len(params))        → 10
  print(`[${params[0]!.shape.join(', ')}]`); //                    print(params[0].size())   → conv1's .weight [6, 1, 5, 5]

  const input = randn(1, 1, 32, 32); //                           input = torch.randn(1, 1, 32, 32)
  let out = net.call(input); //                                   out = net(input)
  print(String(out)); //                                          print(out)

  net.zeroGrad(); //                                              net.zero_grad()
  out.backward(randn(1, 10)); //                                  out.backward(torch.randn(1, 10))  (random gradients)

  // Loss function
  const output = net.call(input); //                              output = net(input)
  const target = randn(10).view(1, -1); //                        target = torch.randn(10); target = target.view(1, -1)
  const criterion = new nn.MSELoss(); //                          criterion = nn.MSELoss()
  let loss = criterion.call(output, target); //                   loss = criterion(output, target)
  print(String(loss)); //                                         print(loss)   → tensor(…, grad_fn=<…>)

  // Follow loss backwards with gradFn: input -> conv2d -> relu -> maxpool2d -> … -> linear -> mseloss.
  // PyTorch prints MseLossBackward0, AddmmBackward0, …; Kiln's composite ops (mseLoss, linear) show
  // the node of their last primitive (DivBackward0, AddBackward0, …) — the gradients are the same.
  const chain: string[] = [];
  let node = loss.gradFn;
  for (let i = 0; i < 3 && node; i++) {
    chain.push(node.name()); //                                   print(loss.grad_fn); print(loss.grad_fn.next_functions[0][0]) …
    node = node.nextFunctions.find(([n]) => n !== null)?.[0] ?? null;
  }
  print(chain.join(' <- '));

  // Backprop
  net.zeroGrad(); //                                              net.zero_grad()  (zeroes the gradient buffers of all parameters)
  print('conv1.bias.grad before backward'); //                    Kiln, like PyTorch 2, sets grads to null (PyTorch 1 printed zeros)
  const biasGradBefore = net.conv1.bias!.grad;
  print(String(biasGradBefore));
  loss.backward(); //                                             loss.backward()
  print('conv1.bias.grad after backward');
  print(String(net.conv1.bias!.grad)); //                         print(net.conv1.bias.grad)
  const biasGradAfter = net.conv1.bias!.grad!.tolist() as number[];
  const lossBefore = loss.item() as number;

  // Update the weights by hand: weight = weight - learning_rate * gradient
  const learningRate = 0.01; //                                   learning_rate = 0.01
  noGrad(() => {
    for (const f of net.parameters()) f.sub_(f.grad!.mul(learningRate)); // for f in net.parameters(): f.data.sub_(f.grad.data * learning_rate)
  });
  const lossAfterManual = criterion.call(net.call(input), target).item() as number;
  print(`loss ${lossBefore.toFixed(4)} -> ${lossAfterManual.toFixed(4)} after one manual update`);

  // …or with torch.optim
  const optimizer = new SGD(net.parameters(), { lr: 0.01 }); //   optimizer = optim.SGD(net.parameters(), lr=0.01)
  optimizer.zeroGrad(); //                                        optimizer.zero_grad()   # zero the gradient buffers
  out = net.call(input); //                                       output = net(input)
  loss = criterion.call(out, target); //                          loss = criterion(output, target)
  loss.backward(); //                                             loss.backward()
  optimizer.step(); //                                            optimizer.step()        # Does the update
  const lossAfterSgd = criterion.call(net.call(input), target).item() as number;
  print(`loss ${lossAfterManual.toFixed(4)} -> ${lossAfterSgd.toFixed(4)} after optimizer.step()`);

  return {
    repr: String(net), paramCount: params.length, firstParamShape: [...params[0]!.shape], outShape: [...out.shape], gradFnChain: chain,
    biasGradBefore, biasGradAfter, lossBefore, lossAfterManual, lossAfterSgd,
  };
}

if (isMain(import.meta.url)) run();
