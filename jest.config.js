/** @type {import('jest').Config} */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

/**
 * Packages that ship only ES modules (sign-in's jose, openid-client and its oauth4webapi, and
 * oidc-provider, the real OpenID provider the tests sign in against). Jest here runs CommonJS, so
 * they go through the same compiler as our code instead of being pinned to old majors.
 */
const ESM_ONLY = ['jose', 'openid-client', 'oauth4webapi', 'oidc-provider'];
const swcForPackages = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } };

/** What every level shares: projects do not inherit the top-level transform or module mapping. */
const shared = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc], '^.+\\.m?js$': ['@swc/jest', swcForPackages] },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: {
    '^@pz/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@pz/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
};

const roots = ['libs', 'apps', 'test'];

/**
 * Three named levels (DEVELOPERS.md, Tests): `npm run test:unit`, `test:int`, `test:e2e`; `npm test` runs all.
 * - unit `*.spec.ts`: pure and in memory; no files, network, child processes or Redis.
 * - int `*.int.spec.ts`: real SQLite files, sockets and servers, child processes; not the whole app.
 * - e2e `*.e2e.spec.ts`: the whole app over HTTP, with Redis.
 */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: roots.map((root) => `<rootDir>/${root}/**/*.spec.ts`),
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$', '\\.e2e\\.spec\\.ts$'],
    },
    {
      ...shared,
      displayName: 'int',
      testMatch: roots.map((root) => `<rootDir>/${root}/**/*.int.spec.ts`),
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: roots.map((root) => `<rootDir>/${root}/**/*.e2e.spec.ts`),
    },
  ],
  // Global, not per project: jest-circus reads the timeout from the global configuration only.
  testTimeout: 30000,
  // Tests share one Redis and spawn processes: two workers keep a 2-core machine responsive.
  maxWorkers: 2,
};
