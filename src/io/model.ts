/**
 * A saved model is two files side by side:
 *
 *   <base>.safetensors   the weights (the state dict, F32), loadable as-is by PyTorch tooling
 *   <base>.json          the architecture (Module.toConfig()), the format version, the SHA-256
 *                        of the weights file, the list of parameter names and shapes, and the
 *                        caller's metadata
 *
 * The JSON is the commit point of a save (see model-pair.ts): killed at any step, the folder
 * loads as the old model or the new one. The digest also refuses weights damaged or replaced
 * after saving. Format 1 files (a random save id in both files instead of a digest) still load.
 * Building a Module from the architecture happens on the nn floor; this one reads and checks
 * the files, and every shape before anything of that size is allocated.
 */
import { readFileChecked } from './read.js';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileFormatError, ValueError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { checkSize } from '../tensor/limits.js';
import { writeFileAtomicSync, type AtomicWriteStep } from './atomic.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { isPlainObject, kindOf, parseJsonText, setOwn, toJsonValue, type JsonValue } from './json.js';
import { fsyncDir, removeQuietly, sha256Hex, stagedPath, strayFiles } from './model-pair.js';

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

/** A step of saveModel: those of its atomic writes, the rename of the staged weights, the cleanup of stray files. */
export type ModelSaveStep = AtomicWriteStep | 'promote' | 'cleanup';

/** Options of saveModel. */
export interface SaveModelOptions {
  /** Called before each step with the path it acts on; throwing there simulates a crash (for tests). */
  onStep?(step: ModelSaveStep, path: string): void;
  /** Permission bits for new files. */
  mode?: number;
}

const FORMAT = 'backprop.model';
const VERSION = 2;
const SAVE_ID_KEY = 'backprop.save_id';
const FIELDS = ['format', 'formatVersion', 'weightsSha256', 'saveId', 'architecture', 'parameters', 'metadata'];

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

// ------------------------------------------------------------------ saving

/** The model JSON text and weights bytes of a save, checked before anything is written. */
function encodeModel(model: ModelFiles): { text: string; weights: Uint8Array; sha: string } {
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
  const weights = encodeSafetensors(model.stateDict, { format: 'pt' });
  const sha = sha256Hex(weights);
  const doc = { format: FORMAT, formatVersion: VERSION, weightsSha256: sha, architecture, parameters, metadata };
  return { text: `${JSON.stringify(doc, null, 2)}\n`, weights, sha };
}

/** The weights digest the current JSON commits to, if it is a readable format-2 file. */
function committedDigest(json: string): string | undefined {
  try {
    const doc = parseJsonText(readFileSync(json, 'utf8'), 'model JSON', () => {
      throw new Error('unreadable');
    });
    const sha = isPlainObject(doc) ? doc.weightsSha256 : undefined;
    return typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/** Finishes a previous save killed after its commit (renames its staged weights into place), then removes stray files. */
function finishPreviousSave(paths: ModelPaths, step: (s: ModelSaveStep, path: string) => void): void {
  const sha = committedDigest(paths.json);
  if (sha !== undefined) {
    const staged = stagedPath(paths.weights, sha);
    if (existsSync(staged)) {
      step('promote', staged);
      renameSync(staged, paths.weights);
      fsyncDir(dirname(paths.weights));
    }
  }
  step('cleanup', dirname(paths.weights));
  for (const f of strayFiles(paths.weights, paths.json, undefined)) removeQuietly(f);
}

/** Saves a model as `<base>.safetensors` (weights) + `<base>.json` (architecture, digest, parameter list, metadata); killed at any point, the pair loads as the old or the new model. */
export function saveModel(dirOrBase: string, model: ModelFiles, options: SaveModelOptions = {}): ModelPaths {
  const paths = modelPaths(dirOrBase);
  const { text, weights, sha } = encodeModel(model); // a bad value fails here, before the disk is touched
  const step = (s: ModelSaveStep, path: string): void => options.onStep?.(s, path);
  mkdirSync(dirname(paths.weights), { recursive: true });
  finishPreviousSave(paths, step);
  let mode = options.mode;
  try {
    mode ??= statSync(paths.weights).mode & 0o7777;
  } catch {
    // no previous weights: default permissions
  }
  const staged = stagedPath(paths.weights, sha);
  writeFileAtomicSync(staged, weights, { mode, onStep: step });
  writeFileAtomicSync(paths.json, text, { mode: options.mode, onStep: step }); // the commit point
  step('promote', staged);
  renameSync(staged, paths.weights);
  fsyncDir(dirname(paths.weights));
  return paths;
}

// ------------------------------------------------------------------ loading

/** The fields of a model JSON file, each checked for its type. */
interface ModelDoc {
  version: number;
  sha?: string;
  saveId?: string;
  architecture: JsonValue;
  metadata: Record<string, JsonValue>;
  parameters: Map<string, number[]>;
}

/** Checks the parameter list: names, shapes of whole numbers, each shape within the size limit. */
function readParameters(list: unknown, fail: (msg: string) => never): Map<string, number[]> {
  if (!Array.isArray(list)) fail(`"parameters" must be a list of {name, shape}, got ${kindOf(list)}`);
  const listed = new Map<string, number[]>();
  (list as unknown[]).forEach((p, i) => {
    const entry = p as { name?: unknown; shape?: unknown };
    if (!isPlainObject(p) || typeof entry.name !== 'string') fail(`parameters[${i}] must be {name, shape}, got ${JSON.stringify(p)}`);
    const name = entry.name as string;
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) {
      fail(`parameter "${name}": shape must be a list of whole numbers ≥ 0, got ${JSON.stringify(shape)}`);
    }
    try {
      checkSize(shape as number[], `parameter "${name}"`);
    } catch (e) {
      fail((e as Error).message);
    }
    if (listed.has(name)) fail(`parameter "${name}" is listed twice`);
    listed.set(name, shape as number[]);
  });
  return listed;
}

/** Parses and checks a model JSON file's text; every field of the wrong type is named. */
function readModelDoc(text: string, fail: (msg: string) => never): ModelDoc {
  const doc = parseJsonText(text, 'the file', fail);
  if (!isPlainObject(doc)) fail(`expected a JSON object, got ${kindOf(doc)}`);
  const d = doc as Record<string, unknown>;
  if (d.format !== FORMAT) fail(`not a backprop model file ("format" is ${d.format === undefined ? 'missing' : JSON.stringify(d.format)}, expected "${FORMAT}")`);
  const version = d.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail(`"formatVersion" must be a whole number ≥ 1, got ${JSON.stringify(version)}`);
  if ((version as number) > VERSION) fail(`written by a newer backprop (model format ${String(version)}; this version reads up to ${VERSION})`);
  for (const key of Object.keys(d)) if (!FIELDS.includes(key)) fail(`unknown field "${key}" (a model file has ${FIELDS.join(', ')})`);
  const sha = d.weightsSha256;
  if (version === 1 && sha !== undefined) fail('"weightsSha256" appears in a format 1 file, which has none');
  if ((version as number) >= 2 && (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha))) {
    fail(`"weightsSha256" must be the 64 hex digits of the weights' SHA-256, got ${sha === undefined ? 'nothing' : JSON.stringify(sha)}`);
  }
  if (d.saveId !== undefined && typeof d.saveId !== 'string') fail(`"saveId" must be a string, got ${kindOf(d.saveId)}`);
  if (!('architecture' in d)) fail('"architecture" is missing');
  if (!isPlainObject(d.architecture) || typeof d.architecture.type !== 'string') {
    fail(`"architecture" must be a module config (an object with a string "type"), got ${kindOf(d.architecture)}`);
  }
  const metadata = d.metadata ?? {};
  if (!isPlainObject(metadata)) fail(`"metadata" must be an object, got ${kindOf(metadata)}`);
  return {
    version: version as number,
    sha: sha as string | undefined,
    saveId: d.saveId as string | undefined,
    architecture: d.architecture as JsonValue,
    metadata: metadata as Record<string, JsonValue>,
    parameters: readParameters(d.parameters, fail),
  };
}

