import { describe, expect, it } from 'vitest';
import { missedAutomaticRun, type BackupEntry } from '../../shared/domain/backup';

let nextId = 100;
function entry(fields: Partial<BackupEntry>): BackupEntry {
  return {
    id: nextId--,
    file: '/media/usb',
    createdAt: new Date(Date.UTC(2026, 10, nextId)).toISOString(),
    trigger: 'scheduled',
    status: 'verified',
    encrypted: true,
    bytes: 0,
    rowCounts: {},
    seconds: null,
    error: null,
    present: true,
    ...fields,
  };
}

describe('the automatic run the Backup page warns about', () => {
  it('is the newest scheduled or at-quit run that was skipped or failed, looking past manual failures', () => {
    const skipped = entry({ status: 'failed', error: 'passphrase_needed', present: false });
    const manualFailure = entry({ trigger: 'manual', status: 'failed', error: 'not_found: no folder' });
    expect(missedAutomaticRun([manualFailure, skipped, entry({})])).toBe(skipped);
    const atQuit = entry({ trigger: 'quit', status: 'failed', error: 'interrupted' });
    expect(missedAutomaticRun([atQuit, skipped])).toBe(atQuit);
  });

  it('is none once a backup was verified after it, while an automatic run is still running, or when there is no history', () => {
    const skipped = entry({ status: 'failed', error: 'folder_missing', present: false });
    expect(missedAutomaticRun([entry({ trigger: 'manual' }), skipped])).toBeUndefined();
    expect(missedAutomaticRun([entry({ trigger: 'safety' }), skipped])).toBeUndefined();
    expect(missedAutomaticRun([entry({ status: 'running' }), skipped])).toBeUndefined();
    expect(missedAutomaticRun([])).toBeUndefined();
  });
});
