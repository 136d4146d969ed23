// Prints skipped tests with their reasons, then the closing line CI reads.
const fs = require('node:fs');
const file = process.argv[2];
if (!fs.existsSync(file)) {
  console.log('ci: jest wrote no results');
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
const skipped = [];
for (const suite of results.testResults) {
  for (const t of suite.assertionResults) {
    if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') skipped.push(t.fullName);
  }
}
for (const name of skipped) console.log(`skipped: ${name}`);
// A suite that failed to load has no assertion results but must still count as a failure.
const brokenSuites = results.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
const failed = results.numFailedTests + brokenSuites;
console.log(`tests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped`);
process.exit(failed > 0 ? 1 : 0);
