import { describe, expect, it } from 'vitest';
import { createLogger, redactPan } from '../../electron/node/log/logger';

describe('the logger', () => {
  it('masks full card numbers to the first six and last four digits', () => {
    expect(redactPan('card 4111111111111111 ok')).toBe('card 411111******1111 ok');
    expect(redactPan('pan 5500-0000-0000-0004')).toBe('pan 550000******0004');
    expect(redactPan('trace 000123 amount 1234')).toBe('trace 000123 amount 1234');
  });

  it('never writes a full card number, even inside structured fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', sink: { write: (line) => lines.push(line) } });
    logger.info('status information', { pan: '4111 1111 1111 1111' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('4111 1111 1111 1111');
    expect(lines[0]).toContain('411111******1111');
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', sink: { write: (line) => lines.push(line) } });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('loud');
  });
});
