/** `mnist-lab models`: the zoo with parameter counts. */
import { Command } from 'commander';
import { listModels } from '../../models/zoo.js';
import { MnistLabError } from '../../util/errors.js';

export function addModelsCommand(program: Command): void {
  program
    .command('models')
    .description('list the model zoo with parameter counts')
    .option('--seed <id>', "only the models of one seed project (000-004, as in the names s000-…, s003-…)")
    .option('--json', 'print machine-readable JSON')
    .action((flags: { json?: boolean; seed?: string }) => {
      const seeds = [...new Set(listModels().flatMap((e) => (e.seed === undefined ? [] : [e.seed])))].sort();
      // "3" and "003" both name seed 003.
      const seed = flags.seed === undefined ? undefined : /^\d{1,3}$/.test(flags.seed) ? flags.seed.padStart(3, '0') : flags.seed;
      if (seed !== undefined && !seeds.includes(seed)) {
        throw new MnistLabError(`--seed ${flags.seed}: no zoo model comes from that seed; the seeds are ${seeds.join(', ')}`);
      }
      const entries = listModels().filter((e) => seed === undefined || e.seed === seed);
      const rows = entries.map((e) => ({ name: e.name, parameters: e.create().numParameters(), description: e.description, ...(e.seed === undefined ? {} : { seed: e.seed }) }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const width = Math.max(...rows.map((r) => r.name.length), 5);
      const lines = [`${'model'.padEnd(width)}  ${'params'.padStart(9)}  description`];
      for (const r of rows) lines.push(`${r.name.padEnd(width)}  ${r.parameters.toLocaleString('en-US').padStart(9)}  ${r.description}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
