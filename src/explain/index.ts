/** explain() and drawGraph(): a small network's back-propagation written out, and any autograd graph drawn. */
export { explain } from './explain.js';
export type { ExplainOptions } from './explain.js';
export type { ExplainRecord, ExplainLayer, ExplainCheck, ExplainLoss, Matrix } from './types.js';
export type { ExplainValue } from './inputs.js';
export { formatExplain } from './format.js';
export type { ExplainFormat } from './format.js';
export { explainPreset, lecturePreset, softmaxRegressionPreset, EXPLAIN_PRESETS } from './presets.js';
export type { ExplainPreset } from './presets.js';
export { drawGraph } from './draw-graph.js';
export type { DrawGraphOptions } from './draw-graph.js';
