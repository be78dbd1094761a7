/**
 * The training record a CLI-saved model carries in its metadata (config, class names, input
 * scaling), checked before eval/predict/info use it: a field of the wrong type is a
 * FileFormatError naming the file and the field, not a TypeError halfway through.
 */
import { BackpropError, FileFormatError } from '../errors.js';
import { modelPaths } from '../io/model.js';
import { PRESETS, validateConfig, type TrainConfig } from './config.js';
import { fail, isObj } from './fields.js';

/** Checks `metadata.config`, `metadata.classes` and `metadata.standardizer`; returns the saved config (fields as saved). */
export function checkSavedMetadata(metadata: Record<string, unknown>, model: string): Partial<TrainConfig> {
  const file = modelPaths(model).json;
  try {
    checkClasses(metadata.classes);
    checkStandardizer(metadata.standardizer);
    if (metadata.config === undefined) return {};
    // Fields left out of an older or hand-written config are filled from a preset for checking only.
    if (!isObj(metadata.config)) fail('config', 'must be a JSON object', metadata.config);
    validateConfig({ ...structuredClone(PRESETS['mnist-mlp']), ...metadata.config });
    return metadata.config as Partial<TrainConfig>;
  } catch (e) {
    if (e instanceof BackpropError && !(e instanceof FileFormatError)) throw new FileFormatError(`${file}: metadata.${e.message}`);
    throw e;
  }
}

function checkClasses(v: unknown): void {
  if (v !== undefined && (!Array.isArray(v) || !v.every((c) => typeof c === 'string'))) fail('classes', 'must be a list of class names', v);
}

function checkStandardizer(v: unknown): void {
  if (v === undefined) return;
  if (!isObj(v)) fail('standardizer', 'must be an object {featureShape, mean, std}', v);
  const wholes = (a: unknown) => Array.isArray(a) && a.every((d) => Number.isSafeInteger(d) && d >= 0);
  const finite = (a: unknown) => Array.isArray(a) && a.every((d) => typeof d === 'number' && Number.isFinite(d));
  if (!wholes(v.featureShape)) fail('standardizer.featureShape', 'must be a list of whole numbers ≥ 0', v.featureShape);
  if (!finite(v.mean)) fail('standardizer.mean', 'must be a list of numbers', v.mean);
  if (!finite(v.std)) fail('standardizer.std', 'must be a list of numbers', v.std);
  const size = (v.featureShape as number[]).reduce((a, b) => a * b, 1);
  if ((v.mean as number[]).length !== size || (v.std as number[]).length !== size) {
    fail('standardizer', `needs ${size} means and stds for featureShape [${(v.featureShape as number[]).join(', ')}]`, { mean: (v.mean as number[]).length, std: (v.std as number[]).length });
  }
}
