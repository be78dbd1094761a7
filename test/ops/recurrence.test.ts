// The fused recurrence op: every kind × direction × mask against the unfolded graph built step by
// step from existing ops (values and every input gradient), hand-derived numbers, padding that
// carries the state, gradient checks in float64, the graph node, and typed errors naming the shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { assertClose, throwsWith } from '../helpers.js';
import { recurrenceUnrolled } from '../../src/nn/rnn-unrolled.js';

const { recurrence, tensor, randn, zeros, manualSeed, gradcheck, ShapeError, ValueError } = bp;
type Tensor = bp.Tensor;
type Kind = bp.RecurrenceKind;

const KINDS: Kind[] = ['rnnTanh', 'rnnRelu', 'lstm', 'gru'];
const GATES: Record<Kind, number> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/**
 * The lecture's unfolded graph, one step at a time from existing ops (linear, slice, sigmoid, tanh,
 * relu, mul, add, concat, stack): the reference the fused op must equal. Gates as PyTorch's docs.
 */
function unfolded(kind: Kind, xProj: Tensor, h0: Tensor, c0: Tensor | null, wHh: Tensor, bHh: Tensor | null, reverse: boolean, mask: Tensor | null): Tensor {
  const [N, T] = xProj.shape;
  const H = wHh.shape[1];
  const G = GATES[kind];
  let h = h0;
  let c = c0;
  const out: Tensor[] = new Array<Tensor>(T);
  const chunk = (a: Tensor, k: number) => bp.slice(a, k * H, (k + 1) * H, 1);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const xt = bp.reshape(bp.slice(xProj, t, t + 1, 1), [N, G * H]);
    const hh = bp.linear(h, wHh, bHh); // W_hh h + b_hh
    let hNew: Tensor;
    let cNew: Tensor | null = null;
    if (kind === 'rnnTanh') hNew = bp.tanh(bp.add(xt, hh));
    else if (kind === 'rnnRelu') hNew = bp.relu(bp.add(xt, hh));
    else if (kind === 'lstm') {
      const i = bp.sigmoid(bp.add(chunk(xt, 0), chunk(hh, 0)));
      const f = bp.sigmoid(bp.add(chunk(xt, 1), chunk(hh, 1)));
      const g = bp.tanh(bp.add(chunk(xt, 2), chunk(hh, 2)));
      const o = bp.sigmoid(bp.add(chunk(xt, 3), chunk(hh, 3)));
      cNew = bp.add(bp.mul(f, c as Tensor), bp.mul(i, g));
      hNew = bp.mul(o, bp.tanh(cNew));
    } else {
      const r = bp.sigmoid(bp.add(chunk(xt, 0), chunk(hh, 0)));
      const z = bp.sigmoid(bp.add(chunk(xt, 1), chunk(hh, 1)));
      const n = bp.tanh(bp.add(chunk(xt, 2), bp.mul(r, chunk(hh, 2))));
      hNew = bp.add(bp.mul(bp.sub(1, z), n), bp.mul(z, h));
    }
    if (mask) {
      // s_t = m·s̃_t + (1 − m)·s_{t−1}
      const m = bp.slice(mask, t, t + 1, 1);
      hNew = bp.add(bp.mul(m, hNew), bp.mul(bp.sub(1, m), h));
      if (cNew) cNew = bp.add(bp.mul(m, cNew), bp.mul(bp.sub(1, m), c as Tensor));
    }
    h = hNew;
    c = cNew;
    out[t] = kind === 'lstm' ? bp.concat([h, c as Tensor], 1) : h;
  }
  return bp.stack(out, 1);
}

/** Random inputs of one case, every one requiring a gradient; bHh may be left out. */
function inputs(kind: Kind, N: number, T: number, H: number, bias: boolean): { xProj: Tensor; h0: Tensor; c0: Tensor | null; wHh: Tensor; bHh: Tensor | null } {
  const G = GATES[kind];
  const r = (shape: number[], scale: number) => bp.mul(randn(shape), scale).detach().requiresGrad_();
  return {
    xProj: r([N, T, G * H], 1),
    h0: r([N, H], 0.5),
    c0: kind === 'lstm' ? r([N, H], 0.5) : null,
    wHh: r([G * H, H], 0.6),
    bHh: bias ? r([G * H], 0.3) : null,
  };
}

/** Padding of three sequences of lengths 5, 3 and 1 (the last also has a hole at t = 2, which must carry too). */
function maskOf(): Tensor {
  return tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 0, 0]]);
}

