// explain on the lecture's worked example: the printed table against numbers derived by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain, formatExplain, lecturePreset } from '../../src/explain/index.js';

// By hand, at x = 2 and target t = 1 (σ(v) = 1/(1 + e^−v), σ′ = σ(1 − σ)):
//   z⁽¹⁾ = (0.5·2 + 1, 1·2 + 0.5) = (2, 2.5)          y⁽¹⁾ = (σ(2), σ(2.5)) = (0.880797, 0.924142)
//   z⁽²⁾ = 0.5·0.880797 + 0.5·0.924142 + 0.25 = 1.152469   y⁽²⁾ = σ(1.152469) = 0.759962
//   E = ½(0.759962 − 1)² = 0.0288092
//   ∂E/∂y⁽²⁾ = z − t = −0.240038,  f′(z⁽²⁾) = 0.759962·0.240038 = 0.182420,  δ⁽²⁾ = −0.0437878
//   ∂E/∂W⁽²⁾ = δ⁽²⁾ y⁽¹⁾ = (−0.0385681, −0.0404661),  ∂E/∂b⁽²⁾ = −0.0437878
//   ∂E/∂y⁽¹⁾ = W⁽²⁾ᵀ δ⁽²⁾ = (0.5·δ⁽²⁾, 0.5·δ⁽²⁾) = (−0.0218939, −0.0218939)
//   f′(z⁽¹⁾) = (σ(2)(1 − σ(2)), σ(2.5)(1 − σ(2.5))) = (0.104994, 0.0701037)
//   δ⁽¹⁾ = (−0.00229872, −0.00153484)
//   ∂E/∂W⁽¹⁾ = δ⁽¹⁾ x = (−0.00459744, −0.00306969) — the second is the lecture's
//     ∂E/∂w = (z − t)·σ′(u)·0.5·σ′(u₂)·x for the weight connecting x and y₂
//   ∂E/∂x = 0.5·δ⁽¹⁾₁ + 1·δ⁽¹⁾₂ = −0.00268420
const HAND = {
  z1: [2, 2.5], y1: [0.880797, 0.924142], z2: 1.152469, y2: 0.759962, E: 0.0288092,
  dy2: -0.240038, fp2: 0.18242, d2: -0.0437878, dW2: [-0.0385681, -0.0404661],
  dy1: [-0.0218939, -0.0218939], fp1: [0.104994, 0.0701037], d1: [-0.00229872, -0.00153484],
  dW1: [-0.00459744, -0.00306969], dx: -0.0026842,
};

/** The number rows of the printed table captioned `caption` (the neuron column dropped). */
function tableRows(text: string, caption: string): number[][] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === `${caption}:`);
  assert.ok(at >= 0, `no table '${caption}' in\n${text}`);
  const rows: number[][] = [];
  for (const line of lines.slice(at + 3)) {
    if (!/^\s+\d/.test(line)) break;
    rows.push(line.trim().split(/\s+/).slice(1).map(Number));
  }
  return rows;
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 2e-5 * Math.abs(expected) + 1e-9, `${what}: printed ${actual}, by hand ${expected}`);
}

test('explain --preset lecture: every printed z, y, ∂Div/∂y, f′(z), δ, ∂Div/∂W, ∂Div/∂b equals the hand-derived value', () => {
  const p = lecturePreset();
  const text = formatExplain(explain(p.model, p.x, p.target, { loss: p.loss }), 'table');
  const fwd1 = tableRows(text, 'z⁽¹⁾ and y⁽¹⁾');
  assert.equal(fwd1.length, 2);
  fwd1.forEach(([z, y], j) => { near(z, HAND.z1[j], `z⁽¹⁾${j + 1}`); near(y, HAND.y1[j], `y⁽¹⁾${j + 1}`); });
  const [[z2, y2]] = tableRows(text, 'z⁽²⁾ and y⁽²⁾');
  near(z2, HAND.z2, 'z⁽²⁾');
  near(y2, HAND.y2, 'y⁽²⁾');
  const loss = /= (\S+)\n/.exec(text.slice(text.indexOf('Div = ½‖y − d‖²')));
  assert.ok(loss);
  near(Number(loss[1]), HAND.E, 'E');
  const [[dy2, fp2, d2]] = tableRows(text, '∂Div/∂y⁽²⁾, f′(z⁽²⁾) and δ⁽²⁾');
  near(dy2, HAND.dy2, '∂E/∂y⁽²⁾');
  near(fp2, HAND.fp2, 'f′(z⁽²⁾)');
  near(d2, HAND.d2, 'δ⁽²⁾');
  const [[w21, w22, b2]] = tableRows(text, '∂Div/∂W⁽²⁾ = δ⁽²⁾ y⁽¹⁾ᵀ and ∂Div/∂b⁽²⁾ = δ⁽²⁾');
  near(w21, HAND.dW2[0], '∂E/∂W⁽²⁾11');
  near(w22, HAND.dW2[1], '∂E/∂W⁽²⁾12');
  near(b2, HAND.d2, '∂E/∂b⁽²⁾');
  const back1 = tableRows(text, '∂Div/∂y⁽¹⁾, f′(z⁽¹⁾) and δ⁽¹⁾');
  back1.forEach(([dy, fp, d], j) => {
    near(dy, HAND.dy1[j], `∂E/∂y⁽¹⁾${j + 1}`);
    near(fp, HAND.fp1[j], `f′(z⁽¹⁾)${j + 1}`);
    near(d, HAND.d1[j], `δ⁽¹⁾${j + 1}`);
  });
  const grad1 = tableRows(text, '∂Div/∂W⁽¹⁾ = δ⁽¹⁾ y⁽⁰⁾ᵀ and ∂Div/∂b⁽¹⁾ = δ⁽¹⁾');
  grad1.forEach(([w, b], j) => { near(w, HAND.dW1[j], `∂E/∂W⁽¹⁾${j + 1}1`); near(b, HAND.d1[j], `∂E/∂b⁽¹⁾${j + 1}`); });
  const [[dx]] = tableRows(text, '∂Div/∂x');
  near(dx, HAND.dx, '∂E/∂x');
  assert.doesNotMatch(text, /\bNO\b/, 'every check agrees');
});

test("explain: the lecture's ∂E/∂w for the weight x→y₂ is (z − t)·σ′(u)·0.5·σ′(u₂)·x at other inputs too", () => {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const dsig = (v: number) => sig(v) * (1 - sig(v));
  for (const x of [-1, 0.5, 3]) {
    const p = lecturePreset(x);
    const r = explain(p.model, p.x, p.target, { loss: p.loss });
    const u2 = x + 0.5;
    const u = 0.5 * sig(0.5 * x + 1) + 0.5 * sig(u2) + 0.25;
    const expected = (sig(u) - 1) * dsig(u) * 0.5 * dsig(u2) * x;
    const got = r.layers[0].dDivDW[1][0];
    assert.ok(Math.abs(got - expected) <= 1e-6 * Math.abs(expected) + 1e-9, `x = ${x}: ${got} vs ${expected}`);
    assert.ok(r.checks.every((c) => c.ok));
  }
});
