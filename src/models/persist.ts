/** Saving a Module (architecture JSON + safetensors weights) and loading it back without the code that built it. */
import { BackpropError, FileFormatError } from '../errors.js';
import { moduleFromConfig, type AnyModule, type Module, type ModuleConfig } from '../nn/module.js';
import { saveModel, loadModelFiles, modelPaths, type ModelPaths } from '../io/model.js';
import type { JsonValue } from '../io/json.js';
import { withAllocationLimit } from '../tensor/limits.js';
import './classic.js'; // registers the classic models' types
import './char-rnn.js'; // registers CharRNN
import './resnet.js'; // registers ResNet and BasicBlock
import '../nn/conv.js'; // registers the convolution, pooling and residual layers' types
import '../nn/pool.js';
import '../nn/residual.js';
import '../nn/batchnorm.js';
import '../nn/rnn.js'; // registers RNN, LSTM, GRU and their cells
import '../nn/rnn-cells.js';
import '../nn/embedding.js';

/**
 * Elements building a module may allocate beyond twice its weights: room for small buffers and
 * initialisation temporaries, far below what a forged architecture (a 2³¹-unit layer) asks.
 */
const BUILD_SLACK = 1 << 16;

/** Saves a module's architecture and weights as `<base>.json` + `<base>.safetensors`; killed at any point, the pair loads as the old or new model. */
export function saveModule(model: AnyModule, base: string, metadata: Record<string, unknown> = {}): ModelPaths {
  return saveModel(base, { architecture: model.config(), stateDict: model.stateDict(), metadata });
}

/** A module rebuilt from files written by saveModule (or by the `backprop` CLI), with its metadata; M names its type (an LSTM's own signature). */
export function loadModule<M extends AnyModule = Module>(base: string): { model: M; metadata: Record<string, JsonValue>; architecture: ModuleConfig } {
  const files = loadModelFiles(base);
  const arch = files.architecture;
  if (typeof arch !== 'object' || arch === null || Array.isArray(arch) || typeof arch.type !== 'string') {
    throw new FileFormatError(`${base}: the architecture in the model's JSON is not a module config with a 'type'`);
  }
  const architecture = arch as ModuleConfig;
  // The weights are already checked and in memory; the architecture may ask for no more than they hold.
  const elements = Object.values(files.stateDict).reduce((n, t) => n + t.size, 0);
  let model: M;
  try {
    model = withAllocationLimit(2 * elements + BUILD_SLACK, 'building it', () => moduleFromConfig<M>(architecture));
  } catch (e) {
    if (e instanceof BackpropError) throw new FileFormatError(`${modelPaths(base).json}: the architecture cannot be built (${e.message})`);
    throw e;
  }
  model.loadStateDict(files.stateDict);
  model.eval();
  return { model, metadata: files.metadata, architecture };
}
