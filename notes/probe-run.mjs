// Shared by the architecture probes (arch-probe.mjs, sep-probe.mjs): trains a model built outside the zoo
// under the champion's recipe on the split every probe in notes/validation-probes.md uses (10,000
// held-out images, split seed 1), 1 thread. The probe model is registered in the zoo under its own
// name for the run, so the run is a RunSpec like any other, and goes through the one run function.
// Run `npm run build` first.
import { registerModel } from '../dist/src/models/zoo.js';
import { runSpec } from '../dist/src/run/run.js';
import { defaultRunSpec } from '../dist/src/cli/train-flags.js';

/** `build` runs after the init seed is set, so the same seed gives the same initial weights. */
export async function runProbe({ name, modelName, build, seed, outDir }) {
  registerModel({ name: modelName, description: `validation probe ${name}`, create: build });
  const spec = {
    ...defaultRunSpec(),
    model: { name: modelName, config: {} },
    data: { dir: null, limitTrain: null, limitTest: null, valSplit: 10000, splitSeed: 1 },
    seed, threads: 1, outDir,
  };
  console.log(`${name}: spec ${JSON.stringify({ model: modelName, seed })}`);
  await runSpec(spec, { log: (line) => console.log(line) });
}