/** The weights the JSON commits to: model.safetensors if its digest matches, else the staged file a killed save left. */
function readWeights(paths: ModelPaths, sha: string | undefined): { bytes: Uint8Array; path: string } {
  if (sha === undefined) return { bytes: readFileChecked(paths.weights), path: paths.weights };
  let bytes: Uint8Array | undefined;
  let missing: unknown;
  try {
    bytes = readFileChecked(paths.weights);
    if (sha256Hex(bytes) === sha) return { bytes, path: paths.weights };
  } catch (e) {
    missing = e;
  }
  const staged = stagedPath(paths.weights, sha);
  if (existsSync(staged)) {
    const b = readFileChecked(staged);
    if (sha256Hex(b) === sha) return { bytes: b, path: staged };
  }
  if (bytes === undefined) throw missing;
  throw new FileFormatError(
    `${paths.weights}: checksum mismatch: its SHA-256 is ${sha256Hex(bytes)} but ${paths.json} records ${sha}; the file was damaged or replaced after it was saved`,
  );
}

/** Loads `<base>.json` and `<base>.safetensors`, checking the digest and every parameter's presence and shape against each other. */
export function loadModelFiles(dirOrBase: string): LoadedModelFiles {
  const paths = modelPaths(dirOrBase);
  const fail = (msg: string): never => {
    throw new FileFormatError(`${paths.json}: ${msg}`);
  };
  const doc = readModelDoc(readFileChecked(paths.json).toString('utf8'), fail);
  const { bytes, path } = readWeights(paths, doc.sha);
  const { tensors, metadata: weightsMeta } = decodeSafetensors(bytes, path);
  const stateDict: Record<string, Tensor> = {};
  for (const [name, shape] of doc.parameters) {
    if (!Object.prototype.hasOwnProperty.call(tensors, name)) {
      fail(`parameter "${name}" (shape ${fmtShape(shape)} here) is missing from ${path}`);
    }
    const t = tensors[name];
    if (!sameShape(t.shape, shape)) fail(`parameter "${name}" has shape ${fmtShape(shape)} here but ${fmtShape(t.shape)} in ${path}`);
    setOwn(stateDict, name, t);
  }
  for (const [name, t] of Object.entries(tensors)) {
    if (!doc.parameters.has(name)) fail(`${path} holds "${name}" (shape ${fmtShape(t.shape)}), which the parameter list here does not name`);
  }
  const idThere = weightsMeta[SAVE_ID_KEY];
  if (doc.saveId !== undefined && idThere !== undefined && doc.saveId !== idThere) {
    throw new FileFormatError(`${paths.json} and ${paths.weights} come from different saves (save id ${doc.saveId} vs ${idThere}): a save was interrupted between the two files, or one was replaced`);
  }
  return { architecture: doc.architecture, stateDict, metadata: doc.metadata };
}
