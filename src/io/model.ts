/**
 * A saved model is two files side by side:
 *
 *   <base>.safetensors   the weights (the state dict, F32), loadable as-is by PyTorch tooling
 *   <base>.json          the architecture (Module.toConfig()), the format version, the list of
 *                        parameter names and shapes, and the caller's metadata
 *
 * Each file is written atomically, weights first. Both carry the same random save id, so a
 * pair torn by a crash between the two renames (new weights, old JSON) is recognised on load
 * instead of silently loading weights into the wrong architecture. Building a Module from the
 * architecture happens on the nn floor; this one only reads and checks the files.
 */
import { readFileChecked } from './read.js';
import { mkdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { FileFormatError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { writeFileAtomicSync, type AtomicWriteOptions } from './atomic.js';
import { encodeSafetensors, loadSafetensors } from './safetensors.js';
import { isPlainObject, kindOf, setOwn, toJsonValue, type JsonValue } from './json.js';

/** What saveModel stores. */
export interface ModelFiles {
  /** The architecture as JSON (from Module.toConfig()). */
  architecture: unknown;
  /** The weights (from Module.stateDict()). */
  stateDict: Record<string, Tensor>;
  /** Anything else worth keeping with the model (training settings, accuracy, …), as JSON. */
  metadata?: Record<string, unknown>;
}

/** What loadModelFiles gives back. */
export interface LoadedModelFiles {
  architecture: JsonValue;
  stateDict: Record<string, Tensor>;
  metadata: Record<string, JsonValue>;
}

/** The two paths of a saved model. */
export interface ModelPaths {
  /** `<base>.safetensors` */
  weights: string;
  /** `<base>.json` */
  json: string;
}

const FORMAT = 'backprop.model';
const VERSION = 1;
const SAVE_ID_KEY = 'backprop.save_id';

/**
 * The file pair for a directory (`dir/model.*`) or a base path (`out/mnist` → `out/mnist.*`;
 * a trailing `.safetensors` or `.json` is dropped, so either file's name works too).
 */
export function modelPaths(dirOrBase: string): ModelPaths {
  let base = dirOrBase;
  let isDir = /[\\/]$/.test(dirOrBase);
  try {
    isDir ||= statSync(dirOrBase).isDirectory();
  } catch {
    // does not exist (yet): a base path
  }
  if (isDir) base = join(dirOrBase, 'model');
  else base = base.replace(/\.(safetensors|json)$/, '');
  return { weights: `${base}.safetensors`, json: `${base}.json` };
}

/** Saves a model as `<base>.safetensors` (weights) + `<base>.json` (architecture, parameter list, metadata), each atomically. */
export function saveModel(dirOrBase: string, model: ModelFiles, options: AtomicWriteOptions = {}): ModelPaths {
  const paths = modelPaths(dirOrBase);
  // Check everything before writing anything.
  if (typeof model.stateDict !== 'object' || model.stateDict === null) {
    throw new ValueError(`saveModel: stateDict must map names to Tensors, got ${kindOf(model.stateDict)}`);
  }
  const parameters: { name: string; shape: number[] }[] = [];
  for (const [name, t] of Object.entries(model.stateDict)) {
    if (!(t instanceof Tensor)) throw new ValueError(`saveModel: stateDict["${name}"] is ${kindOf(t)}, not a Tensor`);
    parameters.push({ name, shape: [...t.shape] });
  }
  if (model.architecture === undefined) throw new ValueError('saveModel: architecture is missing (pass module.toConfig())');
  const architecture = toJsonValue(model.architecture, 'architecture', 'saveModel');
  const metadata = toJsonValue(model.metadata ?? {}, 'metadata', 'saveModel');
  if (!isPlainObject(metadata)) throw new ValueError(`saveModel: metadata must be an object, got ${kindOf(model.metadata)}`);
  const saveId = randomBytes(8).toString('hex');
  const weights = encodeSafetensors(model.stateDict, { format: 'pt', [SAVE_ID_KEY]: saveId });
  const json = { format: FORMAT, formatVersion: VERSION, saveId, architecture, parameters, metadata };

  mkdirSync(dirname(paths.weights), { recursive: true });
  writeFileAtomicSync(paths.weights, weights, options);
  writeFileAtomicSync(paths.json, `${JSON.stringify(json, null, 2)}\n`, options);
  return paths;
}

/** Loads `<base>.json` and `<base>.safetensors`, checking every parameter's presence and shape against each other. */
export function loadModelFiles(dirOrBase: string): LoadedModelFiles {
  const paths = modelPaths(dirOrBase);
  const fail = (msg: string): never => {
    throw new FileFormatError(`${paths.json}: ${msg}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(readFileChecked(paths.json).toString('utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) fail(`not valid JSON (${e.message})`);
    throw e;
  }
  if (!isPlainObject(doc)) fail(`expected a JSON object, got ${kindOf(doc)}`);
  const d = doc as Record<string, unknown>;
  if (d.format !== FORMAT) fail(`not a backprop model file ("format" is ${d.format === undefined ? 'missing' : JSON.stringify(d.format)}, expected "${FORMAT}")`);
  const version = d.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail(`"formatVersion" must be a whole number ≥ 1, got ${JSON.stringify(version)}`);
  if ((version as number) > VERSION) fail(`written by a newer backprop (model format ${String(version)}; this version reads up to ${VERSION})`);
  if (!('architecture' in d)) fail('"architecture" is missing');
  const metadata = d.metadata ?? {};
  if (!isPlainObject(metadata)) fail(`"metadata" must be an object, got ${kindOf(metadata)}`);
  if (!Array.isArray(d.parameters)) fail(`"parameters" must be a list of {name, shape}, got ${kindOf(d.parameters)}`);

  const listed = new Map<string, number[]>();
  (d.parameters as unknown[]).forEach((p, i) => {
    const entry = p as { name?: unknown; shape?: unknown };
    if (!isPlainObject(p) || typeof entry.name !== 'string') fail(`parameters[${i}] must be {name, shape}, got ${JSON.stringify(p)}`);
    const name = entry.name as string;
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) {
      fail(`parameter "${name}": shape must be a list of whole numbers ≥ 0, got ${JSON.stringify(shape)}`);
    }
    if (listed.has(name)) fail(`parameter "${name}" is listed twice`);
    listed.set(name, shape as number[]);
  });

  const { tensors, metadata: weightsMeta } = loadSafetensors(paths.weights);
  const stateDict: Record<string, Tensor> = {};
  for (const [name, shape] of listed) {
    if (!Object.prototype.hasOwnProperty.call(tensors, name)) {
      fail(`parameter "${name}" (shape ${fmtShape(shape)} here) is missing from ${paths.weights}`);
    }
    const t = tensors[name];
    if (!sameShape(t.shape, shape)) {
      fail(`parameter "${name}" has shape ${fmtShape(shape)} here but ${fmtShape(t.shape)} in ${paths.weights}`);
    }
    setOwn(stateDict, name, t);
  }
  for (const [name, t] of Object.entries(tensors)) {
    if (!listed.has(name)) fail(`${paths.weights} holds "${name}" (shape ${fmtShape(t.shape)}), which the parameter list here does not name`);
  }
  const idHere = d.saveId;
  const idThere = weightsMeta[SAVE_ID_KEY];
  if (typeof idHere === 'string' && idThere !== undefined && idHere !== idThere) {
    throw new FileFormatError(`${paths.json} and ${paths.weights} come from different saves (save id ${idHere} vs ${idThere}): a save was interrupted between the two files, or one was replaced`);
  }
  return { architecture: d.architecture as JsonValue, stateDict, metadata: metadata as Record<string, JsonValue> };
}
