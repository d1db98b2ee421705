import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, type Db } from '../../../electron/node/db/connection';
import { domainSettings, readSettings } from '../../../electron/node/db/settings';
import { tempDir } from '../../helpers/temp';

const Shape = z.object({ hour: z.number().int().min(0).max(23), kinds: z.array(z.string()) });
const DEFAULTS = { hour: 21, kinds: [] as string[] };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function database(): Db {
  const temp = tempDir();
  const db = openDatabase(path.join(temp.dir, 'poscare.db'));
  cleanups.push(temp.cleanup, () => db.close());
  return db;
}

describe('a domain’s settings', () => {
  it('answer the defaults until saved, then the merged value, stored under the domain key with the clock’s time', () => {
    const db = database();
    const settings = domainSettings(() => db, 'example', Shape, DEFAULTS, () => Date.parse('2026-03-02T08:00:00Z'));
    expect(settings.get()).toEqual(DEFAULTS);
    expect(settings.update({ kinds: ['a'] })).toEqual({ hour: 21, kinds: ['a'] });
    expect(settings.update({ hour: 5 })).toEqual({ hour: 5, kinds: ['a'] });
    expect(readSettings(db).get('example')).toEqual({ hour: 5, kinds: ['a'] });
    const row = db.prepare("SELECT updated_at FROM settings WHERE key = 'example'").get() as { updated_at: string };
    expect(row.updated_at).toBe('2026-03-02T08:00:00.000Z');
  });

  it('save nothing when the merged value is invalid or the adjust step refuses it', () => {
    const db = database();
    const settings = domainSettings(() => db, 'example', Shape, DEFAULTS);
    settings.update({ hour: 3 });
    expect(() => settings.update({ hour: 30 })).toThrow();
    expect(() =>
      settings.update({ kinds: ['x'] }, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(settings.get()).toEqual({ hour: 3, kinds: [] });
  });

  it('fall back to the defaults when the stored row is unreadable for the schema', () => {
    const db = database();
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('example', ?, '')").run(JSON.stringify({ hour: 'late' }));
    expect(domainSettings(() => db, 'example', Shape, DEFAULTS).get()).toEqual(DEFAULTS);
  });
});
