// ESM + swc: decorator metadata must be on, or Nest cannot see constructor types.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^nestjs-ag-ui/testing$': '<rootDir>/libs/ag-ui/src/testing/index.ts',
    '^nestjs-ag-ui$': '<rootDir>/libs/ag-ui/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // @fastify/middie require()s path-to-regexp 9, which is ESM only: Jest on Node 20 cannot require an ES module.
    // The top-level 8.x (CommonJS) has the same parse/pathToRegexp that middie uses.
    '^path-to-regexp$': '<rootDir>/node_modules/path-to-regexp/dist/index.js',
  },
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
