/* global DOMParser, setTimeout */
// The checks the headless-Chromium test runs in the page (and test/browser/chromium.test.ts runs
// in Node too, for comparison). Plain JavaScript, served as is: `bp` is the backprop browser
// entry, `wasm` the wasm instance module (for the memory's shared flag).

/** A [rows, cols] matrix of small integers (exact in float32, so every summation order agrees). */
function intMatrix(bp, rows, cols, seed) {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7 + seed * 13) % 9) - 4;
  return bp.fromTypedArray(data, [rows, cols]);
}

/** The product by the schoolbook triple loop. */
function naiveMatmul(a, b, n, k, m) {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * m + j];
    out[i * m + j] = s;
  }
  return out;
}

/** matmul on the current backend: a 2×3·3×2 product with known entries and a 65×47·47×33 one against the triple loop. */
function matmulCheck(bp) {
  const small = bp.matmul(bp.tensor([[1, 2, 3], [4, 5, 6]]), bp.tensor([[7, 8], [9, 10], [11, 12]])).toArray();
  const a = intMatrix(bp, 65, 47, 1);
  const b = intMatrix(bp, 47, 33, 2);
  const got = bp.matmul(a, b).data;
  const want = naiveMatmul(a.data, b.data, 65, 47, 33);
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
  return { small, maxDiff };
}

/** A 2-16-1 MLP trained by fit on 200 noisy moons (seed 0, Adam, 40 epochs of batch 32). */
function trainMlp(bp) {
  bp.manualSeed(0);
  const { x, y } = bp.moons({ n: 200, noise: 0.1 });
  const model = new bp.Sequential(new bp.Linear(2, 16), new bp.Tanh(), new bp.Linear(16, 16), new bp.Tanh(), new bp.Linear(16, 1));
  const history = bp.fit(model, { x, y }, {
    loss: 'binaryCrossEntropyWithLogits',
    optimizer: new bp.Adam(model.parameters(), { lr: 0.02 }),
    epochs: 40,
    batchSize: 32,
    metrics: ['accuracy'],
    progress: 'none',
  });
  const last = history.epochs[history.epochs.length - 1];
  const logits = Array.from(bp.predict(model, x).data);
  return { loss: last.loss, accuracy: last.accuracy, logits, curves: svgCheck(bp.plotCurves(history)) };
}

/** Whether an SVG document parses (where a DOMParser exists: the page) and how many lines (polyline) it draws. */
function svgCheck(svg) {
  if (typeof DOMParser === 'undefined') return { parsed: null, lines: (svg.match(/<polyline\b/g) ?? []).length };
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const ok = doc.documentElement.nodeName === 'svg' && doc.getElementsByTagName('parsererror').length === 0;
  return { parsed: ok, lines: doc.getElementsByTagName('polyline').length };
}

/** The largest absolute difference between two arrays. */
function maxAbsDiff(got, want) {
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
  return d;
}

/**
 * A 256×256·256×256 integer product on the wasm backend (big enough for the worker pool to split
 * it) against the triple loop, before and after the page's Web Workers have had time to start
 * (they start asynchronously); `pool` is the pool module, or null where there is none.
 */
export async function threadCheck(bp, wasm, pool) {
  bp.setBackend('wasm');
  const a = intMatrix(bp, 256, 256, 3);
  const b = intMatrix(bp, 256, 256, 4);
  const want = naiveMatmul(a.data, b.data, 256, 256, 256);
  const first = maxAbsDiff(bp.matmul(a, b).data, want);
  await new Promise((done) => setTimeout(done, 1000));
  const second = maxAbsDiff(bp.matmul(a, b).data, want);
  const workers = pool ? pool.poolWorkers(wasm.instance(wasm.bestVariant())) : 0;
  return { first, second, workers, threads: bp.describeBackend('wasm').threads };
}

/** Everything the test asserts, for one page load (or one Node process). */
export function runChecks(bp, wasm) {
  const out = {
    crossOriginIsolated: globalThis.crossOriginIsolated ?? null,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    defaultBackend: bp.getBackend(),
    backends: bp.listBackends(),
  };
  const variant = wasm.bestVariant();
  const inst = wasm.instance(variant);
  out.wasm = { variant, shared: inst.shared, unshared: inst.unshared ?? null, threads: bp.describeBackend('wasm').threads, native: bp.describeBackend('wasm').native.length };
  out.runs = {};
  for (const name of ['wasm', 'cpu']) {
    bp.setBackend(name);
    out.runs[name] = { backend: bp.getBackend(), matmul: matmulCheck(bp), mlp: trainMlp(bp) };
  }
  bp.setBackend(out.defaultBackend);
  return out;
}
