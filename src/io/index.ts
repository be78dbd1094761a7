/** The io floor: atomic writes, safetensors, training checkpoints and saved models. */
export type { AtomicWriteOptions, AtomicWriteStep } from './atomic.js';
export { encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors } from './safetensors.js';
export type { SafetensorsContents, SafetensorsDType } from './safetensors.js';
export { encodeCheckpoint, decodeCheckpoint, saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { Checkpoint, LoadedCheckpoint, CheckpointValue } from './checkpoint.js';
export { saveModel, loadModelFiles } from './model.js';
export type { ModelFiles, LoadedModelFiles, ModelPaths, ModelSaveStep, SaveModelOptions } from './model.js';
