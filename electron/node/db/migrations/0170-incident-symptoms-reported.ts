import type { Migration } from './index';

/**
 * Whether an incident's symptoms are what the terminal reported (written by PosCare, shown worded
 * in the reader's language) or the manager's own words. Until now only incidents that opened by
 * themselves had reported symptoms; a manager opening one on a faulty terminal now gets them too.
 */
export const migration0170: Migration = {
  version: 170,
  name: 'incident-symptoms-reported',
  up(db) {
    db.exec('ALTER TABLE incidents ADD COLUMN symptoms_reported INTEGER NOT NULL DEFAULT 0');
    db.exec('UPDATE incidents SET symptoms_reported = auto_opened');
  },
};
