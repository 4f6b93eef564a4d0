/**
 * The model summary table, laid out like torchsummary's (github.com/sksq96/pytorch-summary), which is
 * what the seed projects print. It works from plain layer records, so it needs nothing from nn: the
 * caller runs one forward pass, records each leaf module's output shape and parameter count, and
 * hands the records here.
 *
 * The sizes follow torchsummary's formulas, quirks included: 4 bytes per number, the batch size
 * defaults to -1 and enters through abs(), and the forward/backward size counts every layer's
 * output twice (once for the activation, once for its gradient).
 */
import { formatFixed, formatThousands } from '../util/python-format.js';

export interface SummaryLayerRecord {
  /** `<ClassName>-<1-based index in call order>`, e.g. "Conv2d-1". */
  readonly name: string;
  /** With the batch dimension first; torchsummary writes -1 there. */
  readonly outputShape: readonly number[];
  /** Parameters owned by this layer (torchsummary counts weight and bias). */
  readonly params: number;
  readonly trainable: boolean;
}

export interface SummaryInput {
  /** One sample's shape, without the batch dimension: [1, 28, 28] for MNIST. */
  readonly inputShape: readonly number[];
  readonly layers: readonly SummaryLayerRecord[];
  /** torchsummary's `batch_size` argument; -1 (its default) counts as one sample. */
  readonly batchSize?: number;
  /**
   * The model's own parameter totals. Leave out to sum the layer records as torchsummary does; pass
   * them when layers share parameters or the model owns some outside any leaf layer.
   */
  readonly totals?: { readonly total: number; readonly trainable: number };
}

/** Everything the table shows, as plain JSON-friendly data (for `--json`). Sizes are unrounded MiB. */
export interface ModelSummary {
  inputShape: number[];
  batchSize: number;
  layers: { name: string; outputShape: number[]; params: number; trainable: boolean }[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  inputSizeMB: number;
  forwardBackwardPassSizeMB: number;
  paramsSizeMB: number;
  estimatedTotalSizeMB: number;
}

const BYTES_PER_NUMBER = 4;
const MIB = 1024 ** 2;
const RULE = '-'.repeat(64);
const DOUBLE_RULE = '='.repeat(64);

function product(values: readonly number[]): number {
  return values.reduce((acc, v) => acc * v, 1);
}

export function summarizeModel(input: SummaryInput): ModelSummary {
  const batchSize = input.batchSize ?? -1;
  const layers = input.layers.map((l) => ({
    name: l.name,
    outputShape: [...l.outputShape],
    params: l.params,
    trainable: l.trainable,
  }));
  const summedTotal = layers.reduce((acc, l) => acc + l.params, 0);
  const summedTrainable = layers.reduce((acc, l) => acc + (l.trainable ? l.params : 0), 0);
  const totalParams = input.totals?.total ?? summedTotal;
  const trainableParams = input.totals?.trainable ?? summedTrainable;
  // torchsummary multiplies the shapes as printed (batch -1 included) and takes abs() at the end.
  const totalOutput = layers.reduce((acc, l) => acc + product(l.outputShape), 0);
  const inputSizeMB = Math.abs((product(input.inputShape) * batchSize * BYTES_PER_NUMBER) / MIB);
  const forwardBackwardPassSizeMB = Math.abs((2 * totalOutput * BYTES_PER_NUMBER) / MIB);
  const paramsSizeMB = Math.abs((totalParams * BYTES_PER_NUMBER) / MIB);
  return {
    inputShape: [...input.inputShape],
    batchSize,
    layers,
    totalParams,
    trainableParams,
    nonTrainableParams: totalParams - trainableParams,
    inputSizeMB,
    forwardBackwardPassSizeMB,
    paramsSizeMB,
    estimatedTotalSizeMB: paramsSizeMB + forwardBackwardPassSizeMB + inputSizeMB,
  };
}

/** Python's str() of a list of ints: "[-1, 10, 26, 26]". */
function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** torchsummary's row format "{:>20}  {:>25} {:>15}" (right-aligned, never truncated). */
function row(name: string, shape: string, params: string): string {
  return `${name.padStart(20)}  ${shape.padStart(25)} ${params.padStart(15)}`;
}

/**
 * The table as text, one line per row, without a trailing newline.
 * The rule under the column titles is dashed, as in the seeds' logs (torchsummary itself prints '=' there).
 */
export function formatSummaryTable(summary: ModelSummary): string {
  const lines = [RULE, row('Layer (type)', 'Output Shape', 'Param #'), RULE];
  for (const layer of summary.layers) {
    lines.push(row(layer.name, formatShape(layer.outputShape), formatThousands(layer.params)));
  }
  lines.push(
    DOUBLE_RULE,
    `Total params: ${formatThousands(summary.totalParams)}`,
    `Trainable params: ${formatThousands(summary.trainableParams)}`,
    `Non-trainable params: ${formatThousands(summary.nonTrainableParams)}`,
    RULE,
    `Input size (MB): ${formatFixed(summary.inputSizeMB, 2)}`,
    `Forward/backward pass size (MB): ${formatFixed(summary.forwardBackwardPassSizeMB, 2)}`,
    `Params size (MB): ${formatFixed(summary.paramsSizeMB, 2)}`,
    `Estimated Total Size (MB): ${formatFixed(summary.estimatedTotalSizeMB, 2)}`,
    RULE,
  );
  return lines.join('\n');
}
