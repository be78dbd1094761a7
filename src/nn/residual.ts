/**
 * A residual block: y = F(x) + shortcut(x), the shortcut the identity or a projection (a 1×1
 * convolution, stride s, when F changes the channels or the size). The shortcut gives the
 * gradient a path around F, which is what lets deep stacks train (ResNet).
 */
import { ConfigError, ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/index.js';
import { Module, moduleFromConfig, registerModuleType, type ModuleConfig } from './module.js';
import { activationLayer, isActivationName, ACTIVATION_NAMES, type ActivationName } from './activations.js';

/** Options of Residual. */
export interface ResidualOptions {
  /** An activation applied after the sum, e.g. 'relu' as in ResNet (default none). */
  activation?: ActivationName;
}

/** y = body(x) + shortcut(x) (identity when no shortcut is given), then the optional activation. */
export class Residual extends Module {
  readonly body: Module;
  readonly shortcut: Module | null;
  readonly activation: Module | null;
  readonly activationName: ActivationName | null;
  constructor(body: Module, shortcut: Module | null = null, options: ResidualOptions = {}) {
    super();
    if (!(body instanceof Module)) throw new ConfigError('Residual: body must be a Module');
    if (shortcut !== null && !(shortcut instanceof Module)) throw new ConfigError('Residual: shortcut must be a Module or null');
    const act = options.activation;
    if (act !== undefined && !isActivationName(act)) throw new ConfigError(`Residual: unknown activation '${String(act)}' (known: ${ACTIVATION_NAMES.join(', ')})`);
    this.body = this.registerModule('body', body);
    this.shortcut = shortcut ? this.registerModule('shortcut', shortcut) : null;
    this.activationName = act ?? null;
    this.activation = act ? this.registerModule('activation', activationLayer(act)) : null;
  }
  override forward(x: Tensor): Tensor {
    const fx = this.body.call(x);
    const sx = this.shortcut ? this.shortcut.call(x) : x;
    if (fx.shape.length !== sx.shape.length || fx.shape.some((d, i) => d !== sx.shape[i])) {
      const fix = this.shortcut ? 'make the shortcut give the shape of the body' : 'give a projection shortcut, e.g. a 1×1 Conv2d with the body\'s stride and output channels';
      throw new ShapeError(`Residual: body output ${fmtShape(fx.shape)} and shortcut output ${fmtShape(sx.shape)} differ (input ${fmtShape(x.shape)}); ${fix}`);
    }
    const y = add(fx, sx);
    return this.activation ? this.activation.call(y) : y;
  }
  override toConfig(): ModuleConfig {
    return { type: 'Residual', body: this.body.toConfig(), shortcut: this.shortcut ? this.shortcut.toConfig() : null, activation: this.activationName };
  }
  override extraRepr(): string {
    return this.activationName ? `activation=${this.activationName}` : '';
  }
}

registerModuleType('Residual', (c) => {
  const child = (key: string) => {
    const v = c[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(`Residual: field '${key}' must be a layer config`);
    return moduleFromConfig(v as ModuleConfig);
  };
  const act = c.activation ?? undefined;
  if (act !== undefined && !isActivationName(act)) throw new ConfigError(`Residual: field 'activation' must be one of ${ACTIVATION_NAMES.join(', ')}, got ${JSON.stringify(act)}`);
  return new Residual(child('body'), c.shortcut === null || c.shortcut === undefined ? null : child('shortcut'), act === undefined ? {} : { activation: act });
});
