// Lint: TypeScript and Vue rules, plus the layering of ../shared/DESIGN.md as import bans per folder.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const nodeBuiltins = { group: ['node:*'], message: 'This layer must stay free of Node APIs.' };
const electron = { group: ['electron'], message: 'Only electron/main and electron/preload may import electron.' };
const vue = { group: ['vue', 'vue-*', 'pinia', 'element-plus'], message: 'UI libraries belong to renderer/.' };

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, electron, vue, { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing of the app.' }] }],
    },
  },
  {
    files: ['electron/node/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, vue, { group: ['**/renderer/**'], message: 'The Node side never imports the renderer.' }] }] },
  },
  {
    files: ['electron/node/protocol/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, electron, vue, { group: ['**/db/**', '**/services/**', '**/transport/**', '**/host/**', '**/cli/**'], message: 'Protocol code does no I/O and knows nothing of db or services.' }] }],
    },
  },
  {
    files: ['electron/node/transport/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, vue, { group: ['**/db/**', '**/services/**'], message: 'Transports only move bytes.' }] }] },
  },
  {
    files: ['electron/node/db/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, vue, { group: ['**/protocol/**', '**/services/**', '**/transport/**'], message: 'db knows nothing of protocol or services.' }] }] },
  },
  {
    files: ['electron/node/**'],
    ignores: ['electron/node/db/**'],
    rules: { 'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='better-sqlite3']:not([importKind='type'])", message: 'SQL lives in electron/node/db/ only.' }] },
  },
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, electron, { group: ['**/electron/**'], message: 'The renderer reaches the main side only through src/api/client.ts.' }] }],
    },
  },
  {
    files: ['test/**', 'build/**', 'bin/**', '*.config.*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
);
