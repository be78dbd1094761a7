/** SVG plots of a model and its training: curves, gradient norms, decision boundaries, confusion matrices, filters, feature maps and hidden states. */
export { plotCurves, type CurveHistory, type CurveOptions } from './curves.js';
export { plotGradNorms, type GradNormRecord, type GradNormOptions } from './grad-norms.js';
export { plotDecisionBoundary, type LabelledPoints, type DecisionBoundaryOptions } from './decision-boundary.js';
export { plotConfusion, type ConfusionOptions } from './confusion.js';
export { plotFilters, plotFeatureMaps, type FilterOptions, type FeatureMapOptions } from './filters.js';
export { plotHiddenStates, type HiddenStateOptions } from './hidden-states.js';
export type { Predictor } from './predict.js';
