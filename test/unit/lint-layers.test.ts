/**
 * The layers of shared/DESIGN.md are lint rules (eslint.config.js). Each probe below is a one-line
 * source file placed (by its path) in a layer; it must be rejected by no-restricted-imports, or,
 * for the allowed ones, pass. The table is written out by hand, not derived from the config, so
 * dropping a ban from eslint.config.js fails its probe here.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const RULE = '@typescript-eslint/no-restricted-imports';

interface Layer {
  /** A file inside the layer (need not exist). */
  probe: string;
  forbidden: string[];
  allowed: string[];
}

const LAYERS: Record<string, Layer> = {
  'shared/': {
    probe: 'shared/domain/probe.ts',
    forbidden: ['fs', 'fs/promises', 'node:fs', 'events', 'electron', 'vue', 'pinia', 'element-plus', 'serialport', 'better-sqlite3', '../../electron/node/app', '../../electron/main/index', '../../renderer/src/api/client'],
    allowed: ['zod', './devices', '../ipc/result', '../locales/en.json'],
  },
  'renderer/': {
    probe: 'renderer/src/stores/probe.ts',
    forbidden: ['fs', 'path', 'node:path', 'electron', 'serialport', 'better-sqlite3', '../../../electron/node/app', '../../../electron/node/api/dispatch', '../../../electron/preload/index'],
    allowed: ['vue', 'pinia', 'element-plus', '../api/client', '../../../shared/ipc/result', '../../../shared/domain/devices'],
  },
  'electron/preload/': {
    probe: 'electron/preload/probe.ts',
    forbidden: ['fs', 'node:fs', 'vue', 'serialport', 'better-sqlite3', '../node/app', '../node/api/dispatch', '../node/log/logger', '../../renderer/src/main'],
    allowed: ['electron', '../../shared/ipc/channels', '../../shared/ipc/api'],
  },
  'electron/main/': {
    probe: 'electron/main/probe.ts',
    forbidden: ['vue', 'serialport', 'better-sqlite3', '../../renderer/src/main', '../node/db/connection', '../node/protocol/zvt/index', '../node/transport/tcp', '../node/services/devices/devices-service', '../node/simulator/index'],
    allowed: ['electron', 'electron-updater', 'node:path', '../node/app', '../node/api/dispatch', '../node/api/services', '../node/events/bus', '../node/host/csp', './protocol', '../../shared/ipc/contract'],
  },
  'electron/node/ (events, log, ...)': {
    probe: 'electron/node/events/probe.ts',
    forbidden: ['electron', 'vue', 'pinia', 'serialport', '@serialport/stream', 'better-sqlite3', '../../../renderer/src/main', '../../main/index', '../../preload/index'],
    allowed: ['node:fs', 'fs', 'zod', '../log/logger', '../../../shared/ipc/result'],
  },
  'electron/node/protocol/': {
    probe: 'electron/node/protocol/zvt/probe.ts',
    forbidden: ['fs', 'net', 'node:net', 'electron', 'serialport', 'better-sqlite3', '../../../../renderer/src/main', '../../db/connection', '../../services/terminals/link', '../../transport/tcp', '../../transport', '../../host/server', '../../cli/main', '../../api/handlers', '../../app', '../../simulator/index'],
    allowed: ['./codec', './index', '../../../../shared/domain/terminals', '../../../../shared/ipc/api'],
  },
  'electron/node/transport/': {
    probe: 'electron/node/transport/probe.ts',
    forbidden: ['electron', 'better-sqlite3', '../../../renderer/src/main', '../protocol/zvt/index', '../protocol/zvt/framing', '../db/connection', '../services/terminals/link', '../api/handlers', '../app', '../simulator/index'],
    allowed: ['serialport', '@serialport/stream', '@serialport/bindings-cpp', 'node:net', './transport', '../log/logger'],
  },
  'electron/node/db/': {
    probe: 'electron/node/db/probe.ts',
    forbidden: ['electron', 'serialport', '../../../renderer/src/main', '../protocol/zvt/index', '../services/devices/devices-service', '../transport/tcp', '../api/handlers', '../host/server', '../cli/main', '../app'],
    allowed: ['better-sqlite3', 'node:fs', 'node:worker_threads', './connection', '../../../shared/ipc/result', '../../../shared/ipc/api', '../../../shared/domain/app'],
  },
  'electron/node/services/': {
    probe: 'electron/node/services/devices/probe.ts',
    forbidden: ['electron', 'vue', 'serialport', 'better-sqlite3', '../../../../renderer/src/main', '../../api/handlers', '../../api/dispatch', '../../host/server', '../../cli/main', '../../app', '../../simulator/index'],
    allowed: ['exceljs', 'node:fs', '../../db/connection', '../../protocol/zvt/index', '../../transport/tcp', '../../events/bus', '../settings/settings-service', '../../../../shared/domain/app', '../../../../shared/ipc/api'],
  },
  'electron/node/host/': {
    probe: 'electron/node/host/probe.ts',
    forbidden: ['electron', 'better-sqlite3', '../db/connection', '../protocol/zvt/index', '../transport/tcp', '../services/devices/devices-service', '../simulator/index'],
    allowed: ['node:http', '../api/dispatch', '../events/bus', './csp', '../../../shared/ipc/result'],
  },
  'electron/node/simulator/': {
    probe: 'electron/node/simulator/probe.ts',
    forbidden: ['electron', 'better-sqlite3', 'serialport', '../db/connection', '../services/terminals/link', '../api/dispatch', '../host/server', '../cli/main', '../app'],
    allowed: ['node:net', '../protocol/zvt/index', '../transport/serial', '../transport/tcp'],
  },
  'electron/node/cli/': {
    probe: 'electron/node/cli/probe.ts',
    forbidden: ['electron', 'vue', 'serialport', 'better-sqlite3', '../../../renderer/src/main', '../../main/index', '../db/connection', '../db/bulk', '../services/backup/backup-service', '../services/transactions/transactions-service', '../services'],
    // A data folder is reached through the app core; the terminal tools use the link code directly.
    allowed: ['node:fs', '../app', '../api/dispatch', '../host/server', './main', './app-core', '../services/terminals/link', '../services/terminals/commands'],
  },
  'test/ (no layer)': {
    probe: 'test/unit/probe.ts',
    forbidden: [],
    allowed: ['better-sqlite3', 'serialport', 'electron', 'vue', '../../electron/node/db/connection', '../../renderer/src/api/client'],
  },
};

