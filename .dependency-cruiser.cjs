/**
 * The project's layering, checked in `npm test` (scripts/test.sh) and by `npm run lint:deps`:
 * evidence/ at the bottom, the simulators above it (protocol code below the roles), the harness above
 * the simulators, the steps on top. Type-only imports count: a type import is a dependency too.
 */
const ROLES = '(evvm-server|evvm-client|message-storage|smsc|forwarding-gateway|non-oma-vm|adversaries)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'simulators-below-harness',
      comment: 'The simulators run without the harness (in containers too): they import neither harness/ nor steps/.',
      severity: 'error',
      from: { path: '^simulators/' },
      to: { path: '^(harness|steps)/' },
    },
    {
      name: 'evidence-at-the-bottom',
      comment: 'Evidence recording is below everything that records: it imports nothing from simulators/, harness/ or steps/.',
      severity: 'error',
      from: { path: '^evidence/' },
      to: { path: '^(simulators|harness|steps)/' },
    },
    {
      name: 'protocol-below-roles',
      comment: 'Protocol and crypto code is shared by the roles and knows none of them.',
      severity: 'error',
      from: { path: '^simulators/(protocol|crypto)/' },
      to: { path: `^simulators/${ROLES}/` },
    },
    {
      name: 'harness-below-steps',
      comment: 'The steps are glue over the harness; the harness imports no step.',
      severity: 'error',
      from: { path: '^harness/' },
      to: { path: '^steps/' },
    },
    {
      name: 'no-cycles-in-simulators',
      comment: 'A cycle among the simulators makes load order matter and layers meaningless.',
      severity: 'error',
      from: { path: '^simulators/' },
      to: { path: '^simulators/', circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
