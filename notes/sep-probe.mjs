// Validation probe of SepGapNet (src/models/sep-gap-net.ts: GapNet's dense stem, then depthwise-separable
// blocks) at widths that are not in the zoo, under the champion's recipe:
//   node notes/sep-probe.mjs <stem widths c1,c2> <separable widths> <init seed> <out dir> [transition width]
// Split seed 1 and 10,000 held-out images, as the other probes in notes/validation-probes.md.
// Run `npm run build` first.
import { startBackend } from '../dist/src/cli/backend-setup.js';
import { manualSeed } from '../dist/src/tensor/random.js';
import { SepGapNet } from '../dist/src/models/sep-gap-net.js';
import { loadMnist } from '../dist/src/data/mnist.js';
import { Trainer } from '../dist/src/train/trainer.js';
import { CHAMPION_RECIPE } from '../dist/src/train/recipe.js';

const [stemArg, widthsArg, seedArg, outDir, transitionArg] = process.argv.slice(2);
if (!stemArg || !widthsArg || !seedArg || !outDir) {
  console.error('usage: node notes/sep-probe.mjs <c1,c2> <separable widths> <init seed> <out dir> [transition width]');
  process.exit(2);
}
const recipe = { ...CHAMPION_RECIPE, valSplit: 10000, splitSeed: 1, seed: Number(seedArg) };
const engine = await startBackend('wasm', 1);
try {
  manualSeed(recipe.seed);
  const model = new SepGapNet({ stem: stemArg.split(',').map(Number), widths: widthsArg.split(',').map(Number), transition: transitionArg ? Number(transitionArg) : undefined });
  console.log(`SepGapNet stem ${stemArg}${transitionArg ? `, transition ${transitionArg}` : ''}, separable ${widthsArg}: ${model.numParameters()} params`);
  const data = loadMnist({ valSplit: recipe.valSplit, seed: recipe.splitSeed });
  const trainer = new Trainer({ model, modelName: 'sepnet', modelConfig: {}, recipe, data, outDir, threads: 1, log: (line) => console.log(line) });
  await trainer.run();
} finally {
  engine.close();
}
