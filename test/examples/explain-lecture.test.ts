// examples/explain-lecture runs and prints the lecture's numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLecture } from '../../examples/explain-lecture.js';

test("examples/explain-lecture: prints the lecture's network written out, with ∂E/∂w for x→y2 = (z − t)·σ′(u)·0.5·σ′(u2)·x", () => {
  const lines: string[] = [];
  const r = explainLecture(2, (l) => lines.push(l));
  const printed = lines.join('\n');
  assert.match(printed, /^The lecture's example at x = 2/);
  assert.match(printed, /z⁽²⁾ and y⁽²⁾:\n.*\n.*\n\s+1\s+1\.15247\s+0\.759962/);
  // By hand at x = 2: −0.240038 · 0.182420 · 0.5 · 0.0701037 · 2 = −0.00306969
  assert.ok(Math.abs(r.dEdw - -0.00306969) < 1e-7, `∂E/∂w = ${r.dEdw}`);
  assert.match(printed, /∂E\/∂w for the weight connecting x and y2 = δ⁽¹⁾₂ · x = -0\.00306969/);
  assert.equal(r.allChecksAgree, true);
});
