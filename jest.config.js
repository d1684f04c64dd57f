/** Jest in ESM mode: jose 6 and oidc-provider are ESM-only. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  // Real nginx/Apache/TLS tests are I/O bound; two workers match the two cores here.
  maxWorkers: process.env.JEST_WORKERS ?? 2,
};
