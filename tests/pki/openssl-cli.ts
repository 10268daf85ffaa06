import { execFileSync } from 'node:child_process';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The `openssl` CLI is the independent oracle (stack.md §2.4); where it is missing, its tests skip with this reason. */
export const skipWithoutOpenssl: false | string = hasOpenssl() ? false : 'openssl CLI not installed';
