import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installCrashHandlers, messagesFor, startupErrorText } from '../../electron/main/crash';
import { createLogger } from '../../electron/node/log/logger';
import { AppError } from '../../shared/ipc/result';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ sink: { write: (line) => lines.push(line) } }) };
}

describe('the startup-failure dialog text', () => {
  it('is Chinese by default and English only for an English system', () => {
    expect(messagesFor('zh-CN').startup.title).toBe('PosCare 无法启动');
    expect(messagesFor('de-DE').startup.title).toBe('PosCare 无法启动');
    expect(messagesFor('').startup.title).toBe('PosCare 无法启动');
    expect(messagesFor('en-US').startup.title).toBe('PosCare cannot start');
    expect(messagesFor('en').startup.title).toBe('PosCare cannot start');
  });

  it('translates a known cause by its error code', () => {
    const error = new AppError('database_newer', 'The database was written by PosCare 9.0 (schema 900)');
    expect(startupErrorText('zh-CN', error)).toEqual({ title: 'PosCare 无法启动', content: '数据库由更新版本的PosCare创建，请先升级PosCare。' });
    expect(startupErrorText('en-GB', error).content).toContain('newer');
  });

  it('names an unexpected error by its message', () => {
    expect(startupErrorText('en-US', new TypeError('boom')).content).toBe('An unexpected error stopped PosCare from starting: boom');
    expect(startupErrorText('zh-CN', 'plain string').content).toContain('plain string');
  });
});

describe('the main-process crash handlers', () => {
  it('log every uncaught error and turn only the first one during startup into the dialog', () => {
    const proc = new EventEmitter();
    const { lines, logger } = recordingLogger();
    let starting = true;
    const failures: unknown[] = [];
    installCrashHandlers(proc, { logger, starting: () => starting, failStartup: (error) => failures.push(error) });

    const first = new Error('cannot open the window');
    proc.emit('uncaughtException', first);
    proc.emit('unhandledRejection', new Error('second'));
    expect(failures).toEqual([first]);

    starting = false;
    proc.emit('unhandledRejection', new Error('after startup'));
    expect(failures).toHaveLength(1);
    expect(lines.filter((line) => line.includes('ERROR'))).toHaveLength(3);
    expect(lines.some((line) => line.includes('after startup'))).toBe(true);
  });

  it('keeps the process alive after startup (a listener exists) and can be removed', () => {
    const proc = new EventEmitter();
    const { logger } = recordingLogger();
    const remove = installCrashHandlers(proc, { logger, starting: () => false, failStartup: () => undefined });
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    expect(proc.listenerCount('unhandledRejection')).toBe(1);
    remove();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });
});
