/**
 * `npm run fuzz [-- --count N] [--seed S] [--only imap,smtp] [--input SEED]`: seeded inputs against
 * every protocol, one line of figures per protocol, then the findings with the seed that replays each.
 * Exit 1 when a protocol crashed, stalled (a probe slower than 1 s), grew RSS by 64 MiB or more, or
 * wrote to stderr. The script runs node with a small young generation (--max-semi-space-size=1), so that
 * RSS growth shows what the targets keep rather than V8 growing its nursery to the maximum.
 */
import { Command } from 'commander';
import { fuzz, summary, type Report } from './runner';
import { TARGETS } from './targets';

/** RSS growth per protocol the issue allows. */
export const MAX_RSS_GROWTH_MIB = 64;

export function failed(r: Report): boolean {
  return r.crashes > 0 || r.stalls > 0 || r.stderrBytes > 0 || r.rssGrowthMiB >= MAX_RSS_GROWTH_MIB;
}

async function main(): Promise<void> {
  const o = new Command()
    .option('--count <n>', 'inputs per protocol', '10000')
    .option('--seed <n>', 'the run seed', String(Date.now() % 2 ** 31))
    .option('--only <names>', `comma-separated: ${TARGETS.map((t) => t.name).join(',')}`)
    .option('--input <seed>', 'replay one input by its seed (with --only)')
    .parse()
    .opts<{ count: string; seed: string; only?: string; input?: string }>();
  const only = o.only?.split(',');
  const unknown = only?.filter((n) => !TARGETS.some((t) => t.name === n)) ?? [];
  if (unknown.length) {
    console.log(`unknown protocol ${unknown.join(', ')}; one of ${TARGETS.map((t) => t.name).join(', ')}`);
    process.exit(2);
  }
  console.log(`fuzz seed ${o.seed}, ${o.input !== undefined ? `input ${o.input}` : `${o.count} inputs per protocol`}`);
  let bad = false;
  for (const t of TARGETS.filter((x) => !only || only.includes(x.name))) {
    const r = await fuzz(t, { seed: Number(o.seed), count: Number(o.count), ...(o.input !== undefined ? { only: Number(o.input) } : {}) });
    console.log(summary(r));
    for (const f of r.findings) console.log(`  ${f.kind}: ${f.detail}  (replay: npm run fuzz -- --only ${t.name} --input ${f.inputSeed})`);
    bad ||= failed(r);
  }
  process.exit(bad ? 1 : 0);
}

void main();