/** Values and gradients of Σ states ⊙ weights for the given function of the inputs. */
function run(f: () => Tensor, weights: Tensor, leaves: (Tensor | null)[]): { y: number[]; grads: (number[] | null)[] } {
  for (const l of leaves) if (l) l.grad = null;
  const y = f();
  bp.sum(bp.mul(y, weights)).backward();
  return { y: Array.from(y.data), grads: leaves.map((l) => (l ? Array.from((l.grad as Tensor).data) : null)) };
}

for (const kind of KINDS) {
  for (const reverse of [false, true]) {
    for (const masked of [false, true]) {
      test(`${kind}${reverse ? ' reverse' : ''}${masked ? ' masked' : ''}: states and every input gradient equal the unfolded graph (ours and recurrenceUnrolled)`, () => {
        manualSeed(7);
        const N = 3, T = 5, H = 4;
        const bias = !(reverse && !masked); // one case per kind without b_hh
        const { xProj, h0, c0, wHh, bHh } = inputs(kind, N, T, H, bias);
        const mask = masked ? maskOf() : null;
        const weights = randn([N, T, (kind === 'lstm' ? 2 : 1) * H]);
        const leaves = [xProj, h0, c0, wHh, bHh];
        const fused = run(() => recurrence(kind, xProj, h0, c0, wHh, bHh, { reverse, mask }), weights, leaves);
        const ref = run(() => unfolded(kind, xProj, h0, c0, wHh, bHh, reverse, mask), weights, leaves);
        // The layers' own unfolded graph (src/nn/rnn-unrolled.ts) must agree too.
        const layers = run(() => recurrenceUnrolled(kind, xProj, h0, c0, wHh, bHh, { reverse, mask }), weights, leaves);
        const names = ['xProj', 'h0', 'c0', 'wHh', 'bHh'];
        for (const [what, other] of [['unfolded graph', ref], ['recurrenceUnrolled', layers]] as const) {
          assertClose(fused.y, other.y, 1e-5, 1e-5, `states vs ${what}`);
          fused.grads.forEach((g, i) => {
            if (g === null) return assert.equal(other.grads[i], null);
            assertClose(g, other.grads[i] as number[], 1e-5, 1e-5, `∂L/∂${names[i]} vs ${what}`);
            assert.ok(g.some((v) => v !== 0), `∂L/∂${names[i]} is not all zero`);
          });
        }
      });
    }
  }
}

test('hand-derived: a one-unit tanh RNN over two steps, forward and BPTT', () => {
  // h1 = tanh(0.5 + 0.5·0 + 0.1), h2 = tanh(1 + 0.5·h1 + 0.1); L = h1 + h2.
  const xProj = tensor([[[0.5], [1]]], { requiresGrad: true });
  const h0 = zeros([1, 1], { requiresGrad: true });
  const w = tensor([[0.5]], { requiresGrad: true });
  const b = tensor([0.1], { requiresGrad: true });
  const y = recurrence('rnnTanh', xProj, h0, null, w, b);
  const h1 = Math.tanh(0.6);
  const h2 = Math.tanh(1.1 + 0.5 * h1);
  assertClose(y, [[[h1], [h2]]], 1e-6);
  bp.sum(y).backward();
  // δ2 = 1·(1 − h2²); δ1 = (1 + w·δ2)(1 − h1²): the error flows back through W_hh.
  const d2 = 1 - h2 * h2;
  const d1 = (1 + 0.5 * d2) * (1 - h1 * h1);
  assertClose(xProj.grad as Tensor, [[[d1], [d2]]], 1e-6);
  assertClose(w.grad as Tensor, [[d2 * h1 + d1 * 0]], 1e-6); // Σ_t δ_t h_{t−1}
  assertClose(b.grad as Tensor, [d1 + d2], 1e-6);
  assertClose(h0.grad as Tensor, [[0.5 * d1]], 1e-6);
});

