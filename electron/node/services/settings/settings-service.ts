import { DEFAULT_SETTINGS, Settings, type SettingsUpdate } from '../../../../shared/domain/settings';
import type { Db } from '../../db/connection';
import { readSettings, writeSettings } from '../../db/settings';
import type { EventBus } from '../../events/bus';

/** The store profile and the console's preferences, kept in SQLite. */
export class SettingsService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  get(): Settings {
    const stored = readSettings(this.db);
    const candidate = {
      language: stored.get('language') ?? DEFAULT_SETTINGS.language,
      store: { ...DEFAULT_SETTINGS.store, ...(stored.get('store') as object | undefined) },
    };
    // A value written by hand or by an older version that no longer validates falls back to the default.
    const parsed = Settings.safeParse(candidate);
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  update(update: SettingsUpdate): Settings {
    writeSettings(this.db, { language: update.language, store: update.store });
    const settings = this.get();
    this.bus.emit('settings.changed', settings);
    return settings;
  }

  dispose(): void {}
}
