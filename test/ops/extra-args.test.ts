// Extra positional arguments an op would ignore are errors, from plain JS calls and from the fluent methods.
import { test } from 'node:test';
import * as bp from '../../src/index.js';
import { throwsWith } from '../helpers.js';

const { tensor, ValueError } = bp;
type AnyFn = (...a: unknown[]) => unknown;

const x = tensor([[0.5, -1, 2], [1, 0.25, -3]]);
const idx = tensor([[0, 1], [2, 0]]);

/** Each op with a full list of the positional arguments it accepts. */
const cases: [string, unknown, unknown[]][] = [
  ['add', bp.add, [x, x]], ['sub', bp.sub, [x, 1]], ['mul', bp.mul, [2, x]], ['div', bp.div, [x, 2]],
  ['neg', bp.neg, [x]], ['pow', bp.pow, [x, 2]], ['exp', bp.exp, [x]], ['log', bp.log, [x]],
  ['sqrt', bp.sqrt, [x]], ['abs', bp.abs, [x]], ['clamp', bp.clamp, [x, -1, 1]], ['sin', bp.sin, [x]], ['cos', bp.cos, [x]],
  ['sigmoid', bp.sigmoid, [x]], ['tanh', bp.tanh, [x]], ['relu', bp.relu, [x]], ['leakyRelu', bp.leakyRelu, [x, 0.1]],
  ['softplus', bp.softplus, [x, {}]], ['elu', bp.elu, [x, 1]], ['identity', bp.identity, [x]],
  ['step', bp.step, [x, {}]], ['sign', bp.sign, [x, {}]],
  ['softmax', bp.softmax, [x, 0]], ['logSoftmax', bp.logSoftmax, [x, 0]],
  ['reshape', bp.reshape, [x, [3, 2]]], ['flatten', bp.flatten, [x, 0, 1]], ['unsqueeze', bp.unsqueeze, [x, 0]],
  ['squeeze', bp.squeeze, [x, 0]], ['permute', bp.permute, [x, [1, 0]]], ['transpose', bp.transpose, [x, 0, 1]],
  ['slice', bp.slice, [x, 0, 1, 1]], ['indexSelect', bp.indexSelect, [x, 1, [0]]], ['gather', bp.gather, [x, 1, idx]],
  ['concat', bp.concat, [[x, x], 0]], ['stack', bp.stack, [[x, x], 0]], ['clone', bp.clone, [x]],
  ['broadcastTo', bp.broadcastTo, [x, [2, 2, 3]]], ['embedding', bp.embedding, [tensor([1, 0]), x, {}]],
];

test('every op runs with its full argument list and refuses one more, naming itself and the count', () => {
  for (const [name, fn, args] of cases) {
    (fn as AnyFn)(...args); // the full list is fine
    const n = args.length + 1;
    throwsWith(() => (fn as AnyFn)(...args, 1), ValueError, new RegExp(`^${name}: takes at most ${args.length} arguments? but was called with ${n} \\(1 extra argument`));
  }
});

test('the examples of the issue: relu(x, 0.1), exp(x, 2), sigmoid(x, y), add(a, b, c)', () => {
  throwsWith(() => (bp.relu as unknown as AnyFn)(x, 0.1), ValueError, /^relu: takes at most 1 argument but was called with 2 \(1 extra argument/);
  throwsWith(() => (bp.exp as unknown as AnyFn)(x, 2), ValueError, /^exp: .* with 2 \(1 extra/);
  throwsWith(() => (bp.sigmoid as unknown as AnyFn)(x, x), ValueError, /^sigmoid: .* with 2 \(1 extra/);
  throwsWith(() => (bp.add as unknown as AnyFn)(x, x, x, x), ValueError, /^add: takes at most 2 arguments but was called with 4 \(2 extra arguments/);
});

test('the fluent methods refuse extra arguments too', () => {
  throwsWith(() => (x.relu as unknown as AnyFn).call(x, 0.1), ValueError, /^relu: .* with 2 \(1 extra/);
  throwsWith(() => (x.add as unknown as AnyFn).call(x, 1, 2), ValueError, /^add: .* with 3 \(1 extra/);
  throwsWith(() => (x.reshape as unknown as AnyFn).call(x, [3, 2], 1), ValueError, /^reshape: .* with 3 \(1 extra/);
});
