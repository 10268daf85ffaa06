import type { Command } from 'commander';

export function registerRequirementsCommand(program: Command, setStatus: (s: number) => void): void {
  program
    .command('requirements')
    .description('list the requirement catalogue with its coverage (untested IDs are marked)')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) => {
      // loaded when the command runs, not when the CLI starts (require: this build is CommonJS)
      const { loadCatalogue } = require('../../catalogue') as typeof import('../../catalogue');
      const { coverage, scanFeatures } = require('../../catalogue/features') as typeof import('../../catalogue/features');
      const catalogue = loadCatalogue();
      const cov = coverage(catalogue, scanFeatures());
      const rows = catalogue.map((r) => {
        const c = cov.requirements.find((x) => x.id === r.id);
        const positive = c?.positive.length ?? 0;
        const negative = c?.negative.length ?? 0;
        return {
          id: r.id,
          keyword: r.keyword,
          strength: r.strength,
          candidate: r.candidate,
          title: r.title,
          source: `${r.source.document} ${r.source.clause}`,
          faults: r.faults,
          ...(r.flagged ? { flagged: r.flagged } : {}),
          scenarios: { positive, negative },
          status: positive + negative === 0 ? 'untested' : 'covered',
        };
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify({ requirements: rows, problems: cov.problems }, null, 2) + '\n');
      } else {
        for (const r of rows) {
          const cov = r.status === 'untested' ? 'untested' : `+${r.scenarios.positive} -${r.scenarios.negative}`;
          process.stdout.write(`${r.id.padEnd(15)} ${r.keyword.padEnd(22).slice(0, 22)} ${cov.padEnd(9)} ${r.candidate ? '[candidate] ' : ''}${r.title}\n`);
          if (r.flagged) process.stdout.write(`${''.padEnd(15)} flagged: ${r.flagged}\n`);
        }
        const covered = rows.filter((r) => r.status === 'covered').length;
        process.stdout.write(`\n${rows.length} requirements, ${covered} covered, ${rows.length - covered} untested\n`);
        for (const p of cov.problems) process.stdout.write(`problem: ${p}\n`);
      }
      if (cov.problems.length > 0) setStatus(1);
    });
}
