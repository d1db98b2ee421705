/**
 * Issue 18, item 1: no API path writes into the data folder (nor over the database by any other
 * name), over an existing file without `overwrite`, or to a relative path; each refusal names the
 * field and writes nothing. Real app core, real files, the API's dispatch.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppCore } from '../../../electron/node/app';
import { createHandlers } from '../../../electron/node/api/handlers';
import { DeviceCreate } from '../../../shared/domain/devices';
import { contract } from '../../../shared/ipc/contract';
import { backupWorkspace } from '../backup-helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const range = { from: '2026-01-01', to: '2026-01-31', format: 'csv' as const };

/** Every method that writes a file the manager names in `out`, with the rest of a valid input. */
const EXPORTS: Record<string, Record<string, unknown>> = {
  'transactions.export': range,
  'parts.exportReorder': {},
  'maintenance.exportCalendar': {},
  'maintenance.exportDone': { from: '2026-01-01', to: '2026-01-31' },
};

/** The contract's methods whose input has an `out` field: each must be in EXPORTS. */
function methodsWithOut(): string[] {
  return Object.entries(contract)
    .filter(([, spec]) => {
      const shape = (spec.input as unknown as { shape?: Record<string, unknown> }).shape;
      return shape !== undefined && 'out' in shape;
    })
    .map(([name]) => name)
    .sort();
}

