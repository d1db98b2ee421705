import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate } from '../../../shared/domain/devices';
import en from '../../../shared/locales/en.json';
import zhCN from '../../../shared/locales/zh-CN.json';
import { tempDir } from '../../helpers/temp';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

describe('the incident for held captures', () => {
  it('is a critical transaction fault whose symptoms are the locale text in both languages with the count', async () => {
    const temp = tempDir();
    const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), resolveHost: () => Promise.resolve(true) });
    cleanups.push(temp.cleanup, () => core.dispose());
    const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', connection: { type: 'serial', path: 'COM3' } }));
    const incident = core.services.incidents.openCaptureHeld(device.id, 3);
    expect(incident).toMatchObject({ deviceId: device.id, faultClass: 'transaction', severity: 'critical' });
    expect(incident.symptoms.split('\n')).toEqual([zhCN.incidents.captureHeldSymptoms.replace('{held}', '3'), en.incidents.captureHeldSymptoms.replace('{held}', '3')]);
    expect(incident.symptoms).toContain('3 笔交易');
  });
});
