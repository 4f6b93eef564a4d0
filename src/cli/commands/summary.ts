/** `mnist-lab summary`: a model's torchsummary-style table. */
import { Command } from 'commander';
import { createModel, getModelEntry } from '../../models/zoo.js';
import { collectSummary } from '../../report/model-summary.js';
import { formatSummaryTable } from '../../report/summary-table.js';
import { DEFAULT_MODEL } from './train.js';

export function addSummaryCommand(program: Command): void {
  program
    .command('summary')
    .description("print a model's layers, output shapes and parameter counts, like torchsummary")
    .argument('[model]', 'model from the zoo', DEFAULT_MODEL)
    .option('--json', 'print machine-readable JSON')
    .action((name: string, flags: { json?: boolean }) => {
      getModelEntry(name);
      const summary = collectSummary(createModel(name));
      process.stdout.write(flags.json ? `${JSON.stringify({ model: name, ...summary }, null, 2)}\n` : `${formatSummaryTable(summary)}\n`);
    });
}
