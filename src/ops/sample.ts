/**
 * Drawing a token from a model's output scores, as a language model generates text: index i is
 * drawn with probability softmax(z / T)_i. The temperature T sharpens (T < 1) or flattens (T > 1)
 * the distribution; T = 0 (or greedy) always takes the most likely token. Draws come from the
 * seeded generator, so manualSeed makes generated text repeatable. Not differentiable: a sample
 * is a choice, not a function of z with a gradient.
 */
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { random } from '../tensor/random.js';
import { Tensor, checkTensor } from '../tensor/tensor.js';
import { checkArgCount } from './args.js';

/** Options of sampleLogits. */
export interface SampleOptions {
  /** T in softmax(z / T) (default 1); 0 takes the argmax, as greedy does. */
  temperature?: number;
  /** Take the most likely index instead of drawing (default false). */
  greedy?: boolean;
}

/**
 * One index per row of `logits` ([V] gives one, [N, V] gives N), drawn with probabilities
 * softmax(logits / temperature), or the argmax (first of ties) when greedy or temperature is 0.
 * A logit of −Infinity is never drawn.
 */
export function sampleLogits(logits: Tensor, options: SampleOptions = {}): number[] {
  checkTensor(logits, 'sampleLogits', 'logits');
  checkArgCount('sampleLogits', 2, arguments.length);
  if (typeof options !== 'object' || options === null) throw new ValueError(`sampleLogits: options must be an object, got ${String(options)}`);
  const t = options.temperature ?? 1;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new ValueError(`sampleLogits: temperature must be a finite number ≥ 0, got ${String(t)}`);
  const greedy = options.greedy ?? false;
  if (typeof greedy !== 'boolean') throw new ValueError(`sampleLogits: greedy must be true or false, got ${String(greedy)}`);
  if ((logits.ndim !== 1 && logits.ndim !== 2) || logits.shape[logits.ndim - 1] === 0) {
    throw new ShapeError(`sampleLogits: logits must be [V] or [N, V] with V ≥ 1, got shape ${fmtShape(logits.shape)}`);
  }
  const v = logits.shape[logits.ndim - 1];
  const rows = logits.ndim === 1 ? 1 : logits.shape[0];
  const z = logits.data;
  const w = new Float64Array(v);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * v;
    let best = 0;
    let m = -Infinity;
    for (let i = 0; i < v; i++) {
      const zi = z[base + i];
      if (Number.isNaN(zi) || zi === Infinity) throw new ValueError(`sampleLogits: logit ${zi} at row ${r}, index ${i}; logits must be finite (or −Infinity for never)`);
      if (zi > m) {
        m = zi;
        best = i;
      }
    }
    if (m === -Infinity) throw new ValueError(`sampleLogits: every logit of row ${r} is −Infinity; there is nothing to draw`);
    if (greedy || t === 0) {
      out.push(best);
      continue;
    }
    // Unnormalised softmax(z / T) in float64, shifted by the largest logit so no exp overflows.
    let total = 0;
    for (let i = 0; i < v; i++) {
      w[i] = Math.exp((z[base + i] - m) / t);
      total += w[i];
    }
    // Inverse-CDF draw: the first index whose cumulative weight passes u·Σw.
    const u = random() * total;
    let acc = 0;
    let pick = best;
    for (let i = 0; i < v; i++) {
      acc += w[i];
      if (u < acc) {
        pick = i;
        break;
      }
    }
    out.push(pick);
  }
  return out;
}
