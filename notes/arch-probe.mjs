// Validation probe of a GapNet with other widths (not in the zoo) under the champion's recipe:
//   node notes/arch-probe.mjs <widths, e.g. 8,16,10,14,16,20> <init seed> <out dir> [tbn|pad]
// Split seed 1 and 10,000 held-out images, as the other probes in notes/validation-probes.md;
// "tbn" adds a BN + ReLU after the 1x1 transition (GapNet's transitionBn), "pad" pads conv1 and conv2
// (GapNet's stemPadding: 1). Run `npm run build` first.
import { startBackend } from '../dist/src/cli/backend-setup.js';
import { manualSeed } from '../dist/src/tensor/random.js';
import { GapNet } from '../dist/src/models/gap-net.js';
import { loadMnist } from '../dist/src/data/mnist.js';
import { Trainer } from '../dist/src/train/trainer.js';
import { CHAMPION_RECIPE } from '../dist/src/train/recipe.js';

const [widthsArg, seedArg, outDir, variant] = process.argv.slice(2);
if (!widthsArg || !seedArg || !outDir) {
  console.error('usage: node notes/arch-probe.mjs <widths> <init seed> <out dir> [tbn|pad]');
  process.exit(2);
}
const recipe = { ...CHAMPION_RECIPE, valSplit: 10000, splitSeed: 1, seed: Number(seedArg) };
const engine = await startBackend('wasm', 1);
try {
  manualSeed(recipe.seed);
  const model = new GapNet({ widths: widthsArg.split(',').map(Number), transitionBn: variant === 'tbn', stemPadding: variant === 'pad' ? 1 : 0 });
  console.log(`GapNet ${widthsArg}${variant ? ` (${variant})` : ''}: ${model.numParameters()} params`);
  const data = loadMnist({ valSplit: recipe.valSplit, seed: recipe.splitSeed });
  const trainer = new Trainer({ model, modelName: 'gapnet', modelConfig: {}, recipe, data, outDir, threads: 1, log: (line) => console.log(line) });
  await trainer.run();
} finally {
  engine.close();
}
