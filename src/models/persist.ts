/** Saving a Module (architecture JSON + safetensors weights) and loading it back without the code that built it. */
import { FileFormatError } from '../errors.js';
import { moduleFromConfig, type Module, type ModuleConfig } from '../nn/module.js';
import { saveModel, loadModelFiles, type ModelPaths } from '../io/model.js';
import type { JsonValue } from '../io/json.js';
import './classic.js'; // registers the classic models' types

/** Saves a module's architecture and weights as `<base>.json` + `<base>.safetensors`, atomically. */
export function saveModule(model: Module, base: string, metadata: Record<string, unknown> = {}): ModelPaths {
  return saveModel(base, { architecture: model.config(), stateDict: model.stateDict(), metadata });
}

/** A module rebuilt from files written by saveModule (or by the `backprop` CLI), with its metadata. */
export function loadModule(base: string): { model: Module; metadata: Record<string, JsonValue>; architecture: ModuleConfig } {
  const files = loadModelFiles(base);
  const arch = files.architecture;
  if (typeof arch !== 'object' || arch === null || Array.isArray(arch) || typeof arch.type !== 'string') {
    throw new FileFormatError(`${base}: the architecture in the model's JSON is not a module config with a 'type'`);
  }
  const architecture = arch as ModuleConfig;
  const model = moduleFromConfig(architecture);
  model.loadStateDict(files.stateDict);
  model.eval();
  return { model, metadata: files.metadata, architecture };
}
