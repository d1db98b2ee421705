import { describe, expect, it } from 'vitest';
import en from '../../../shared/locales/en.json';
import zhCN from '../../../shared/locales/zh-CN.json';
import { ABORTABLE_TERMINAL_COMMANDS, GUIDE_COMMANDS, GUIDE_TERMINAL_COMMANDS, isAbortableCommand, TERMINAL_COMMANDS } from '../../../shared/domain/terminals';

describe('the terminal command vocabulary (shared/domain/terminals.ts)', () => {
  it('lets the long commands and the card transactions be aborted, in either vocabulary', () => {
    expect(['endOfDay', 'diagnosis', 'softwareUpdate', 'end-of-day', 'software-update', 'pay', 'refund', 'reversal'].filter(isAbortableCommand)).toHaveLength(8);
  });

  it('keeps the short commands, reconnect and unknown names from being aborted', () => {
    expect(['statusEnquiry', 'selfTest', 'printConfiguration', 'reconnect', 'status', 'print-config', 'register', 'log-off', 'turnover-totals', 'repeat-receipt', 'abort', ''].filter(isAbortableCommand)).toEqual([]);
  });

  it('maps every guide command onto a terminal command or none, and names only real terminal commands as abortable', () => {
    expect(Object.keys(GUIDE_TERMINAL_COMMANDS).sort()).toEqual([...GUIDE_COMMANDS].sort());
    for (const command of [...Object.values(GUIDE_TERMINAL_COMMANDS), ...ABORTABLE_TERMINAL_COMMANDS]) {
      if (command !== undefined) expect(TERMINAL_COMMANDS).toContain(command);
    }
  });

  it('has a translated text for the refusal', () => {
    expect(en.errors.command_not_abortable).toMatch(/abort/i);
    expect(zhCN.errors.command_not_abortable).toContain('中止');
  });
});
