import type { Migration } from './migration';

/**
 * A photo per spare part (issue 13), beside the catalogue rather than in it: the parts list reads
 * thousands of rows and needs only whether there is one; the photo (a data: URL of up to some
 * 1.3 MB) is read when one part is shown.
 */
export const migration0260: Migration = {
  version: 260,
  name: 'part photos',
  up(db) {
    db.exec(`
      CREATE TABLE part_photos (
        part_id    TEXT PRIMARY KEY REFERENCES parts (id) ON DELETE CASCADE,
        photo      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
