/** The CLI's program: every command, loaded by main.ts for anything but `--version`. */
import './compile-cache';
import { Command, CommanderError } from 'commander';
import { HARNESS_VERSION } from '../version';
import { registerRunCommand } from './commands/run';
import { registerRequirementsCommand } from './commands/requirements';
import { registerSelftestCommand } from './commands/selftest';
import { registerSimulateCommand } from './commands/simulate';
import { registerCrCommands } from './commands/cr';
import { registerCertifyCommands } from './commands/certify';
import { EXIT, UsageError } from './usage';
import type { ProfileError } from '../profile/profile';

/** Required on this path only: the profile loader (zod) is not loaded for the commands that read no profile. */
function isProfileError(err: unknown): err is ProfileError {
  const profile = require('../profile/profile') as typeof import('../profile/profile');
  return err instanceof profile.ProfileError;
}

/** `evvm-conformance`: run the suite, list the catalogue, prove the suite (selftest), serve a role. */
async function main(argv: string[]): Promise<number> {
  const program = new Command('evvm-conformance')
    .description('Conformance harness for the security requirements of OMA EVVM and OMA CPM Message Storage')
    .version(HARNESS_VERSION)
    .exitOverride()
    // one line, with commander's "(Did you mean run?)" that follows on the next
    .configureOutput({ outputError: (text, write) => write(text.trim().split('\n').join(' ') + '\n') })
    .showSuggestionAfterError(true);
  let status: number = EXIT.ok;
  const setStatus = (s: number): void => {
    status = s;
  };
  registerRunCommand(program, setStatus);
  registerRequirementsCommand(program, setStatus);
  registerSelftestCommand(program, setStatus);
  registerSimulateCommand(program, setStatus);
  registerCertifyCommands(program, setStatus);
  registerCrCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof UsageError || isProfileError(err)) {
      process.stderr.write(`evvm-conformance: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`evvm-conformance: harness error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.usage;
  }
  return status || (process.exitCode as number | undefined) || EXIT.ok;
}

// A crash must never look like a verdict: exit 1 means "a requirement failed", so anything thrown outside
// the engine's handling is a harness error (2). `simulate` keeps serving: one bad connection must not stop it.
function crashed(kind: string, err: unknown): void {
  process.stderr.write(`evvm-conformance: harness error (${kind}): ${err instanceof Error ? err.message : String(err)}\n`);
  if (process.argv[2] !== 'simulate') process.exit(EXIT.usage);
}
// A reader that stops early (`| head`) closes stdout: the verdict, and so the exit status, still stand.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') crashed('output', err);
  });
}
process.on('uncaughtException', (err) => crashed('uncaught exception', err));
process.on('unhandledRejection', (err) => crashed('unhandled rejection', err));

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`evvm-conformance: ${String(err)}\n`);
    process.exitCode = EXIT.usage;
  },
);
