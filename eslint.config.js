// Lint: TypeScript and Vue rules, plus the layering of ../shared/DESIGN.md as import bans per folder.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

// ---------------------------------------------------------------------------------------------
// Layers. Each ban is one entry of @typescript-eslint/no-restricted-imports (`paths` match an
// import exactly, `patterns` are gitignore-style globs over the import string). In a flat config
// the last block that sets a rule replaces its options, so every layer block below carries the
// whole list for its folder: the bans of the layer it belongs to plus its own (built in code,
// never copied by hand). test/unit/lint-layers.test.ts lints a probe file per ban.
// ---------------------------------------------------------------------------------------------

/** A ban on exact module names (packages, Node builtins). */
const names = (list, message, extra = {}) => ({ paths: list.map((name) => ({ name, message, ...extra })) });
/** A ban on import strings matching gitignore-style globs (folders of the app, package scopes). */
const globs = (group, message, extra = {}) => ({ patterns: [{ group, message, ...extra }] });
/**
 * A folder of the app however many `../` lead there (`../../db/connection`, `../transport`), but
 * never one of shared/ (shared/ipc/api, shared/domain/app) nor a sibling file (`./protocol`).
 */
const folder = (...dirs) => [...dirs.flatMap((dir) => [`**/${dir}/**`, `**/../${dir}`]), '!**/shared/**'];

const BAN = {
  nodeBuiltins: {
    ...names(builtinModules.filter((m) => !m.startsWith('_')), 'This layer must stay free of Node APIs.'),
    ...globs(['node:*'], 'This layer must stay free of Node APIs.'),
  },
  electron: names(['electron'], 'Only electron/main and electron/preload may import electron.'),
  ui: globs(['vue', 'vue-*', '@vue/*', 'pinia', 'element-plus', 'element-plus/**', '@element-plus/*', 'echarts', 'echarts/**', '@fullcalendar/*'], 'UI libraries belong to renderer/.'),
  serialport: globs(['serialport', '@serialport/*'], 'Serial ports are opened in electron/node/transport/ only.'),
  sqlite: names(['better-sqlite3'], 'SQL lives in electron/node/db/ only.'),
  // Folders of the app.
  appCode: globs(folder('electron', 'renderer'), 'shared/ imports nothing of the app.'),
  electronCode: globs(folder('electron'), 'The renderer reaches the main side only through src/api/client.ts.'),
  renderer: globs(folder('renderer'), 'Only the renderer imports renderer code.'),
  mainAndPreload: globs(folder('main', 'preload'), 'The Node core never imports the Electron shell (electron/main, electron/preload).'),
  nodeCore: globs(folder('node'), 'The preload script bridges IPC only: shared/ and electron, nothing of the Node core.'),
  db: globs(folder('db'), 'This layer knows nothing of the database (electron/node/db/).'),
  protocol: globs(folder('protocol'), 'This layer knows nothing of the terminal protocol (electron/node/protocol/).'),
  transport: globs(folder('transport'), 'This layer knows nothing of transports (electron/node/transport/).'),
  services: globs(folder('services'), 'This layer knows nothing of the services (electron/node/services/).'),
  servicesRuntime: globs(folder('services'), 'The Electron shell reaches services through the app core and api/; it may name their types only.', { allowTypeImports: true }),
  entryPoints: globs([...folder('api', 'host', 'cli'), '**/../app'], 'Services are called by api/, host/ and cli/ through app.ts, never the other way round.'),
  outerLayers: globs([...folder('api', 'host', 'cli', 'simulator'), '**/../app'], 'This layer knows nothing of the entry points (api/, host/, cli/, app.ts) or the simulator.'),
  simulator: globs(folder('simulator'), 'The terminal simulator is a tool of the CLI and the tests.'),
  // The terminal tools (poscare terminal, poscare zvt) talk to a terminal, not to a data folder.
  dataServices: { patterns: [{ regex: '(^|/)services(/(?!terminals/)|$)', message: 'A CLI command reaches the data folder through the app core (cli/app-core.ts: headless createAppCore and its dispatch), never a service of its own.' }] },
};

/** The options of one no-restricted-imports entry: the union of the named bans. */
function bans(list) {
  return {
    paths: list.flatMap((name) => BAN[name].paths ?? []),
    patterns: list.flatMap((name) => BAN[name].patterns ?? []),
  };
}

/** Bans every folder of the app's source has (tests, build scripts and config files have none). */
const APP_WIDE = ['serialport', 'sqlite'];
/** The Node core (electron/node/**): no Electron, no UI, no renderer, no shell. */
const NODE = [...APP_WIDE, 'electron', 'ui', 'renderer', 'mainAndPreload'];
const without = (list, ...allowed) => list.filter((name) => !allowed.includes(name));

/**
 * Folder -> the bans it gets. Later entries are more specific and win over earlier ones for the
 * files they match; each lists its full set, built from the broader layer's.
 */
export const LAYERS = [
  { files: ['shared/**'], bans: [...APP_WIDE, 'nodeBuiltins', 'electron', 'ui', 'appCode'] },
  { files: ['renderer/**'], bans: [...APP_WIDE, 'nodeBuiltins', 'electron', 'electronCode'] },
  { files: ['electron/preload/**'], bans: [...APP_WIDE, 'nodeBuiltins', 'ui', 'renderer', 'nodeCore'] },
  { files: ['electron/main/**'], bans: [...APP_WIDE, 'ui', 'renderer', 'db', 'protocol', 'transport', 'simulator', 'servicesRuntime'] },
  { files: ['electron/node/**'], bans: NODE },
  { files: ['electron/node/protocol/**'], bans: [...NODE, 'nodeBuiltins', 'db', 'services', 'transport', 'outerLayers'] },
  { files: ['electron/node/transport/**'], bans: [...without(NODE, 'serialport'), 'db', 'services', 'protocol', 'outerLayers'] },
  { files: ['electron/node/db/**'], bans: [...without(NODE, 'sqlite'), 'protocol', 'services', 'transport', 'outerLayers'] },
  { files: ['electron/node/services/**'], bans: [...NODE, 'entryPoints', 'simulator'] },
  { files: ['electron/node/host/**'], bans: [...NODE, 'db', 'protocol', 'transport', 'services', 'simulator'] },
  { files: ['electron/node/simulator/**'], bans: [...NODE, 'db', 'services', 'entryPoints'] },
  // Commands that work on a data folder go through the app core (headless) and its dispatch.
  { files: ['electron/node/cli/**'], bans: [...NODE, 'db', 'dataServices'] },
];

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
  ...LAYERS.map(({ files, bans: list }) => ({
    files,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', bans(list)] },
  })),
  {
    files: ['test/**', 'build/**', 'bin/**', '*.config.*'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
);
