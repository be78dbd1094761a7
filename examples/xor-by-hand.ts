/**
 * A tiny network trained by hand: a 2-2-1 sigmoid MLP learns XOR with tensors, backward()
 * and the gradient-descent update W ← W − η ∂E/∂W written out.
 * Run: npx tsx --conditions=source examples/xor-by-hand.ts
 */
import { pathToFileURL } from 'node:url';
import { tensor, randn, zeros, sigmoid, linear, mean, pow, sub, noGrad, manualSeed, type Tensor } from 'backprop';

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;

/** Trains the network and returns its four outputs and the final loss. */
export function trainXorByHand(steps = 3000, lr = 2): { outputs: number[]; loss: number } {
  manualSeed(1);
  const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const d = tensor([[0], [1], [1], [0]]);
  // Weights stored [out, in] as PyTorch's Linear does.
  const W1 = randn([2, 2], { requiresGrad: true });
  const b1 = zeros([2], { requiresGrad: true });
  const W2 = randn([1, 2], { requiresGrad: true });
  const b2 = zeros([1], { requiresGrad: true });
  const params: Tensor[] = [W1, b1, W2, b2];

  let loss = Infinity;
  for (let step = 0; step < steps; step++) {
    const y1 = sigmoid(linear(X, W1, b1)); // hidden layer
    const y = sigmoid(linear(y1, W2, b2)); // output layer
    const E = mean(pow(sub(y, d), 2)); // mean squared error
    E.backward(); // fills .grad of every parameter
    noGrad(() => {
      for (const p of params) {
        const g = p.grad!.data;
        for (let i = 0; i < g.length; i++) p.data[i] -= lr * g[i];
        p.zeroGrad();
      }
    });
    loss = E.item();
    if (step % 500 === 0 && isMain) console.log(`step ${step}: loss ${loss.toFixed(4)}`);
  }
  const outputs = noGrad(() => Array.from(sigmoid(linear(sigmoid(linear(X, W1, b1)), W2, b2)).data));
  return { outputs, loss };
}

if (isMain) {
  const { outputs, loss } = trainXorByHand();
  console.log(`final loss ${loss.toFixed(4)}`);
  ['0 xor 0', '0 xor 1', '1 xor 0', '1 xor 1'].forEach((q, i) => console.log(`${q} → ${outputs[i].toFixed(3)}`));
}
