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
import { BackupCreateInput } from '../../shared/domain/backup';
import { maxLengthOf } from '../../shared/domain/limits';
import { PreviewInput } from '../../shared/domain/maintenance';
import { ModuleFields } from '../../shared/domain/training';
import zhCN from '../../shared/locales/zh-CN.json';
import { tempDir } from '../helpers/temp';

const root = path.resolve(__dirname, '../..');

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
        missing.push(`${path.basename(file)} ${model}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('read the limits from the schemas the core checks, and refuse a field that has none', () => {
    expect(maxLengthOf(DeviceFields, 'model')).toBe(100);
    expect(maxLengthOf(IncidentUpdate, 'symptoms')).toBe(4000);
    expect(() => maxLengthOf(DeviceFields, 'noSuchField')).toThrow(/noSuchField/);
    // Items of arrays ('*'), fields of objects inside them, and text in both languages.
    expect(maxLengthOf(ModuleFields, 'title.en')).toBe(200);
    expect(maxLengthOf(ModuleFields, 'steps.*.explanation.zh-CN')).toBe(2000);
    expect(maxLengthOf(ModuleFields, 'questions.*.options.*.en')).toBe(300);
    expect(() => maxLengthOf(ModuleFields, 'steps.*.noSuchField')).toThrow(/noSuchField/);
    // Optional fields wrapped in refinements (backup passphrase), and a date-time field.
    expect(maxLengthOf(BackupCreateInput, 'passphrase')).toBe(1024);
    expect(maxLengthOf(PreviewInput, 'start')).toBe(19);
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
