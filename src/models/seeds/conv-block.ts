/**
 * The course-style building block of the seed projects: `nn.Sequential(Conv2d, [BatchNorm2d], [ReLU],
 * [Dropout])` in the order the seed wrote it. As an nn.Sequential its layers are keyed "0", "1", … in
 * the state_dict (`convblock1.0.weight`, `convblock1.1.running_mean`), and each layer is its own row in
 * the torchsummary table, as in the seeds' printed summaries.
 */
import { Conv2d } from '../../nn/layers/conv2d.js';
import { BatchNorm2d } from '../../nn/layers/batch-norm.js';
import { ReLU } from '../../nn/layers/activations.js';
import { Dropout } from '../../nn/layers/dropout.js';
import { Sequential } from '../../nn/layers/sequential.js';
import type { Module } from '../../nn/module.js';

export interface ConvBlockConfig {
  padding?: number;
  /** Conv bias; the seeds' blocks have none (bias=False). */
  bias?: boolean;
  /** 'bn-relu': Conv, BN, ReLU (most seeds); 'relu-bn': Conv, ReLU, BN; 'relu': Conv, ReLU; 'none': the conv alone. */
  after?: 'bn-relu' | 'relu-bn' | 'relu' | 'none';
  /** A Dropout layer at the end of the block, with this probability. */
  dropout?: number;
}

export function convBlock(inChannels: number, outChannels: number, kernelSize: number, config: ConvBlockConfig = {}): Sequential {
  const layers: Module[] = [new Conv2d(inChannels, outChannels, kernelSize, { padding: config.padding ?? 0, bias: config.bias ?? false })];
  const after = config.after ?? 'bn-relu';
  if (after === 'bn-relu') layers.push(new BatchNorm2d(outChannels), new ReLU());
  else if (after === 'relu-bn') layers.push(new ReLU(), new BatchNorm2d(outChannels));
  else if (after === 'relu') layers.push(new ReLU());
  if (config.dropout !== undefined) layers.push(new Dropout(config.dropout));
  return new Sequential(...layers);
}
