/**
 * Node 22.1+ keeps V8's compiled code of the CLI and its dependencies on disk (the OS temp folder), so
 * only the first run after an install compiles it. Older Node has no such cache: this does nothing there.
 * Imported first by program.ts, before anything it would cache is loaded. The folder is handed on in
 * NODE_COMPILE_CACHE, so the worker processes of a parallel run or selftest (started by cucumber and the
 * fault pool, not through this file) compile nothing that a run before them compiled either.
 */
const nodeModule = require('node:module') as { enableCompileCache?: () => { directory?: string } | undefined };
const directory = nodeModule.enableCompileCache?.()?.directory;
if (directory) process.env.NODE_COMPILE_CACHE = directory;