let eslint: ESLint;

beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.lintText('\n', { filePath: path.join(root, 'shared/probe.ts') }); // loads the config and plugins once
}, 120_000);

/** The no-restricted-imports errors for `source` linted as if it were the file `probe`. */
async function restrictions(source: string, probe: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, probe) });
  expect(result?.messages.filter((m) => m.fatal)).toEqual([]);
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('the layer rules in eslint.config.js', () => {
  for (const [name, layer] of Object.entries(LAYERS)) {
    describe(name, () => {
      for (const spec of layer.forbidden) {
        it(`reject an import of '${spec}'`, async () => {
          expect(await restrictions(`import '${spec}';\n`, layer.probe)).toHaveLength(1);
        });
      }

      it('accept the imports the layer may make', async () => {
        const source = layer.allowed.map((spec) => `import '${spec}';`).join('\n') + '\n';
        expect(await restrictions(source, layer.probe)).toEqual([]);
      });
    });
  }

  it('apply to the script of a .vue file in the renderer', async () => {
    const source = `<script setup lang="ts">\nimport fs from 'fs';\nimport { app } from 'electron';\nimport { ref } from 'vue';\nvoid [fs, app, ref];\n</script>\n<template><div /></template>\n`;
    expect(await restrictions(source, 'renderer/src/views/ProbeView.vue')).toHaveLength(2);
  });

  it('let the Electron shell name a service type but not import a service', async () => {
    const probe = 'electron/main/probe.ts';
    expect(await restrictions(`import type { SelfUpdater } from '../node/services/updates/updates-service';\nexport type U = SelfUpdater;\n`, probe)).toEqual([]);
    expect(await restrictions(`import { UpdatesService } from '../node/services/updates/updates-service';\nexport const U = UpdatesService;\n`, probe)).toHaveLength(1);
  });

  it('keep better-sqlite3 out of every layer but db/, type imports included', async () => {
    const source = `import type Database from 'better-sqlite3';\nexport type D = Database.Database;\n`;
    expect(await restrictions(source, 'electron/node/services/devices/probe.ts')).toHaveLength(1);
    expect(await restrictions(source, 'electron/node/db/probe.ts')).toEqual([]);
  });
});
