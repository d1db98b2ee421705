/**
 * Every text field stops at the length the core accepts (issue 11 item 7): an input's maxlength
 * comes from the contract schema (shared/domain/limits.ts), and the core answers a longer text
 * with a translated field error naming the field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppCore } from '../../electron/node/app';
import { silentLogger } from '../../electron/node/log/logger';
import { DeviceFields } from '../../shared/domain/devices';
import { IncidentUpdate } from '../../shared/domain/incidents';
import { maxLengthOf } from '../../shared/domain/limits';
import zhCN from '../../shared/locales/zh-CN.json';
import { tempDir } from '../helpers/temp';

const root = path.resolve(__dirname, '../..');

/**
 * Inputs without a limit yet (left for a later session; new inputs must not join this list):
 * file name and v-model.
 */
const NOT_YET = new Set([
  'TransactionsSearch.vue exportFolder',
  'TrainingModuleForm.vue form.title[lang]',
  'TrainingModuleForm.vue form.purpose[lang]',
  'TrainingModuleForm.vue s.title[lang]',
  'TrainingModuleForm.vue s.explanation[lang]',
  'TrainingModuleForm.vue q.text[lang]',
  'TrainingModuleForm.vue o[lang]',
  'IncidentsKeepSelling.vue c.role',
  'IncidentsKeepSelling.vue c.phone',
  'MaintenancePlanEditor.vue form.start',
  'MaintenanceOccurrence.vue notes[index]',
  'PartsSearch.vue query',
  'PartsReorder.vue folder',
  'BackupRestore.vue file',
  'BackupRestore.vue passphrase',
  'BackupCreateForm.vue folder',
  'BackupCreateForm.vue passphrase',
  'BackupCreateForm.vue confirmPassphrase',
]);

function vueFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? vueFiles(full) : entry.name.endsWith('.vue') ? [full] : [];
  });
}

describe('field limits', () => {
  it('give every editable text input a maxlength', () => {
    const missing: string[] = [];
    for (const file of vueFiles(path.join(root, 'renderer/src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const tag of text.matchAll(/<ElInput\b[^>]*?\/?>/gs)) {
        const model = /\bv-model="([^"]+)"/.exec(tag[0])?.[1];
        if (!model || /maxlength=/.test(tag[0])) continue;
        const key = `${path.basename(file)} ${model}`;
        if (!NOT_YET.has(key)) missing.push(key);
      }
    }
    expect(missing).toEqual([]);
  });

  it('read the limits from the schemas the core checks, and refuse a field that has none', () => {
    expect(maxLengthOf(DeviceFields, 'model')).toBe(100);
    expect(maxLengthOf(IncidentUpdate, 'symptoms')).toBe(4000);
    expect(() => maxLengthOf(DeviceFields, 'noSuchField')).toThrow(/noSuchField/);
  });

  it('answer a text over the limit with a translated error that names the field, and store nothing', async () => {
    const temp = tempDir();
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger });
    try {
      const tooLong = 'x'.repeat(maxLengthOf(DeviceFields, 'model') + 1);
      const answer = await core.dispatch('devices.create', { name: 'Counter 1', model: tooLong, connection: { type: 'tcp', host: '127.0.0.1', port: 20007 } });
      expect(answer.ok).toBe(false);
      if (answer.ok) return;
      const issue = answer.error.details?.issues?.find((i) => i.path === 'model');
      expect(issue).toMatchObject({ code: 'too_big', maximum: 100 });
      expect(Object.keys(zhCN.validation)).toContain(issue?.code);
      expect(await core.dispatch('devices.list', { includeArchived: true })).toEqual({ ok: true, value: [] });
    } finally {
      core.dispose();
      temp.cleanup();
    }
  });
});
