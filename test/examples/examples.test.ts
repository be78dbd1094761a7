// The examples/ programs run and do what they say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainXorByHand } from '../../examples/xor-by-hand.js';

test('examples/xor-by-hand: the 2-2-1 sigmoid network learns XOR', () => {
  const { outputs, loss } = trainXorByHand();
  assert.ok(loss < 0.02, `loss ${loss}`);
  const expected = [0, 1, 1, 0];
  outputs.forEach((o, i) => assert.equal(o > 0.5 ? 1 : 0, expected[i], `output ${i} = ${o}`));
});
