/**
 * The two oldest neurons:
 *  - the McCulloch–Pitts unit, y = 1 if w·x + b ≥ 0 else −1, whose weights are chosen by hand;
 *  - Rosenblatt's perceptron, which learns its weights by the perceptron rule
 *    (on a mistake, w ← w + y·x; no gradients, no learning rate).
 * The perceptron converges on AND and OR, which a straight line separates, and never on XOR,
 * which no line separates: the limit that motivated hidden layers (see examples/xor.ts).
 *
 * Run: npx tsx --conditions=source examples/perceptron.ts
 */
import { pathToFileURL } from 'node:url';
import { Perceptron, McCullochPitts, andData, orData, xorData, manualSeed, type GateOptions, type Sample } from 'backprop';

/** What training a perceptron on one gate gave. */
export interface GateResult {
  gate: string;
  converged: boolean;
  /** Epochs run (the last one made no mistake when converged). */
  epochs: number;
  /** Mistakes made in each epoch. */
  mistakes: number[];
  /** Learned [w1, w2, b]. */
  weights: number[];
  /** The perceptron's ±1 output for inputs 00, 01, 10, 11 after training. */
  predictions: number[];
  /** The ±1 targets for the same inputs. */
  targets: number[];
}

const GATES: Record<string, (o: GateOptions) => Sample> = { AND: andData, OR: orData, XOR: xorData };

/** Trains a fresh perceptron on AND, OR and XOR (labels ±1) for at most maxEpochs epochs each. */
export function trainPerceptrons(maxEpochs = 20): GateResult[] {
  manualSeed(0); // the perceptron starts from w = 0; the seed only fixes the shuffled order
  return Object.entries(GATES).map(([gate, data]) => {
    const { x, y } = data({ labels: 'pm1' });
    const p = new Perceptron(2);
    const r = p.fit(x, y, { maxEpochs, shuffle: true });
    return {
      gate,
      converged: r.converged,
      epochs: r.epochs,
      mistakes: r.mistakes,
      weights: Array.from(p.weight.data),
      predictions: Array.from(p.forward(x).data),
      targets: Array.from(y.data),
    };
  });
}

/** McCulloch–Pitts units for AND (w = [1, 1], b = −1.5) and OR (w = [1, 1], b = −0.5): their ±1 outputs on 00, 01, 10, 11. */
export function mccullochPitts(): { and: number[]; or: number[] } {
  const { x } = andData();
  const and = new McCullochPitts([1, 1], -1.5);
  const or = new McCullochPitts([1, 1], -0.5);
  return { and: Array.from(and.forward(x).data), or: Array.from(or.forward(x).data) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mp = mccullochPitts();
  console.log('McCulloch–Pitts units (hand-set weights), inputs 00 01 10 11:');
  console.log(`  AND  w=[1, 1] b=-1.5 → ${mp.and.join(' ')}`);
  console.log(`  OR   w=[1, 1] b=-0.5 → ${mp.or.join(' ')}`);
  console.log('\nPerceptron rule (labels ±1):');
  for (const r of trainPerceptrons()) {
    const [w1, w2, b] = r.weights;
    if (r.converged) {
      console.log(`  ${r.gate.padEnd(3)}: converged after ${r.epochs} epochs (mistakes per epoch ${r.mistakes.join(', ')}); w = [${w1}, ${w2}], b = ${b}`);
      console.log(`       outputs ${r.predictions.join(' ')}  targets ${r.targets.join(' ')}`);
    } else {
      console.log(`  ${r.gate.padEnd(3)}: did NOT converge in ${r.epochs} epochs (mistakes per epoch ${r.mistakes.join(', ')})`);
      console.log('       XOR is not linearly separable: no line w·x + b = 0 puts 01, 10 on one side and 00, 11 on the other.');
    }
  }
}
