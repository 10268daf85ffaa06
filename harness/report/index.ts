/** The report writers: conformance.json (+ evidence/), junit.xml, conformance.html, and the exit status. */
export { writeReports } from './write';
export { writeJsonReport, readJsonReport, conformanceJson, evidenceDocument, CONFORMANCE_JSON } from './json';
export { writeJunitReport, renderJunit, JUNIT_XML } from './junit';
export { writeHtmlReport, renderHtml, CONFORMANCE_HTML, TRANSCRIPT_CAP } from './html';
export { exitStatusFor, exitDecision, regressions } from './exit-status';
export type { ExitStatus, ExitDecision, Regression } from './exit-status';
export { conformanceJsonSchema } from './json-schema';
export type { ConformanceJson } from './json-schema';
export { formatSource } from './format';
