import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectDatabaseFile, snapshotDatabase } from '../../../electron/node/db/backup';
import { openDatabase } from '../../../electron/node/db/connection';
import { tempDir } from '../../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

describe('the database snapshot', () => {
  it('is a consistent copy taken in the worker while the app keeps writing', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const db = openDatabase(path.join(temp.dir, 'live.db'));
    cleanups.push(() => db.close());
    db.exec('CREATE TABLE sales (id INTEGER PRIMARY KEY, filler BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO sales (filler) VALUES (randomblob(2000))');
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run();
    })();

    // Writes go on, one committed row per turn of the event loop, while the worker copies.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        insert.run();
        written++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const file = path.join(temp.dir, 'snapshot.db');
    const pages = await snapshotDatabase(db, file);
    writing = false;
    await writer;

    expect(pages).toBeGreaterThan(10_000);
    expect(written).toBeGreaterThan(0); // the event loop ran during the copy
    const facts = await inspectDatabaseFile(file, { integrity: true });
    expect(facts.integrity).toBe('ok');
    const copied = facts.rowCounts.sales ?? 0;
    expect(copied).toBeGreaterThanOrEqual(20_000);
    expect(copied).toBeLessThanOrEqual(20_000 + written);
    // Every row in the copy is whole: ids are contiguous from 1, no torn page or half transaction.
    const snapshot = new Database(file, { readonly: true });
    expect(snapshot.prepare('SELECT count(*) AS n, max(id) AS top FROM sales').get()).toEqual({ n: copied, top: copied });
    snapshot.close();
  });

  it('reports a target it cannot write as an error with the system code, leaving the live database alone', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const db = openDatabase(path.join(temp.dir, 'live.db'));
    cleanups.push(() => db.close());
    await expect(snapshotDatabase(db, path.join(temp.dir, 'missing-folder', 'snapshot.db'))).rejects.toThrow('The snapshot could not be taken');
    expect(db.prepare('SELECT count(*) AS n FROM settings').get()).toEqual({ n: 0 });
  });
});
