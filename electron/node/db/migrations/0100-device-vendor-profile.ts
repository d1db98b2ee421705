import type { Migration } from './migration';

/**
 * The terminal's vendor profile (shared/domain/terminals VENDOR_PROFILE_IDS): the ZVT deviations
 * the session honours for it. Existing devices keep the spec behaviour ('generic').
 */
export const migration0100: Migration = {
  version: 100,
  name: 'device-vendor-profile',
  up(db) {
    db.exec("ALTER TABLE devices ADD COLUMN vendor_profile TEXT NOT NULL DEFAULT 'generic'");
  },
};
