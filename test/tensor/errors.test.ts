// Bad input gets a typed error whose message names what was wrong.
import { test } from 'node:test';
import * as bp from '../../src/index.js';
import { throwsWith } from '../helpers.js';

const { tensor, zeros, ShapeError, ValueError } = bp;


test('shape mismatch in a binary op names the op and both shapes', () => {
  throwsWith(() => bp.add(zeros([2, 3]), zeros([4])), ShapeError, /add: shapes \[2, 3\] and \[4\]/);
  throwsWith(() => bp.mul(zeros([2, 3]), zeros([3, 2])), ShapeError, /mul: shapes \[2, 3\] and \[3, 2\]/);
});

test('matmul with misaligned shapes names both shapes', () => {
  throwsWith(() => bp.matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, /matmul: shapes \[2, 3\] and \[4, 5\] are not aligned/);
  throwsWith(() => bp.matmul(zeros([]), zeros([3])), ShapeError, /matmul: both operands need at least 1 dimension, got shapes \[\] and \[3\]/);
  throwsWith(() => bp.matmul(zeros([2, 2, 3]), zeros([3, 3, 4])), ShapeError, /matmul: batch axes of \[2, 2, 3\] and \[3, 3, 4\].*axis 0: 2 vs 3/);
  throwsWith(() => bp.linear(zeros([2, 3]), zeros([4, 5])), ShapeError, /linear: input of shape \[2, 3\]/);
});

test('ragged nested arrays are refused with the position', () => {
  throwsWith(() => tensor([[1, 2], [3]]), ShapeError, /ragged.*value\[1\] has 1 elements, expected 2/);
  throwsWith(() => tensor([[1, 2], 3] as unknown as number[][]), ShapeError, /ragged.*value\[1\] is a number/);
  throwsWith(() => tensor([1, [2, 3]] as unknown as number[]), ShapeError, /ragged.*value\[1\] is a list/);
});

test('tensor() of non-numbers names the element', () => {
  throwsWith(() => tensor([1, 'a'] as unknown as number[]), ValueError, /value\[1\] is string \("a"\)/);
  throwsWith(() => tensor([[1, null]] as unknown as number[][]), ValueError, /value\[0\]\[1\] is null/);
  throwsWith(() => tensor(undefined as unknown as number), ValueError, /undefined/);
});

test('negative or fractional shapes are refused', () => {
  throwsWith(() => zeros([2, -1]), ShapeError, /zeros: shape \[2, -1\] has an invalid size -1/);
  throwsWith(() => bp.ones([1.5]), ShapeError, /invalid size 1.5/);
  throwsWith(() => bp.randn([2, NaN]), ShapeError, /invalid size NaN/);
  throwsWith(() => zeros([6]).reshape([4, -1]), ShapeError, /cannot reshape \[6\] \(6 elements\) into \[4, -1\]/);
  throwsWith(() => zeros([6]).reshape([2, 2]), ShapeError, /cannot reshape \[6\]/);
  throwsWith(() => bp.fromTypedArray(new Float32Array(5), [2, 2]), ShapeError, /5 elements do not fill shape \[2, 2\]/);
});

test('invalid axes name the axis and the valid range', () => {
  throwsWith(() => bp.sum(zeros([2, 3]), 2), ShapeError, /sum: axis 2 is out of range for a tensor of 2 dimensions \(valid: -2…1\)/);
  throwsWith(() => bp.softmax(zeros([2, 3]), -3), ShapeError, /softmax: axis -3/);
  throwsWith(() => bp.max(zeros([2]), 1.5), ShapeError, /max: axis 1.5/);
  throwsWith(() => zeros([2, 3]).permute([0, 0]), ShapeError, /repeats an axis/);
});

test('item() on a non-scalar names the shape', () => {
  throwsWith(() => zeros([2, 2]).item(), ShapeError, /item\(\).*shape \[2, 2\] \(4 elements\)/);
});

test('bad indices are refused', () => {
  throwsWith(() => bp.indexSelect(zeros([3, 2]), 0, [0, 3]), ShapeError, /index 3 at position 1 is out of range for an axis of size 3/);
  throwsWith(() => bp.indexSelect(zeros([3, 2]), 0, [0.5]), ValueError, /not a whole number/);
  throwsWith(() => bp.gather(zeros([3, 2]), 1, tensor([[0], [1]])), ShapeError, /gather: index of shape \[2, 1\]/);
  throwsWith(() => bp.concat([zeros([2, 3]), zeros([2, 4])], 0), ShapeError, /concat: tensor 1 has shape \[2, 4\]/);
});

test('bad scalars and options are refused', () => {
  throwsWith(() => bp.clamp(zeros([2]), 1, 0), ValueError, /clamp: need numbers min ≤ max/);
  throwsWith(() => bp.pow(zeros([2]), NaN), ValueError, /pow: exponent/);
  throwsWith(() => bp.add(zeros([2]), 'x' as unknown as number), ValueError, /expected a Tensor or a number, got string/);
  throwsWith(() => bp.arange(0, 1, 0), ValueError, /step non-zero/);
  throwsWith(() => bp.manualSeed(NaN), ValueError, /seed/);
});
