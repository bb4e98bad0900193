// Lint: typescript-eslint's recommended rules, the layer direction of README "Layout", no import cycles, a line limit.
// Formatting itself is Prettier's (`npm run format`); eslint-config-prettier turns off the rules it owns.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
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

/**
 * Composition by feature (README "Layout"): each folder src/services/<feature>/ wires itself in one
 * `<feature>.module.ts`, and other features may import only that file (which re-exports the feature's public types
 * and helpers). The composition root imports modules only. Cross-feature imports of internals that predate the rule
 * are listed below, per importing feature, so none can be added silently; moving one behind its module's exports is
 * a refactor of its own. A new feature is a folder with a module and one line in src/container.ts (as calendar was).
 */
const features = ['auth', 'booking', 'calendar', 'grant-health', 'jobs', 'mail', 'metrics', 'specialist', 'zoom'];
const featureInternalsAllowed = {
  auth: ['jobs/job-queue', 'mail/account-mail.templates', 'mail/mail-outbox.service'],
  booking: [
    'auth/jwt.service',
    'auth/user.service',
    'jobs/backoff',
    'jobs/job-queue',
    'mail/booking-mail.templates',
    'mail/booking-reminder-mail.templates',
    'mail/mail-outbox.service',
    'mail/meeting-integrity-mail.templates',
    'mail/meeting-repair-mail.templates',
    'mail/zoom-mail.templates',
    'metrics/metrics',
    'specialist/booking-policy',
    'specialist/meeting-settings',
    'specialist/slot-calculator',
    'specialist/specialist.service',
    'zoom/retired-grant.service',
    'zoom/zoom-api.client',
    'zoom/zoom-api.schemas',
    'zoom/zoom-connection.service',
    'zoom/zoom-quota.service',
    'zoom/zoom-user-token.service',
    'zoom/zoom.errors',
  ],
  calendar: [
    'auth/jwt.service',
    'auth/user.service',
    'booking/booking-notification.service',
    'booking/meeting-host.service',
    'booking/meeting-ref',
    'jobs/job-queue',
    'mail/calendar-mail.templates',
    'mail/mail-outbox.service',
    'specialist/slot-calculator',
    'zoom/zoom-api.client',
    'zoom/zoom.errors',
  ],
  'grant-health': [
    'auth/user.service',
    'jobs/job-queue',
    'mail/booking-mail.templates',
    'mail/mail-outbox.service',
    'mail/zoom-mail.templates',
    'metrics/metrics',
    'zoom/zoom-user-token.service',
    'zoom/zoom.errors',
  ],
  jobs: ['booking/calendar-claims.service'],
  mail: ['jobs/backoff', 'jobs/job-queue'],
  metrics: ['grant-health/grant-state'],
  specialist: ['booking/meeting-host.service', 'booking/meeting-input'],
  zoom: [
    // The zoom module builds the meeting host for MEETING_PROVIDER; the host adapts Zoom for bookings.
    'booking/meeting-host.service',
    'grant-health/grant-state',
    'grant-health/refresh-log.service',
    'metrics/metrics',
    'metrics/zoom-http-metrics',
  ],
};
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const noHttpInServices = { name: 'express', message: 'Only routes, controllers and middlewares know HTTP.' };
/** `../<other feature>/<file>` unless the file is a `*.module` or listed for this feature. */
const otherFeatureInternals = (feature) => {
  const allowed = featureInternalsAllowed[feature].map(escapeRegex).join('|');
  return {
    regex: `^\\.\\./(?!${escapeRegex(feature)}/)${allowed ? `(?!(?:${allowed})$)` : ''}[^./][^/]*/(?![^/]+\\.module$).+$`,
    message: 'Another feature\'s internals: import its <feature>.module.ts (README "Layout").',
  };
};
const featureBoundaries = features.map((feature) => ({
  files: [`src/services/${feature}/**/*.ts`],
  rules: {
    // Repeats the services' express ban: a later block's options replace an earlier one's.
    'no-restricted-imports': ['error', { paths: [noHttpInServices], patterns: [otherFeatureInternals(feature)] }],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      'web/dist/**',
      // Generated by `npm run api-types`; typecheck guards it.
      'web/src/lib/api-schema.gen.ts',
    ],
  },
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
      'no-restricted-imports': ['error', { paths: [noHttpInServices] }],
    },
  },
  ...featureBoundaries,
  // The composition root sees each feature through its module only.
  {
    files: ['src/container.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\./services/[^/]+/(?![^/]+\\.module$).+$',
              message: 'The composition root imports feature modules (services/<feature>/<feature>.module.ts) only.',
            },
          ],
        },
      ],
    },
  },
  // The web app: the rules of hooks (and the React Compiler's checks), and jsx-a11y's static accessibility rules.
  // Axe checks the rendered pages in the Chromium stories; these catch what is visible in the source.
  {
    files: ['web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    ...jsxA11y.flatConfigs.recommended,
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      // Prettier does not format web/ (yet); long JSX lines are a formatting matter, not a lint error.
      'max-len': 'off',
      // A scrollable table region must be reachable by keyboard (axe: scrollable-region-focusable).
      'jsx-a11y/no-noninteractive-tabindex': ['error', { tags: [], roles: ['tabpanel', 'region'] }],
    },
  },
);
