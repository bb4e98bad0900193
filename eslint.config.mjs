// Lint: typescript-eslint's recommended rules, the layer direction of README "Layout", no import cycles, a line limit.
// Formatting itself is Prettier's (`npm run format`); eslint-config-prettier turns off the rules it owns.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const composition = ['src/container.ts', 'src/app.ts', 'src/server.ts', 'src/scripts'];
const service = ['src/lib', 'src/db', 'src/models', 'src/services', 'src/schemas'];
const http = ['src/routes', 'src/controllers', 'src/middlewares', 'src/openapi'];

/** Imports run one way: routes → controllers → services → models/db/lib (README "Layout"). */
const zones = [
  { target: 'src/lib', from: ['src/models', 'src/db', 'src/services', 'src/schemas', ...http, ...composition] },
  { target: 'src/db', from: ['src/models', 'src/services', 'src/schemas', ...http, ...composition] },
  { target: 'src/models', from: ['src/services', 'src/schemas', ...http, ...composition] },
  { target: 'src/services', from: ['src/schemas', ...http, ...composition] },
  { target: 'src/schemas', from: ['src/services', 'src/db', ...http, ...composition] },
  { target: 'src/middlewares', from: ['src/routes', 'src/controllers', 'src/db', ...composition] },
  { target: 'src/controllers', from: ['src/routes', 'src/models', 'src/db', ...composition] },
  // routes/index.ts mounts controllers from the container's services, so it may name the Container type.
  { target: 'src/routes', from: ['src/models', 'src/db', 'src/app.ts', 'src/server.ts', 'src/scripts'] },
  // The sandbox stands in for Zoom: it shares no code with the service, and only the process entry may start it.
  { target: 'src/zoom-sandbox', from: [...service, ...http, ...composition] },
  { target: [...service, ...http, 'src/container.ts', 'src/app.ts', 'src/scripts'], from: 'src/zoom-sandbox' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'web/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      // no-cycle follows imports by parsing each file; it must parse TypeScript to see them.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      'import-x/no-duplicates': 'error',
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='AppError']",
          message: 'Throw a named error (lib/errors.ts), not AppError with a bare status.',
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/services/**/*.ts', 'src/models/**/*.ts', 'src/db/**/*.ts', 'src/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'express', message: 'Only routes, controllers and middlewares know HTTP.' }] },
      ],
    },
  },
);
