/**
 * A complete, valid application body. Its own module, without the test app behind journey.ts,
 * so the benchmarks' load generator can use it too.
 */
export const applicationBody = {
  title: 'Bell Foundry Community Garden',
  zone: 'bell-foundry',
  theme: 'Pride of Place',
  summary: 'Turning a disused plot into a garden run by local families.',
  requestedPence: 450_000,
  projectStart: '2027-01-01',
  projectEnd: '2027-12-31',
  sustainability: 'A residents committee takes over the garden, funded by plant sales.',
};
