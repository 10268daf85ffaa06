/**
 * Node 22.1+ keeps V8's compiled code of the CLI and its dependencies on disk (the OS temp folder), so
 * only the first run after an install compiles it. Older Node has no such cache: this does nothing there.
 * Imported first by main.ts, before anything it would cache is loaded.
 */
const nodeModule = require('node:module') as { enableCompileCache?: () => unknown };
nodeModule.enableCompileCache?.();
