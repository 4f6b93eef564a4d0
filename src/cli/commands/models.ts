/** `mnist-lab models`: the zoo with parameter counts. */
import { Command } from 'commander';
import { listModels } from '../../models/zoo.js';

export function addModelsCommand(program: Command): void {
  program
    .command('models')
    .description('list the model zoo with parameter counts')
    .option('--json', 'print machine-readable JSON')
    .action((flags: { json?: boolean }) => {
      const rows = listModels().map((e) => ({ name: e.name, parameters: e.create().numParameters(), description: e.description }));
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