/** Every file under `dir` with its content hash (the WAL and SHM change with any read; they are left out). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!/-(wal|shm)$/.test(entry.name)) out[path.relative(dir, full)] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

async function refused(core: AppCore, method: string, input: unknown, code: string, field: string) {
  const result = await core.dispatch(method, input);
  expect(result.ok, `${method} ${JSON.stringify(input)}`).toBe(false);
  if (result.ok) return undefined;
  expect(result.error.code, JSON.stringify(input)).toBe(code);
  expect(result.error.details?.issues?.[0]).toMatchObject({ path: field, messageKey: `errors.${code}` });
  return result.error;
}

describe('files PosCare writes on request', () => {
  it('never writes into the data folder or over the database by any name; the database keeps working', async () => {
    const { dataDir, usb, open } = backupWorkspace(cleanups);
    const core = open();
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    fs.mkdirSync(path.join(dataDir, 'sub'));
    fs.symlinkSync(dataDir, path.join(usb, 'data-link'));
    fs.symlinkSync(path.join(dataDir, 'poscare.db'), path.join(usb, 'db-link.csv'));
    fs.symlinkSync(path.join(dataDir, 'new.csv'), path.join(usb, 'dangling.csv'));
    fs.linkSync(path.join(dataDir, 'poscare.db'), path.join(usb, 'hard.csv'));
    const before = snapshot(dataDir);
    const hardBefore = fs.readFileSync(path.join(usb, 'hard.csv'));

    const targets = [
      path.join(dataDir, 'poscare.db'),
      path.join(dataDir, 'poscare.db-wal'),
      path.join(dataDir, 'poscare.db-shm'),
      path.join(dataDir, 'poscare.lock'),
      path.join(dataDir, 'export.csv'),
      path.join(dataDir, 'sub', 'export.csv'),
      path.join(dataDir, 'safety', '..', 'poscare.db'),
      `${usb}/../data/poscare.db`,
      path.join(path.dirname(dataDir), 'DATA', 'poscare.db').replace('DATA', path.basename(dataDir).toUpperCase()),
      path.join(usb, 'data-link', 'poscare.db'),
      path.join(usb, 'data-link', 'export.csv'),
      path.join(usb, 'db-link.csv'),
      path.join(usb, 'dangling.csv'),
      path.join(usb, 'hard.csv'),
    ];
    expect(methodsWithOut()).toEqual(Object.keys(EXPORTS).sort());
    for (const [method, input] of Object.entries(EXPORTS)) {
      for (const out of targets) {
        for (const overwrite of [false, true]) {
          const result = await core.dispatch(method, { ...input, out, overwrite });
          expect(result.ok, `${method} ${out}`).toBe(false);
          if (!result.ok) expect(['path_in_data_folder', 'folder_missing'], `${method} ${out}: ${result.error.code}`).toContain(result.error.code);
        }
      }
    }
    // Backup destinations: the data folder and anything inside it are refused, as a setting too.
    await refused(core, 'backup.create', { folder: dataDir, noEncryption: true }, 'path_in_data_folder', 'folder');
    await refused(core, 'backup.create', { folder: path.join(usb, 'data-link'), noEncryption: true }, 'path_in_data_folder', 'folder');
    await refused(core, 'backup.updateSettings', { folder: path.join(dataDir, 'backups-not-yet-there') }, 'path_in_data_folder', 'folder');

    expect(snapshot(dataDir)).toEqual(before);
    expect(fs.readFileSync(path.join(usb, 'hard.csv')).equals(hardBefore)).toBe(true);
    expect(core.db.pragma('integrity_check', { simple: true })).toBe('ok');
    core.services.settings.update({ store: { ...core.services.settings.get().store, name: 'still writing' } });
    expect(core.services.settings.get().store.name).toBe('still writing');
  });

  it('refuses a relative path, names a missing folder, and replaces an existing file only with overwrite', async () => {
    const { usb, open } = backupWorkspace(cleanups);
    const core = open();
    await refused(core, 'transactions.export', { ...range, out: 'export.csv' }, 'path_relative', 'out');
    await refused(core, 'transactions.export', { ...range, out: './usb/export.csv' }, 'path_relative', 'out');
    await refused(core, 'backup.create', { folder: 'usb', noEncryption: true }, 'path_relative', 'folder');
    expect(fs.existsSync(path.join(process.cwd(), 'export.csv'))).toBe(false);

    const missing = path.join(usb, 'no-such-folder');
    const error = await refused(core, 'transactions.export', { ...range, out: path.join(missing, 'x.csv') }, 'folder_missing', 'out');
    expect(error?.details).toMatchObject({ folder: missing });
    expect(error?.message).toContain(missing);
    const backupError = await refused(core, 'backup.create', { folder: missing, noEncryption: true }, 'folder_missing', 'folder');
    expect(backupError?.details).toMatchObject({ folder: missing });

    const existing = path.join(usb, 'Q4-tax-records.csv');
    fs.writeFileSync(existing, 'keep me');
    for (const [method, input] of Object.entries(EXPORTS)) {
      await refused(core, method, { ...input, out: 'export.csv' }, 'path_relative', 'out');
      await refused(core, method, { ...input, out: existing }, 'path_exists', 'out');
    }
    await refused(core, 'transactions.export', { ...range, out: usb, overwrite: true }, 'path_exists', 'out');
    expect(fs.readFileSync(existing, 'utf8')).toBe('keep me');
    expect(fs.readdirSync(usb)).toEqual(['Q4-tax-records.csv']);

    const replaced = await core.dispatch('transactions.export', { ...range, out: existing, overwrite: true });
    expect(replaced.ok).toBe(true);
    expect(fs.readFileSync(existing, 'utf8')).toContain('occurred_at');
  });

  it('checks the PDF save of an escalation pack before anything is written', async () => {
    const { dataDir, open } = backupWorkspace(cleanups);
    const core = open();
    let answer: unknown;
    const native = {
      pickFolder: async () => ({ path: null }),
      pickFile: async () => ({ path: null }),
      notify: () => undefined,
      async savePdf(_html: string, _name: string, check: (file: string) => string) {
        try {
          answer = check(path.join(dataDir, 'poscare.db'));
        } catch (error) {
          answer = (error as { code?: string }).code;
        }
        return { path: null };
      },
    };
    Object.assign(core.services, { native });
    const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'serial', path: 'COM3' } }));
    const incident = core.services.incidents.open({ deviceId: device.id });
    await createHandlers(core.services)['incidents.exportPdf']({ id: incident.id, language: 'en' });
    expect(answer).toBe('path_in_data_folder');
  });
});