test('a padded sequence gives the states of the same sequence run alone; padding carries the state and gets no gradient', () => {
  manualSeed(3);
  for (const kind of KINDS) {
    const H = 3, G = GATES[kind];
    const xProj = bp.mul(randn([2, 4, G * H]), 1).detach().requiresGrad_();
    const h0 = randn([2, H]);
    const c0 = kind === 'lstm' ? randn([2, H]) : null;
    const wHh = randn([G * H, H]);
    const bHh = randn([G * H]);
    const mask = tensor([[1, 1, 1, 1], [1, 1, 0, 0]]);
    const y = recurrence(kind, xProj, h0, c0, wHh, bHh, { mask });
    const S = y.shape[2];
    // The second sequence alone, its two real steps only.
    const alone = recurrence(kind, bp.slice(bp.slice(xProj, 1, 2, 0), 0, 2, 1), bp.slice(h0, 1, 2, 0), c0 && bp.slice(c0, 1, 2, 0), wHh, bHh);
    const row = (t: Tensor, n: number, step: number) => Array.from(t.data.subarray((n * t.shape[1] + step) * S, (n * t.shape[1] + step + 1) * S));
    for (const step of [0, 1]) assertClose(row(y, 1, step), row(alone, 0, step), 1e-6, 1e-6, `${kind} step ${step}`);
    // Padded steps 2, 3 hold the last real state unchanged.
    assert.deepEqual(row(y, 1, 2), row(y, 1, 1), `${kind}: step 2 carries step 1`);
    assert.deepEqual(row(y, 1, 3), row(y, 1, 1), `${kind}: step 3 carries step 1`);
    // A loss on the last padded step reaches the last real step's gates straight through, and no padded gate.
    const pick = zeros(y.shape);
    pick.data[(1 * 4 + 3) * S] = 1;
    bp.sum(bp.mul(y, pick)).backward();
    const g = (xProj.grad as Tensor).data;
    const gAt = (n: number, t: number) => Array.from(g.subarray((n * 4 + t) * G * H, (n * 4 + t + 1) * G * H));
    assert.ok(gAt(1, 1).some((v) => v !== 0), `${kind}: the last real step gets a gradient`);
    for (const t of [2, 3]) assert.ok(gAt(1, t).every((v) => v === 0), `${kind}: padded step ${t} gets none`);
    for (const t of [0, 1, 2, 3]) assert.ok(gAt(0, t).every((v) => v === 0), `${kind}: the other sequence gets none`);
  }
});

for (const kind of KINDS) {
  test(`gradcheck ${kind}, reversed and masked, float64`, () => {
    manualSeed(11);
    const N = 2, T = 3, H = 2, G = GATES[kind];
    const mask = tensor([[1, 1, 1], [1, 0, 1]]);
    const xs = [randn([N, T, G * H], { requiresGrad: true }), bp.mul(randn([N, H]), 0.5).detach().requiresGrad_()];
    if (kind === 'lstm') xs.push(bp.mul(randn([N, H]), 0.5).detach().requiresGrad_());
    xs.push(bp.mul(randn([G * H, H]), 0.7).detach().requiresGrad_(), randn([G * H], { requiresGrad: true }));
    for (const reverse of [false, true]) {
      const fn = (...a: Tensor[]) => kind === 'lstm'
        ? recurrence(kind, a[0], a[1], a[2], a[3], a[4], { reverse, mask })
        : recurrence(kind, a[0], a[1], null, a[2], a[3], { reverse, mask });
      const err = gradcheck(fn, xs);
      assert.ok(err < 1e-6, `${kind} reverse=${reverse}: worst relative error ${err}`);
    }
  });
}

test('the op is ONE graph node named recurrence with attrs {kind, reverse}, whose inputs are the tensors given', () => {
  manualSeed(1);
  const { xProj, h0, c0, wHh, bHh } = inputs('lstm', 2, 6, 3, true);
  const y = recurrence('lstm', xProj, h0, c0, wHh, bHh, { reverse: true, mask: bp.ones([2, 6]) });
  assert.deepEqual(y.shape, [2, 6, 6]);
  assert.equal(y.node?.op, 'recurrence');
  assert.deepEqual(y.node?.attrs, { kind: 'lstm', reverse: true });
  assert.deepEqual(y.node?.inputs, [xProj, h0, c0, wHh, bHh]);
  const g = recurrence('gru', inputs('gru', 2, 6, 3, false).xProj, zeros([2, 3]), null, randn([9, 3]), null);
  assert.deepEqual(g.node?.inputs.length, 3);
  assert.deepEqual(g.node?.attrs, { kind: 'gru', reverse: false });
});

test('without gradients (noGrad, or no input requiring one) the op records nothing and gives the same states', () => {
  manualSeed(5);
  const { xProj, h0, wHh, bHh } = inputs('rnnTanh', 2, 4, 3, true);
  const y = recurrence('rnnTanh', xProj, h0, null, wHh, bHh);
  const y2 = bp.noGrad(() => recurrence('rnnTanh', xProj, h0, null, wHh, bHh));
  assert.equal(y2.node, null);
  assert.equal(y2.requiresGrad, false);
  assert.deepEqual(Array.from(y2.data), Array.from(y.data));
});

