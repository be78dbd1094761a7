// Debug mode: the first op whose forward output or backward gradient holds NaN/±Inf throws a NonFiniteError naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as bp from '../../src/index.js';
import { throwsWith } from '../helpers.js';

const { tensor, Module, Linear, NonFiniteError, ValueError, setDebug, isDebug, detectAnomaly } = bp;

class LogStage extends Module {
  override forward(x: bp.Tensor): bp.Tensor {
    return bp.log(x);
  }
}

/** Linear(3→2) with weight [[1,0,0],[0,−1,0]] and no bias, then log: the second column is negative. */
class MLP extends Module {
  layers: bp.Module[];
  constructor() {
    super();
    const linear = new Linear(3, 2, { bias: false });
    linear.weight.data.set([1, 0, 0, 0, -1, 0]);
    this.layers = [linear, new LogStage()];
  }
  override forward(x: bp.Tensor): bp.Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.call(h);
    return h;
  }
}

const X = [[1, 2, 3], [4, 5, 6]]; // Linear gives [[1, −2], [4, −5]]; log(−2) is NaN

test('forward NaN inside a model: names the op, its input shape, forward, and the module path', () => {
  const model = new MLP();
  let caught: unknown;
  detectAnomaly(() => {
    try {
      model.call(tensor(X));
    } catch (err) {
      caught = err;
    }
  });
  assert.ok(caught instanceof NonFiniteError);
  assert.equal(
    caught.message,
    "debug mode: op 'log' (forward) produced NaN at element 1 of its output [2, 2]; input shape [2, 2]; in MLP > layers.1 (LogStage)",
  );
  assert.equal(caught.op, 'log');
  assert.equal(caught.pass, 'forward');
  assert.deepEqual(caught.inputShapes, [[2, 2]]);
  assert.equal(caught.scope, 'MLP > layers.1 (LogStage)');
  assert.equal(isDebug(), false, 'detectAnomaly restores the previous setting after a throw');
});

test('backward-only Inf: sqrt at 0 is finite forward, Inf backward; the error says backward and names sqrt', () => {
  const x = tensor([0, 1, 4], { requiresGrad: true });
  setDebug(true);
  try {
    const y = bp.sum(bp.sqrt(x)); // forward: 0 + 1 + 2, finite
    assert.equal(y.item(), 3);
    throwsWith(
      () => y.backward(),
      NonFiniteError,
      /^debug mode: op 'sqrt' \(backward\) produced Inf at element 0 of the gradient for its input 0 \(shape \[3\]\); input shape \[3\]; outside any module$/,
    );
  } finally {
    setDebug(false);
  }
});

test('the module path of a backward error is the one captured at forward time', () => {
  class Root extends Module {
    override forward(x: bp.Tensor): bp.Tensor {
      return bp.sqrt(x);
    }
  }
  class Outer extends Module {
    root = new Root();
    override forward(x: bp.Tensor): bp.Tensor {
      return bp.mul(this.root.call(x), 2);
    }
  }
  const x = tensor([[0, 9]], { requiresGrad: true });
  detectAnomaly(() => {
    const y = bp.sum(new Outer().call(x));
    assert.throws(() => y.backward(), (e: unknown) => e instanceof NonFiniteError && e.pass === 'backward' && e.op === 'sqrt' && e.scope === 'Outer > root (Root)');
  });
});

test('debug off: the same NaN and Inf pass silently (as before), and the mode is off by default', () => {
  assert.equal(isDebug(), false);
  const out = new MLP().call(tensor(X));
  assert.ok(Number.isNaN(out.data[1]));
  const x = tensor([0, 1], { requiresGrad: true });
  bp.sum(bp.sqrt(x)).backward();
  assert.equal(x.grad!.data[0], Infinity);
});

test('a NaN already in an input is reported at the first op that sees it, saying it came from before', () => {
  detectAnomaly(() =>
    throwsWith(() => bp.mul(tensor([1, NaN]), 2), NonFiniteError, /op 'mul' \(forward\) produced NaN at element 1 of its output \[2\] \(its input 0 already held a NaN\/Inf/),
  );
});

test('debug mode checks ops run under noGrad too, and Inf as well as NaN', () => {
  detectAnomaly(() =>
    bp.noGrad(() => throwsWith(() => bp.div(tensor([1, -1]), tensor([0, 0])), NonFiniteError, /op 'div' \(forward\) produced Inf at element 0 of its output \[2\]; input shapes \[2\], \[2\]; outside any module$/)),
  );
});

test('setDebug and detectAnomaly refuse bad arguments; detectAnomaly returns fn’s value and handles promises', async () => {
  throwsWith(() => setDebug(1 as unknown as boolean), ValueError, /setDebug: expected true or false, got 1/);
  throwsWith(() => detectAnomaly(42 as unknown as () => void), ValueError, /detectAnomaly: expected a function to run, got number/);
  assert.equal(detectAnomaly(() => (isDebug() ? 'on' : 'off')), 'on');
  assert.equal(isDebug(), false);
  const p = detectAnomaly(async () => {
    await new Promise((r) => setTimeout(r, 5));
    return isDebug();
  });
  assert.equal(isDebug(), true, 'still on while the promise runs');
  assert.equal(await p, true);
  assert.equal(isDebug(), false);
});

test('scopePath is exported and empty outside any module', () => {
  assert.equal(bp.scopePath(), '');
});

test('in debug mode each node keeps the module path that ran it; off, none is captured', () => {
  class Scale extends Module {
    override forward(x: bp.Tensor): bp.Tensor {
      return bp.mul(x, 3);
    }
  }
  class Net extends Module {
    body = new Scale();
    override forward(x: bp.Tensor): bp.Tensor {
      return bp.relu(this.body.call(x));
    }
  }
  const x = tensor([1, -2], { requiresGrad: true });
  const y = detectAnomaly(() => new Net().call(x));
  assert.deepEqual([y.node!.op, y.node!.scope], ['relu', 'Net']);
  assert.deepEqual([y.node!.inputs[0].node!.op, y.node!.inputs[0].node!.scope], ['mul', 'Net > body (Scale)']);
  assert.equal(new Net().call(x).node!.scope, undefined);
});
