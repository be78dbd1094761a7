/**
 * The jax-js side of the RNN and LSTM rows. jax-js has no recurrent layers and no lax.scan, so the loop over time is
 * written by hand with its numpy API, as a jax user would: one projection x W_ihᵀ + b_ih of all steps, then T steps of
 * h_t = f(xProj_t + W_hh h_{t−1} + b_hh), which jit unrolls into one traced program; valueAndGrad gives backpropagation
 * through time, and the step is the same jit(valueAndGrad) + SGD update as the other jax-js rows.
 */
import { nn, numpy as np } from '@jax-js/jax';
import { sgdStep, timeTraining, type Params } from './jax.js';
import { gates, type RnnProblem } from './rnn-data.js';
import type { RepeatOptions } from './stats.js';

/** The last hidden state h_T [N, H] of a tanh RNN or an LSTM (gate order i, f, g, o) over x [N, T, F], from zero state. */
function lastHidden(p: Params, x: np.Array, lstm: boolean): np.Array {
  const [n, t] = x.shape;
  const hidden = p.whh.shape[1];
  const xProj = np.matmul(x, p.wih.transpose()).add(p.bih); // [N, T, G·H]: the input's share of every step at once
  const whhT = p.whh.transpose();
  const bhh = p.bhh;
  let h = np.zeros([n, hidden]);
  let c = np.zeros([n, hidden]);
  const chunk = (z: np.Array, k: number): np.Array => z.slice([], [k * hidden, (k + 1) * hidden]);
  for (let s = 0; s < t; s++) {
    // z_t = xProj_t + W_hh h_{t−1} + b_hh (jax-js arrays are consumed by use: .ref keeps the shared ones alive)
    const z = xProj.ref.slice([], s).add(np.matmul(h, whhT.ref)).add(bhh.ref);
    if (!lstm) {
      h = np.tanh(z);
      continue;
    }
    const i = nn.sigmoid(chunk(z.ref, 0));
    const f = nn.sigmoid(chunk(z.ref, 1));
    const g = np.tanh(chunk(z.ref, 2));
    const o = nn.sigmoid(chunk(z, 3));
    c = f.mul(c).add(i.mul(g)); // c_t = f ⊙ c_{t−1} + i ⊙ g
    h = o.mul(np.tanh(c.ref)); // h_t = o ⊙ tanh(c_t)
  }
  xProj.dispose();
  whhT.dispose();
  bhh.dispose();
  c.dispose();
  return h;
}

/** The rows' loss: mean over the batch of (head(h_T) − y)², with the head's weight [1, H] as PyTorch stores it. */
function rnnLoss(lstm: boolean): (p: Params, x: np.Array, y: np.Array) => np.Array {
  return (p, x, y) => {
    const out = np.matmul(lastHidden(p, x, lstm), p.hw.transpose()).add(p.hb); // [N, 1]
    return np.mean(np.square(out.sub(y)));
  };
}

/** Median ms of one training step (forward over T steps, backward through time, SGD update) of the row's net, and the losses of the steps run. */
export async function rnnStepMs(p: RnnProblem, lr: number, opts: RepeatOptions): Promise<{ value: number; losses: number[] }> {
  const { n, t, f, h } = p.dims;
  const gh = gates(p.kind) * h;
  const params: Params = {
    wih: np.array(p.wIh).reshape([gh, f]),
    whh: np.array(p.wHh).reshape([gh, h]),
    bih: np.array(p.bIh),
    bhh: np.array(p.bHh),
    hw: np.array(p.headW).reshape([1, h]),
    hb: np.array(p.headB),
  };
  const batch: [np.Array, np.Array] = [np.array(p.x).reshape([n, t, f]), np.array(p.y).reshape([n, 1])];
  const { ms, losses } = await timeTraining(`${p.kind} step`, { params, step: sgdStep(rnnLoss(p.kind === 'lstm'), lr) }, [batch], opts);
  return { value: ms, losses };
}
