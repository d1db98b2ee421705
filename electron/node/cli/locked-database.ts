import { databasePath, openDatabase, type Db } from '../db/connection';
import { acquireDataLock } from '../files/data-lock';

/** Runs `work` on the data folder's database while this command owns the folder (poscare.lock). */
export async function withLockedDatabase<T>(dataDir: string, command: string, work: (db: Db) => T | Promise<T>): Promise<T> {
  const lock = acquireDataLock(dataDir, command);
  try {
    const db = openDatabase(databasePath(dataDir));
    try {
      return await work(db);
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
}
