/**
 * Looking inside back-propagation, for students. A tiny network — 3 inputs, 2 sigmoid hidden
 * units, 1 sigmoid output — sees one sample x with target d, and E = ½(o − d)². We ask autodiff
 * to keep the gradients of intermediate tensors (`retainGrad()`), call `backward()`, and check
 * the lecture's matrix formulas (column vectors, W stored [out, in]) against what autodiff found:
 *
 *   δ = ∂E/∂z                         the error signal of a layer with pre-activation z
 *   δ_out = f'(z_out) ⊙ (o − d)         at the output (E = ½(o − d)², so ∂E/∂o = o − d)
 *   δ = f'(z) ⊙ (W_nextᵀ δ_next)        one layer back: the back-propagation step
 *   ∂E/∂W = δ yᵀ,  ∂E/∂b = δ            y = the layer's input (x for the first layer)
 *
 * with f = σ and f'(z) = σ(z)(1 − σ(z)) = y ⊙ (1 − y). Finally `gradcheck` compares autodiff
 * with finite differences (f(w + h) − f(w − h)) / 2h for every weight.
 *
 * Run: npx tsx --conditions=source examples/inspect-gradients.ts
 */
import { pathToFileURL } from 'node:url';
import {
  tensor, randn, zeros, linear, sigmoid, l2, matmul, transpose, reshape, mul, sub, noGrad,
  gradcheck, manualSeed, type Tensor,
} from 'backprop';

/** A tensor as a column vector [n, 1], the lectures' convention. */
const col = (t: Tensor): Tensor => reshape(t, [-1, 1]);

/** Largest |a − b| over the elements of two tensors of the same size. */
function maxDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.size; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** Everything the example computes; every tensor is laid out as the lectures write it. */
export interface InspectResult {
  /** Hidden pre-activation z = W1 x + b1 and activation y = σ(z), output o = σ(W2 y + b2), loss E. */
  z: Tensor;
  y: Tensor;
  o: Tensor;
  /** The target d and the loss E = ½(o − d)². */
  d: number;
  E: number;
  /** δ of the hidden layer from autodiff (z.grad) and from the formula f'(z) ⊙ (W2ᵀ δ_out). */
  deltaAutodiff: Tensor;
  deltaFormula: Tensor;
  /** ∂E/∂W1 from autodiff (W1.grad) and from the formula δ xᵀ. */
  dW1Autodiff: Tensor;
  dW1Formula: Tensor;
  /** Largest difference between autodiff and the hand formulas for each quantity. */
  errors: { deltaOut: number; delta: number; dW2: number; dW1: number; db1: number; dy: number };
  /** gradcheck's worst relative error between autodiff and finite differences. */
  gradcheckError: number;
}

/** Builds the network, runs forward and backward once, and checks the formulas. */
export function inspectGradients(): InspectResult {
  manualSeed(4);
  const x = tensor([[1.0, -0.5, 2.0]]); // one sample as a batch of 1: [1, 3]
  const d = tensor([[1.0]]); //             its target: [1, 1]
  const W1 = randn([2, 3], { requiresGrad: true });
  const b1 = zeros([2], { requiresGrad: true });
  const W2 = randn([1, 2], { requiresGrad: true });
  const b2 = zeros([1], { requiresGrad: true });

  // Forward pass. retainGrad() asks backward() to keep ∂E/∂(this tensor) in its .grad;
  // otherwise only the leaves (the weights) keep their gradients.
  const z = linear(x, W1, b1).retainGrad(); //     hidden pre-activation [1, 2]
  const y = sigmoid(z).retainGrad(); //            hidden activation     [1, 2]
  const zOut = linear(y, W2, b2).retainGrad(); //  output pre-activation [1, 1]
  const o = sigmoid(zOut); //                      output                [1, 1]
  const E = l2(o, d); //                           ½‖o − d‖²
  E.backward();

  // The lecture's formulas, computed by hand from the forward values (no graph needed).
  const hand = noGrad(() => {
    const fPrime = (a: Tensor) => mul(a, sub(1, a)); // σ'(z) = σ(z)(1 − σ(z)) from a = σ(z)
    const deltaOut = mul(fPrime(col(o)), sub(col(o), col(d))); //   δ_out = f'(z_out) ⊙ (o − d)
    const dy = matmul(transpose(W2), deltaOut); //                  ∂E/∂y = W2ᵀ δ_out
    const delta = mul(fPrime(col(y)), dy); //                       δ = f'(z) ⊙ (W2ᵀ δ_out)
    const dW2 = matmul(deltaOut, transpose(col(y))); //             ∂E/∂W2 = δ_out yᵀ
    const dW1 = matmul(delta, transpose(col(x))); //                ∂E/∂W1 = δ xᵀ
    return { deltaOut, dy, delta, dW2, dW1 };
  });

  // The same network as a function of its weights, for gradcheck (which works in float64).
  const net = (W1_: Tensor, b1_: Tensor, W2_: Tensor, b2_: Tensor, x_: Tensor, d_: Tensor) =>
    l2(sigmoid(linear(sigmoid(linear(x_, W1_, b1_)), W2_, b2_)), d_);
  const gradcheckError = gradcheck(net, [W1, b1, W2, b2, x, d]); // checks the inputs that require grad: the weights

  return {
    z: col(z.detach()),
    y: col(y.detach()),
    o: o.detach(),
    d: d.item(),
    E: E.item(),
    deltaAutodiff: col(z.grad!),
    deltaFormula: hand.delta,
    dW1Autodiff: W1.grad!,
    dW1Formula: hand.dW1,
    errors: {
      deltaOut: maxDiff(zOut.grad!, hand.deltaOut),
      delta: maxDiff(z.grad!, hand.delta),
      dW2: maxDiff(W2.grad!, hand.dW2),
      dW1: maxDiff(W1.grad!, hand.dW1),
      db1: maxDiff(b1.grad!, hand.delta), // ∂E/∂b = δ
      dy: maxDiff(y.grad!, hand.dy),
    },
    gradcheckError,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = inspectGradients();
  console.log(`z = W1 x + b1 =\n${r.z}`);
  console.log(`y = σ(z) =\n${r.y}`);
  console.log(`o = ${r.o.item().toFixed(4)}, target d = ${r.d}, E = ½(o − d)² = ${r.E.toFixed(5)}\n`);
  console.log(`δ = ∂E/∂z from autodiff (z.grad):\n${r.deltaAutodiff}`);
  console.log(`δ = f'(z) ⊙ (W2ᵀ δ_out) by hand:\n${r.deltaFormula}\n`);
  console.log(`∂E/∂W1 from autodiff (W1.grad):\n${r.dW1Autodiff}`);
  console.log(`∂E/∂W1 = δ xᵀ by hand:\n${r.dW1Formula}\n`);
  console.log('largest |autodiff − formula|:');
  for (const [k, v] of Object.entries(r.errors)) console.log(`  ${k.padEnd(9)} ${v.toExponential(2)}`);
  console.log(`gradcheck (autodiff vs finite differences), worst relative error: ${r.gradcheckError.toExponential(2)}`);
}
