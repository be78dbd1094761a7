// The float64 SIMD math of src/kernels/wasm/vmath.h (through unary.c's vmath_eval) against
// Math.exp/log/log1p/expm1/tanh and σ = 1/(1 + e^−z) computed with Math.exp, in float64 ulps, on
// seeded inputs across the range the float32 kernels use and on edge values. The bounds asserted
// here are the ones stated in the header.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { instance } from '../../src/kernels/wasm/instance.js';
import { wasmCall } from '../../src/kernels/wasm/call.js';
import { wasmFeatures } from '../../src/kernels/wasm/index.js';
import { rng } from './data.js';

/** vmath_eval(op, x, y, n): op 0 exp, 1 log, 2 log1p, 3 expm1, 4 σ, 5 tanh, 6 sin, 7 cos on float64 arrays. */
interface VmathExports {
  vmath_eval(op: number, x: number, y: number, n: number): void;
}

/** The wasm function `op` on every value of xs. */
function evaluate(op: number, xs: readonly number[]): Float64Array {
  const inst = instance('simd');
  const ex = inst.exports as unknown as VmathExports;
  let y = new Float64Array(0);
  const ok = wasmCall(inst, (c) => {
    const px = c.scratch(2 * xs.length);
    const py = c.scratch(2 * xs.length);
    new Float64Array(inst.memory.buffer, px, xs.length).set(xs);
    ex.vmath_eval(op, px, py, xs.length);
    y = new Float64Array(inst.memory.buffer, py, xs.length).slice();
  });
  assert.ok(ok);
  return y;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
/** Position of a double on the line of doubles. */
function ordinal(v: number): bigint {
  f64[0] = v;
  const b = i64[0];
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}

/** The largest distance in ulps between got and want (NaN, infinities and zeros must match exactly). */
function maxUlps(what: string, xs: readonly number[], got: Float64Array, want: (x: number) => number): number {
  let worst = 0;
  xs.forEach((x, i) => {
    const w = want(x);
    const g = got[i];
    if (!Number.isFinite(w) || w === 0) {
      assert.ok(Object.is(g, w) || (w === 0 && g === 0), `${what}(${x}) = ${g}, Math ${w}`);
      return;
    }
    const d = ordinal(g) - ordinal(w);
    worst = Math.max(worst, Number(d < 0n ? -d : d));
  });
  return worst;
}

/** n seeded values uniform in [lo, hi). */
function uniform(n: number, lo: number, hi: number, seed: number): number[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => lo + ((next() + 1) / 2) * (hi - lo));
}

const sig = (z: number): number => 1 / (1 + Math.exp(-z));

describe('vmath.h accuracy (float64 ulps)', { skip: !wasmFeatures().simd }, () => {
  test('exp ≤ 2 ulp on [−708, 708], 0 below, ∞ above float range, NaN kept', () => {
    const xs = [...uniform(20000, -708, 708, 1), ...uniform(20000, -2, 2, 2), 0, -0, 1e-300, -1e-20, 708];
    const ulps = maxUlps('exp', xs, evaluate(0, xs), Math.exp);
    assert.ok(ulps <= 2, `exp: ${ulps} ulp`);
    const special = evaluate(0, [-709, -Infinity, NaN, 1000]);
    assert.deepEqual([...special.slice(0, 2)], [0, 0]);
    assert.ok(Number.isNaN(special[2]));
    assert.ok(special[3] > 3e38, 'e^1000 saturates far above float32 range');
  });

  test('log ≤ 2 ulp over every float32 magnitude; 0 → −∞, negative → NaN, ∞ → ∞', () => {
    const next = rng(3);
    const xs = Array.from({ length: 40000 }, (_, i) => Math.fround(Math.abs(next()) * 10 ** ((i % 90) - 45))).filter((x) => x > 0);
    xs.push(1, 2, 0.5, Math.SQRT2, Math.SQRT1_2, 1 + 2 ** -23, 1 - 2 ** -24, 3.4e38, 1.4e-45);
    const ulps = maxUlps('log', xs, evaluate(1, xs), Math.log);
    assert.ok(ulps <= 2, `log: ${ulps} ulp`);
    maxUlps('log', [0, -0, -1, Infinity, NaN], evaluate(1, [0, -0, -1, Infinity, NaN]), Math.log);
  });

  test('log1p ≤ 5 ulp and expm1 ≤ 4 ulp, also for tiny arguments', () => {
    const u = [...uniform(10000, 0, 5, 4), ...uniform(10000, 0, 1e-6, 5), 1e-30, 1e-17, 3e38, 0];
    const l = maxUlps('log1p', u, evaluate(2, u), Math.log1p);
    assert.ok(l <= 5, `log1p: ${l} ulp`);
    const z = [...uniform(10000, -50, 0, 6), ...uniform(10000, -1e-6, 1e-6, 7), ...uniform(5000, 0, 80, 8), -1e-30, -800, 0];
    const e = maxUlps('expm1', z, evaluate(3, z), Math.expm1);
    assert.ok(e <= 4, `expm1: ${e} ulp`);
  });

  test('σ ≤ 3 ulp on [−708, 60]; tanh ≤ 4 ulp, relative accuracy kept for tiny |z|', () => {
    const z = [...uniform(20000, -708, 60, 9), ...uniform(20000, -3, 3, 10)];
    const s = maxUlps('σ', z, evaluate(4, z), sig);
    assert.ok(s <= 3, `σ: ${s} ulp`);
    const t = [...uniform(20000, -20, 20, 11), ...uniform(20000, -0.02, 0.02, 12), ...uniform(1000, -1e-8, 1e-8, 13), 0.01, -0.01, 0.00999, 1e-300];
    const th = maxUlps('tanh', t, evaluate(5, t), Math.tanh);
    assert.ok(th <= 4, `tanh: ${th} ulp`);
  });

  test('sin and cos ≤ 4 ulp on |x| ≤ 1e5, float32 arguments next to multiples of π/2 included; ±∞, NaN → NaN', () => {
    const xs = [...uniform(20000, -1e5, 1e5, 14), ...uniform(20000, -7, 7, 15), ...uniform(500, -1e-8, 1e-8, 16), 0, -0];
    for (let k = 1; k < 60000; k += 7) xs.push(Math.fround((k * Math.PI) / 2), -Math.fround((k * Math.PI) / 2));
    const s = maxUlps('sin', xs, evaluate(6, xs), Math.sin);
    const c = maxUlps('cos', xs, evaluate(7, xs), Math.cos);
    assert.ok(s <= 4 && c <= 4, `sin: ${s} ulp, cos: ${c} ulp`);
    for (const op of [6, 7]) assert.ok(evaluate(op, [Infinity, -Infinity, NaN]).every(Number.isNaN));
  });
});
