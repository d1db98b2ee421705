import { afterEach, describe, expect, it } from 'vitest';
import { backupErrorMessage, failureMessage } from '../../renderer/src/components/backup/failure-text';
import { i18n } from '../../renderer/src/i18n';
import { failureOf, failureText } from '../../shared/domain/backup';

afterEach(() => {
  i18n.global.locale.value = 'zh-CN';
});

describe('a failed backup in the manager’s language', () => {
  it('stores the code with the English message and reads both back', () => {
    const stored = failureText('destination_full', 'The backup folder E:\\ is full: ENOSPC: no space left on device, write');
    expect(failureOf({ error: stored })).toEqual({ code: 'destination_full', message: 'The backup folder E:\\ is full: ENOSPC: no space left on device, write' });
    expect(failureOf({ error: 'interrupted' })).toEqual({ code: 'interrupted', message: '' });
    // A row written before codes were kept: only its message.
    expect(failureOf({ error: 'EIO: i/o error, write' })).toEqual({ code: undefined, message: 'EIO: i/o error, write' });
  });

  it('shows a scheduled run that failed on a full drive in Chinese and in English, never the English message in Chinese', () => {
    const entry = { error: failureText('destination_full', 'The backup folder /media/usb is full: ENOSPC: no space left on device, write') };
    expect(failureMessage(entry)).toBe('备份文件夹所在的磁盘已满。请清理U盘空间，或更换备份文件夹。');
    i18n.global.locale.value = 'en';
    expect(failureMessage(entry)).toBe('The backup folder is full. Free some space on the drive or choose another folder.');
  });

  it('translates API error codes and interrupted runs; an unexpected failure keeps its detail; old rows their message', () => {
    expect(failureMessage({ error: failureText('backup_damaged', 'The database fails its integrity check: x') })).toBe('备份文件已损坏或不完整，请使用其他备份。');
    expect(failureMessage({ error: 'interrupted' })).toBe('写入此备份时 PosCare 被关闭或中止。');
    expect(failureMessage({ error: failureText('internal', 'The snapshot could not be taken: disk I/O error') })).toBe(
      `${i18n.global.t('errors.internal')} (The snapshot could not be taken: disk I/O error)`,
    );
    expect(failureMessage({ error: 'The backup could not be written' })).toBe('The backup could not be written');
  });

  it('says a backup call failed because the folder is full, not that the data folder cannot be written', () => {
    const error = { code: 'data_dir_unwritable' as const, message: 'The backup folder /x is full', details: { path: '/x', reason: 'destination_full' } };
    expect(backupErrorMessage(error)).toBe('备份文件夹所在的磁盘已满。请清理U盘空间，或更换备份文件夹。');
    expect(backupErrorMessage({ code: 'data_dir_unwritable', message: '' })).toBe(i18n.global.t('errors.data_dir_unwritable'));
  });
});
