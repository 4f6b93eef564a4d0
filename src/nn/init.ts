/** PyTorch's initializers (torch.nn.init), drawing from the engine's seeded init generator. */
import type { Tensor } from '../tensor/tensor.js';
import { getInitRng } from '../tensor/random.js';
import type { Rng } from '../util/rng.js';

/** fan_in and fan_out as torch.nn.init._calculate_fan_in_and_fan_out computes them. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new Error('init: fan in and fan out need a tensor with at least 2 dimensions');
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

export function uniform_(t: Tensor, low: number, high: number, rng: Rng = getInitRng()): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(low, high);
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1, rng: Rng = getInitRng()): Tensor {
  for (let i = 0; i < t.size; i++) t.data[i] = mean + std * rng.normal();
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export type Nonlinearity = 'leaky_relu' | 'relu' | 'linear' | 'tanh' | 'sigmoid';

export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
}

export interface KaimingOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}, rng: Rng = getInitRng()): Tensor {
  const { fanIn, fanOut } = fans(t);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fan));
  return uniform_(t, -bound, bound, rng);
}

export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}, rng: Rng = getInitRng()): Tensor {
  const { fanIn, fanOut } = fans(t);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan), rng);
}

/**
 * The default reset_parameters of Conv2d and Linear: kaiming_uniform(a=√5) for the weight, which
 * works out to U(-1/√fan_in, 1/√fan_in), and the same bound for the bias.
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const { fanIn } = fans(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
