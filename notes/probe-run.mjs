// Shared by the architecture probes (arch-probe.mjs, sep-probe.mjs): trains a model built outside the zoo
// under the champion's recipe on the split every probe in notes/validation-probes.md uses (10,000
// held-out images, split seed 1), 1 thread. Run `npm run build` first.
import { startBackend } from '../dist/src/cli/backend-setup.js';
import { manualSeed } from '../dist/src/tensor/random.js';
import { loadMnist } from '../dist/src/data/mnist.js';
import { Trainer } from '../dist/src/train/trainer.js';
import { CHAMPION_RECIPE } from '../dist/src/train/recipe.js';

/** `build` runs after the init seed is set, so the same seed gives the same initial weights. */
export async function runProbe({ name, modelName, build, seed, outDir }) {
  const recipe = { ...CHAMPION_RECIPE, valSplit: 10000, splitSeed: 1, seed };
  const engine = await startBackend('wasm', 1);
  try {
    manualSeed(recipe.seed);
    const model = build();
    console.log(`${name}: ${model.numParameters()} params`);
    const data = loadMnist({ valSplit: recipe.valSplit, seed: recipe.splitSeed });
    const trainer = new Trainer({ model, modelName, modelConfig: {}, recipe, data, outDir, threads: 1, log: (line) => console.log(line) });
    await trainer.run();
  } finally {
    engine.close();
  }
}