test('shape, kind and option errors are typed and name the shapes', () => {
  const x = zeros([2, 3, 8]), h0 = zeros([2, 2]), c0 = zeros([2, 2]), w = zeros([8, 2]), b = zeros([8]);
  type AnyFn = (...a: unknown[]) => unknown;
  const call = recurrence as unknown as AnyFn;
  throwsWith(() => call('lstmx', x, h0, c0, w, b), ValueError, /^recurrence: kind must be one of rnnTanh, rnnRelu, lstm, gru, got "lstmx"/);
  throwsWith(() => recurrence('gru', x, h0, null, w, b), ShapeError, /^recurrence: wHh of a 'gru' recurrence must be \[3·H, H\] .*got \[8, 2\]/);
  throwsWith(() => recurrence('lstm', zeros([2, 3, 6]), h0, c0, w, b), ShapeError, /xProj must be \[N, T, 8\] .*wHh \[8, 2\].*got \[2, 3, 6\]/);
  throwsWith(() => recurrence('lstm', zeros([2, 8]), h0, c0, w, b), ShapeError, /xProj must be \[N, T, 8\].*got \[2, 8\]/);
  throwsWith(() => recurrence('lstm', zeros([2, 0, 8]), h0, c0, w, b), ShapeError, /xProj \[2, 0, 8\] has no steps/);
  throwsWith(() => recurrence('lstm', x, zeros([3, 2]), c0, w, b), ShapeError, /^recurrence: h0 must have shape \[2, 2\] \(N = 2 from xProj \[2, 3, 8\], H = 2 from wHh \[8, 2\]\), got \[3, 2\]/);
  throwsWith(() => recurrence('lstm', x, h0, null, w, b), ValueError, /'lstm' recurrence needs the initial cell state c0 \[2, 2\]/);
  throwsWith(() => recurrence('lstm', x, h0, zeros([2, 3]), w, b), ShapeError, /c0 must have shape \[2, 2\].*got \[2, 3\]/);
  throwsWith(() => recurrence('rnnTanh', zeros([2, 3, 2]), h0, c0, zeros([2, 2]), null), ValueError, /c0 is the LSTM's cell state; a 'rnnTanh' recurrence takes null/);
  throwsWith(() => recurrence('lstm', x, h0, c0, w, zeros([2])), ShapeError, /bHh must have shape \[8\] \(one bias per row of wHh \[8, 2\]\), got \[2\]/);
  throwsWith(() => recurrence('lstm', x, h0, c0, w, b, { mask: zeros([3, 2]) }), ShapeError, /mask must have shape \[2, 3\].*got \[3, 2\]/);
  throwsWith(() => recurrence('lstm', x, h0, c0, w, b, { mask: bp.full([2, 3], 0.5) }), ValueError, /mask must hold only 0 \(padding\) and 1 .*got 0.5 at \[0, 0\]/);
  throwsWith(() => recurrence('lstm', x, h0, c0, w, b, { reverse: 1 as unknown as boolean }), ValueError, /reverse must be true or false, got 1/);
  throwsWith(() => recurrence('lstm', x, h0, c0, w, b, { lengths: [3, 2] } as unknown as bp.RecurrenceOptions), ValueError, /unknown option 'lengths'/);
  throwsWith(() => call('lstm', [1, 2], h0, c0, w, b), ValueError, /^recurrence: xProj must be a Tensor/);
  throwsWith(() => call('lstm', x, h0, c0, w, b, {}, 1), ValueError, /^recurrence: takes at most 7 arguments but was called with 8/);
});

test('T = 1,000 steps run forward and back as one node: no deep recursion, finite gradients', () => {
  manualSeed(2);
  const T = 1000;
  const xProj = bp.mul(randn([2, T, 4 * 3]), 0.5).detach().requiresGrad_();
  const wHh = bp.mul(randn([12, 3]), 0.5).detach().requiresGrad_();
  const y = recurrence('lstm', xProj, zeros([2, 3]), zeros([2, 3]), wHh, null);
  assert.equal(y.node?.inputs.length, 4);
  bp.sum(bp.slice(y, T - 1, T, 1)).backward();
  const gw = (wHh.grad as Tensor).data;
  assert.ok(gw.every((v) => Number.isFinite(v)) && gw.some((v) => v !== 0));
  // The loss reads only the last step; the first step's inputs still get a (finite) gradient through 999 steps.
  assert.ok((xProj.grad as Tensor).data.every((v) => Number.isFinite(v)));
});
