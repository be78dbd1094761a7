// Tensor creation of an impossible size is a ValueError naming the shape, raised before anything is allocated; bad dims are typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  tensor, zeros, ones, full, rand, randn, eye, arange, zerosLike, fromTypedArray, Linear,
  ValueError, ShapeError, ConfigError,
} from '../../src/index.js';
import { MAX_TENSOR_ELEMENTS } from '../../src/tensor/limits.js';
import { throwsWith } from '../helpers.js';

const TOO_MANY = /has 1\.000e\+10 elements, more than the 2147483647 a tensor can hold/;

test('the limit is 2^31 − 1 elements', () => {
  assert.equal(MAX_TENSOR_ELEMENTS, 2 ** 31 - 1);
});

test('zeros, ones, full, rand and randn of [1e5, 1e5] throw a ValueError naming the shape', () => {
  throwsWith(() => zeros([1e5, 1e5]), ValueError, /^zeros: shape \[100000, 100000\] has 1\.000e\+10 elements/);
  throwsWith(() => ones([1e5, 1e5]), ValueError, /^ones: shape \[100000, 100000\]/);
  throwsWith(() => full([1e5, 1e5], 3), ValueError, /^full: shape \[100000, 100000\]/);
  throwsWith(() => rand([1e5, 1e5]), ValueError, /^rand: shape \[100000, 100000\]/);
  throwsWith(() => randn([1e5, 1e5]), ValueError, /^randn: shape \[100000, 100000\]/);
  for (const f of [() => zeros([1e5, 1e5]), () => randn([1e5, 1e5])]) throwsWith(f, ValueError, TOO_MANY);
});

test('a shape just over the limit is refused; overflowing products too', () => {
  throwsWith(() => zeros([2 ** 31]), ValueError, /^zeros: shape \[2147483648\] has 2\.147e\+9 elements/);
  throwsWith(() => zeros([2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20]), ValueError, /^zeros: shape \[1048576, 1048576, 1048576, 1048576, 1048576\]/);
});

test('a shape with a zero is empty, however large the others', () => {
  assert.equal(zeros([0, 1e9, 1e9]).size, 0);
});

test('eye(1e6) and eye(10, 1e9) are refused before allocating', () => {
  throwsWith(() => eye(1e6), ValueError, /^eye: shape \[1000000, 1000000\] has 1\.000e\+12 elements/);
  throwsWith(() => eye(10, 1e9), ValueError, /^eye: shape \[10, 1000000000\]/);
});

test('arange of a huge (or infinite) count is refused, naming the arguments', () => {
  throwsWith(() => arange(1e10), ValueError, /^arange\(0, 10000000000, 1\): shape \[10000000000\] has 1\.000e\+10 elements/);
  throwsWith(() => arange(0, 1, 1e-12), ValueError, /^arange\(0, 1, 1e-12\): shape \[1000000000000\]/);
  throwsWith(() => arange(-1e308, 1e308), ValueError, /shape \[Infinity\]/);
});

test('tensor() of a nested array sharing one huge row is refused before copying', () => {
  const row = new Array<number>(1e5).fill(0);
  const rows = new Array<number[]>(1e5).fill(row);
  throwsWith(() => tensor(rows), ValueError, /^tensor\(\): shape \[100000, 100000\] has 1\.000e\+10 elements/);
});

test('tensor() of an array that contains itself is a ValueError, not a hang', () => {
  const a: unknown[] = [];
  a.push(a);
  throwsWith(() => tensor(a as number[]), ValueError, /contains itself/);
});

test('tensor() still reads nested arrays and reports ragged ones', () => {
  assert.deepEqual(tensor([[1, 2], [3, 4]]).toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual([...tensor([]).shape], [0]);
  assert.deepEqual([...tensor([[], []]).shape], [2, 0]);
  assert.equal(tensor(7).item(), 7);
  throwsWith(() => tensor([[1, 2], [3]]), ShapeError, /value\[1\] has 1 elements, expected 2/);
  throwsWith(() => tensor([[1], 2]), ShapeError, /value\[1\] is a number but a list of 1 was expected/);
  throwsWith(() => tensor([1, [2]] as number[]), ShapeError, /value\[1\] is a list but its siblings are numbers/);
  throwsWith(() => tensor([1, 'x'] as unknown as number[]), ValueError, /value\[1\] is string/);
});

test('new Linear(2e5, 2e5) throws a ValueError naming the weight shape', () => {
  throwsWith(() => new Linear(2e5, 2e5), ValueError, /shape \[200000, 200000\] has 4\.000e\+10 elements/);
});

test('non-integer, negative, NaN and infinite sizes are ShapeErrors naming the shape', () => {
  throwsWith(() => zeros([2, 1.5]), ShapeError, /^zeros: shape \[2, 1\.5\] has an invalid size 1\.5/);
  throwsWith(() => ones([-1]), ShapeError, /^ones: shape \[-1\] has an invalid size -1/);
  throwsWith(() => rand([NaN]), ShapeError, /invalid size NaN/);
  throwsWith(() => randn([Infinity]), ShapeError, /invalid size Infinity/);
  throwsWith(() => full(['2'] as unknown as number[], 0), ShapeError, /invalid size 2/);
  throwsWith(() => eye(2.5), ShapeError, /^eye: shape \[2\.5, 2\.5\]/);
  throwsWith(() => eye(3, -2), ShapeError, /^eye: shape \[3, -2\]/);
  throwsWith(() => zeros(5 as unknown as number[]), ShapeError, /shape must be an array/);
  throwsWith(() => fromTypedArray(new Float32Array(4), [2, 2.5]), ShapeError, /invalid size 2\.5/);
});

test('arange with non-finite or zero steps, and Linear with bad sizes, are typed errors', () => {
  throwsWith(() => arange(0, 5, 0), ValueError, /step non-zero/);
  throwsWith(() => arange(NaN), ValueError, /finite/);
  throwsWith(() => new Linear(2.5, 3), ConfigError, /inFeatures must be a whole number/);
  throwsWith(() => new Linear(2, -3), ConfigError, /outFeatures must be a whole number/);
});

test('rand and randn refuse non-finite options; zerosLike and fromTypedArray refuse non-tensors', () => {
  throwsWith(() => rand([2], { low: NaN }), ValueError, /rand\(\): option low must be a finite number/);
  throwsWith(() => rand([2], { high: '1' as unknown as number }), ValueError, /option high/);
  throwsWith(() => randn([2], { std: Infinity }), ValueError, /randn\(\): option std/);
  throwsWith(() => zerosLike([1, 2] as unknown as never), ValueError, /zerosLike: input must be a Tensor, got an array/);
  throwsWith(() => fromTypedArray([1, 2] as unknown as Float32Array), ValueError, /expected a typed array/);
});
