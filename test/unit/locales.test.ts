import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../shared/locales/en.json';
import zhCN from '../../shared/locales/zh-CN.json';
import { ERROR_CODES } from '../../shared/ipc/result';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(vue|ts)$/.test(entry.name) ? [full] : [];
  });
}

const root = path.resolve(__dirname, '../..');
const zhKeys = new Set(keys(zhCN));

describe('the locale files', () => {
  it('have the same keys in zh-CN and English', () => {
    expect(keys(en).sort()).toEqual([...zhKeys].sort());
  });

  it('have no empty text', () => {
    for (const [locale, messages] of [['zh-CN', zhCN], ['en', en]] as const) {
      for (const key of keys(messages)) {
        const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messages);
        expect(typeof text === 'string' && text.trim().length > 0, `${locale}: ${key}`).toBe(true);
      }
    }
  });

  it('translate every API error code', () => {
    for (const code of ERROR_CODES) expect(zhKeys.has(`errors.${code}`), code).toBe(true);
  });

  it('hold every literal key the renderer asks for', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(path.join(root, 'renderer/src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\('([a-zA-Z_.]+)'/g)) {
        if (!zhKeys.has(match[1]!)) missing.push(`${path.relative(root, file)}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
