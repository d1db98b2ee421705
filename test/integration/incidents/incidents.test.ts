import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { insertTerminalEvents } from '../../../electron/node/db/terminal-events';
import { silentLogger } from '../../../electron/node/log/logger';
import { DeviceCreate, type Device } from '../../../shared/domain/devices';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';
import { untranslated } from '../../helpers/untranslated';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

async function setup(): Promise<{ core: AppCore; links: FakeLinks; clock: FakeClock; device: Device }> {
  const temp = tempDir();
  const links = new FakeLinks();
  const clock = new FakeClock();
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: links, clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  await core.dispatch('settings.update', { store: { name: 'Jing an store', address: '1 West Nanjing Road', timezone: 'Asia/Shanghai', businessHours: { opens: '09:00', closes: '21:00' } } });
  const device = await core.services.devices.create(DeviceCreate.parse({ name: 'Counter 1', model: 'VX 520', serialNumber: 'SN-4711', tid: '52500001', connection: { type: 'serial', path: 'COM3' } }));
  links.report({ id: device.id, link: 'ready' });
  return { core, links, clock, device };
}

describe('incidents', () => {
  it('open by themselves once a terminal stays offline longer than the threshold, dated from the fault start', async () => {
    const { core, links, clock, device } = await setup();
    core.services.incidents.updateSettings({ autoOpenAfterMinutes: 5 });
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(4);
    expect(core.services.incidents.tick()).toEqual([]);
    clock.advanceMinutes(1);
    const [opened] = core.services.incidents.tick();
    expect(opened).toMatchObject({ deviceId: device.id, state: 'open', autoOpened: true, openedAt: '2026-03-02T08:00:00.000Z', guideId: 'contacts' });
    // Only one per outage.
    clock.advanceMinutes(10);
    expect(core.services.incidents.tick()).toEqual([]);
  });

  it('do not open when the terminal recovers before the threshold', async () => {
    const { core, links, clock, device } = await setup();
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(3);
    links.report({ id: device.id, link: 'ready' });
    clock.advanceMinutes(10);
    expect(core.services.incidents.tick()).toEqual([]);
  });

  it('resolve by themselves on recovery, time-stamped at the recovery, with the right duration', async () => {
    const { core, links, clock, device } = await setup();
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(6);
    const [incident] = core.services.incidents.tick();
    clock.advanceMinutes(7);
    links.report({ id: device.id, link: 'ready' });
    const resolved = core.services.incidents.get(incident!.id);
    expect(resolved).toMatchObject({ state: 'resolved', autoResolved: true, closedAt: '2026-03-02T08:13:00.000Z', durationMs: 13 * 60_000 });
  });

  it('stay open on recovery when the manager turned auto-resolve off, or while waiting for the vendor', async () => {
    const { core, links, clock, device } = await setup();
    const waiting = core.services.incidents.open({ deviceId: device.id });
    core.services.incidents.update({ id: waiting.id, state: 'waitingVendor' });
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(1);
    links.report({ id: device.id, link: 'ready' });
    expect(core.services.incidents.get(waiting.id).closedAt).toBeNull();
    core.services.incidents.updateSettings({ autoResolveOnRecovery: false });
    const manual = core.services.incidents.open({ deviceId: device.id });
    links.report({ id: device.id, link: 'disconnected' });
    links.report({ id: device.id, link: 'ready' });
    expect(core.services.incidents.get(manual.id).state).toBe('open');
  });

  it('refuse to close before they opened, with a field error, and change nothing', async () => {
    const { core, device } = await setup();
    const incident = core.services.incidents.open({ deviceId: device.id, openedAt: '2026-03-02T07:00:00.000Z' });
    const result = await core.dispatch('incidents.update', { id: incident.id, closedAt: '2026-03-02T06:00:00.000Z', resolution: 'x' });
    expect(!result.ok && result.error.details?.issues).toEqual([{ path: 'closedAt', code: 'custom', messageKey: 'incidents.closedBeforeOpened' }]);
    expect(core.services.incidents.get(incident.id)).toMatchObject({ closedAt: null, resolution: '' });
  });

  it('move only along the procedure, refusing a step back to open with a field error and changing nothing', async () => {
    const { core, device } = await setup();
    const incident = core.services.incidents.open({ deviceId: device.id });
    expect(core.services.incidents.update({ id: incident.id, state: 'diagnosing' }).state).toBe('diagnosing');
    expect(core.services.incidents.update({ id: incident.id, state: 'waitingParts' }).state).toBe('waitingParts');
    expect(core.services.incidents.update({ id: incident.id, state: 'waitingVendor' }).state).toBe('waitingVendor');
    const back = await core.dispatch('incidents.update', { id: incident.id, state: 'open', resolution: 'should not be saved' });
    expect(!back.ok && back.error.details?.issues).toEqual([{ path: 'state', code: 'custom', messageKey: 'incidents.illegalTransition' }]);
    expect(core.services.incidents.get(incident.id)).toMatchObject({ state: 'waitingVendor', resolution: '', closedAt: null });
    // The vendor's instructions arrived: the manager diagnoses again, then waits again.
    expect(core.services.incidents.update({ id: incident.id, state: 'diagnosing' }).state).toBe('diagnosing');
    expect(core.services.incidents.update({ id: incident.id, state: 'waitingVendor' }).state).toBe('waitingVendor');
    expect(core.services.incidents.update({ id: incident.id, state: 'replaced' })).toMatchObject({ state: 'replaced', closedAt: '2026-03-02T08:00:00.000Z' });
    // Closed: only reopening, or the other outcome.
    expect(core.services.incidents.update({ id: incident.id, state: 'resolved' }).state).toBe('resolved');
    const waiting = await core.dispatch('incidents.update', { id: incident.id, state: 'waitingParts' });
    expect(!waiting.ok && waiting.error.details?.issues?.[0]?.messageKey).toBe('incidents.illegalTransition');
  });

  it('reopen when the form sends the old end time along with the open state, and stay open', async () => {
    const { core, clock, device } = await setup();
    const incident = core.services.incidents.open({ deviceId: device.id });
    clock.advanceMinutes(5);
    const closed = core.services.incidents.update({ id: incident.id, state: 'resolved' });
    expect(closed.closedAt).toBe('2026-03-02T08:05:00.000Z');
    clock.advanceMinutes(5);
    // The detail form sends every field, the stale end time included.
    const reopened = core.services.incidents.update({ id: incident.id, state: 'open', closedAt: closed.closedAt, symptoms: 'came back' });
    expect(reopened).toMatchObject({ state: 'open', closedAt: null, symptoms: 'came back', durationMs: 10 * 60_000 });
    // Saved again unchanged: still open.
    expect(core.services.incidents.update({ id: incident.id, state: 'open', closedAt: null }).state).toBe('open');
    // Without a state, clearing the end reopens and an end time closes as resolved.
    const closedAgain = core.services.incidents.update({ id: incident.id, closedAt: '2026-03-02T08:12:00.000Z' });
    expect(closedAgain).toMatchObject({ state: 'resolved', closedAt: '2026-03-02T08:12:00.000Z' });
    expect(core.services.incidents.update({ id: incident.id, closedAt: null })).toMatchObject({ state: 'open', closedAt: null });
  });

  it('close with the current time when set to resolved, and record guide answers and command results as steps', async () => {
    const { core, clock, device } = await setup();
    const incident = core.services.incidents.open({ deviceId: device.id, guideId: 'printer', symptoms: 'no receipt' });
    clock.advanceMinutes(2);
    core.services.incidents.recordStep({ id: incident.id, guideId: 'printer', nodeId: 'paper', prompt: 'Is the paper roll empty?', answer: 'Yes' });
    const run = await core.services.incidents.runGuideCommand({ incidentId: incident.id, command: 'printConfiguration', nodeId: 'printTest' });
    expect(run.ok).toBe(true);
    clock.advanceMinutes(3);
    const closed = core.services.incidents.update({ id: incident.id, state: 'resolved', resolution: 'paper loaded' });
    expect(closed.closedAt).toBe('2026-03-02T08:05:00.000Z');
    expect(closed.durationMs).toBe(5 * 60_000);
    expect(closed.steps.map((s) => [s.nodeId, s.answer])).toEqual([['paper', 'Yes'], ['printTest', 'printConfiguration: ok']]);
  });

  it('produce an escalation pack with store, serial number, TID, steps and timeline, saved with the incident', async () => {
    const { core, links, clock, device } = await setup();
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(6);
    const [incident] = core.services.incidents.tick();
    core.services.incidents.recordStep({ id: incident!.id, guideId: 'contacts', nodeId: 'cables', prompt: 'Reseat the data cable. Done?', answer: 'Yes' });
    const pack = core.services.incidents.escalate(incident!.id, 'en');
    for (const needle of ['Jing an store', 'SN-4711', '52500001', 'VX 520', 'Reseat the data cable. Done? → Yes', 'OK → Offline (link: Disconnected)', '6 min']) {
      expect(pack.text).toContain(needle);
    }
    expect(pack.html).toContain('SN-4711');
    expect(core.services.incidents.get(incident!.id).escalation?.text).toBe(pack.text);
    expect(core.services.incidents.escalate(incident!.id, 'zh-CN').text).toContain('序列号: SN-4711');
    expect(core.services.incidents.escalate(incident!.id, 'zh-CN').text).toContain('持续时间: 6分钟');
  });

  it('write the escalation pack wholly in the chosen language: state, severity, class, cause, timeline words and recorded results', async () => {
    const { core, links, clock, device } = await setup();
    const incident = core.services.incidents.open({ deviceId: device.id, faultClass: 'hardware', cause: 'overheating', severity: 'high', symptoms: '发烫' });
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(2);
    links.report({ id: device.id, link: 'ready' }); // auto-resolves: a recorded "offline -> ok" step
    await core.services.incidents.update({ id: incident.id, state: 'open' });
    await core.services.incidents.runGuideCommand({ incidentId: incident.id, command: 'diagnosis', nodeId: 'diag' });
    await core.services.incidents.update({ id: incident.id, handledBy: '王店长', partsUsed: '电源适配器 × 1' });
    const zh = core.services.incidents.escalate(incident.id, 'zh-CN').text;
    for (const needle of ['处理人: 王店长', '使用的备件: 电源适配器 × 1', '状态: 排查中', '严重程度: 高', '故障类别 / 原因: 硬件 / 散热不良', '正常 → 离线（连接：已断开）', '离线 → 正常', '（自动关闭）', '诊断 完成 diagnosis done', '诊断: 终端应答正常', '状态时间线:']) {
      expect(zh, needle).toContain(needle);
    }
    for (const english of ['diagnosing', 'high', 'hardware', 'overheating', ' -> offline', 'link ', 'auto-resolved', 'diagnosis: ok', 'diagnosis ok', 'Status timeline']) {
      expect(zh, english).not.toContain(english);
    }
    const en = core.services.incidents.escalate(incident.id, 'en').text;
    for (const needle of ['Handled by: 王店长', 'Parts used: 电源适配器 × 1', 'State: Diagnosing', 'Severity: High', 'Fault class / cause: Hardware / Overheating', 'OK → Offline (link: Disconnected)', 'Diagnosis: The terminal answered OK']) {
      expect(en, needle).toContain(needle);
    }
  });

  it('carry the last lines of the terminal event log (link changes and errors, never raw frames) worded in the pack\'s language, at store time', async () => {
    const { core, device } = await setup();
    const at = Date.parse('2026-03-02T07:59:00.000Z');
    insertTerminalEvents(core.db, [
      { terminalId: device.id, atMs: at, type: 'link', message: 'ready -> disconnected (read ECONNRESET)' },
      { terminalId: device.id, atMs: at + 1000, type: 'frame', message: 'rx 06 0f 04 4761731234567890' },
      { terminalId: device.id, atMs: at + 2000, type: 'error', message: 'diagnosis failed: card 4761739001010010 declined' },
      { terminalId: device.id, atMs: at + 3000, type: 'link', message: 'ready -> degraded: Printer not ready', data: { state: 'degraded', since: '', reason: 'Printer not ready', terminalStatus: 0xcc } },
      { terminalId: 'another-terminal', atMs: at + 3000, type: 'error', message: 'not this one' },
    ]);
    const incident = core.services.incidents.open({ deviceId: device.id });
    const en = core.services.incidents.escalate(incident.id, 'en');
    // 07:59 UTC is 15:59 in Shanghai, the store's zone.
    expect(en.text).toContain(
      'Terminal event log (link changes and errors):\n03/02/2026 15:59:00 link Ready → Disconnected (ECONNRESET)\n03/02/2026 15:59:02 error Command failed\n03/02/2026 15:59:03 link Ready → Unstable (Printer not ready)',
    );
    expect(en.html).toContain('Ready → Disconnected (ECONNRESET)');
    for (const text of [en.text, en.html]) {
      expect(text).not.toContain('4761731234567890');
      expect(text).not.toContain('4761739001010010');
      expect(text).not.toContain('not this one');
      expect(text).not.toContain(' -> ');
    }
    const zh = core.services.incidents.escalate(incident.id, 'zh-CN').text;
    expect(zh).toContain('终端事件日志（连接变化和错误）:\n2026/03/02 15:59:00 连接 就绪 → 已断开（ECONNRESET）\n2026/03/02 15:59:02 错误 命令失败\n2026/03/02 15:59:03 连接 就绪 → 不稳定（打印机未就绪）');
    expect(zh).not.toContain('diagnosis failed');
  });

  it('write a Chinese pack a vendor can read: no English word outside names and codes, no ISO time, no empty field', async () => {
    const { core, links, clock, device } = await setup();
    core.services.incidents.updateSettings({ autoOpenAfterMinutes: 1 });
    // Paper out: the terminal answers "printer not ready" and its link logs what the manager wrote.
    links.answers.set('printConfiguration', { ok: false, summary: 'terminal:0xCC', terminalStatus: 0xcc, printer: 'noPaper', printLines: [] });
    links.answers.set('statusEnquiry', { ok: true, summary: 'terminal:0x00; software:1.2.3', terminalStatus: 0, printer: 'ok' });
    links.report({ id: device.id, link: 'degraded', terminalStatus: 0xcc });
    const at = clock.now();
    insertTerminalEvents(core.db, [
      { terminalId: device.id, atMs: at, type: 'link', message: 'ready -> degraded: Printer not ready', data: { state: 'degraded', since: '', reason: 'Printer not ready', terminalStatus: 0xcc } },
      { terminalId: device.id, atMs: at + 1000, type: 'error', message: 'link lost: read ECONNRESET' },
      { terminalId: device.id, atMs: at + 2000, type: 'error', message: 'status failed: No answer' },
    ]);
    clock.advanceMinutes(2);
    const [incident] = core.services.incidents.tick();
    await core.services.incidents.runGuideCommand({ incidentId: incident!.id, command: 'printConfiguration', nodeId: 'printTest' });
    await core.services.incidents.runGuideCommand({ incidentId: incident!.id, command: 'statusEnquiry', nodeId: 'check' });
    const pack = core.services.incidents.escalate(incident!.id, 'zh-CN');
    const names = ['Jing an store', '1 West Nanjing Road', 'Counter 1', 'VX 520', 'SN-4711'];
    for (const text of [pack.text, pack.html.replace(/<style>[\s\S]*<\/style>/, ' ').replace(/<[^>]+>/g, ' ')]) {
      expect(untranslated(text, names)).toEqual({ latin: [], isoDates: [] });
      expect(text).not.toMatch(/: 无$/m);
    }
    expect(pack.text).toContain('打印配置 → 打印配置: 终端报告异常（打印机未就绪）');
    expect(pack.text).toContain('状态查询: 终端应答正常（就绪；软件版本 1.2.3）');
    // The same incident's steps for an English reader.
    expect(core.services.incidents.escalate(incident!.id, 'en').text).toContain('Print configuration → Print configuration: The terminal reported a problem (Printer not ready)');
  });

  it('word the symptoms of an incident that opened by itself in the reader\'s language, in the API answer and the pack', async () => {
    const { core, links, clock, device } = await setup();
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(6);
    const [incident] = core.services.incidents.tick();
    // Stored in English as before (CLI, exports), with the facts to word it again.
    expect(incident!.symptoms).toBe('offline (link disconnected)');
    const answer = await core.dispatch('incidents.get', { id: incident!.id });
    expect(answer).toMatchObject({ ok: true, value: { autoSymptoms: { overall: 'offline', link: 'disconnected', hostUnreachable: false, errorCode: null } } });
    const symptomsOf = (text: string, heading: string) => text.split('\n')[text.split('\n').indexOf(`${heading}:`) + 1];
    expect(symptomsOf(core.services.incidents.escalate(incident!.id, 'zh-CN').text, '故障现象')).toBe('离线（连接：已断开）');
    expect(symptomsOf(core.services.incidents.escalate(incident!.id, 'en').text, 'Symptoms')).toBe('Offline (link: Disconnected)');
    expect(core.services.incidents.escalate(incident!.id, 'zh-CN').html).toContain('<p class="symptoms">离线（连接：已断开）</p>');
  });

  it('keep rows written by an older version working: their English symptoms are worded in Chinese, the code explained; the manager\'s own words stay as written', async () => {
    const { core, links, clock, device } = await setup();
    links.report({ id: device.id, link: 'disconnected' });
    clock.advanceMinutes(6);
    const [incident] = core.services.incidents.tick();
    core.db.prepare('UPDATE incidents SET symptoms = ? WHERE id = ?').run('fault (link ready); host unreachable; printer noPaper; overheating; terminal:0xCC Printer not ready', incident!.id);
    const old = core.services.incidents.get(incident!.id);
    expect(old.autoSymptoms).toMatchObject({ overall: 'fault', link: 'ready', hostUnreachable: true, printer: 'noPaper', overheat: true, errorCode: 'terminal:0xCC', errorText: { zh: '打印机未就绪', en: 'Printer not ready' } });
    const zh = core.services.incidents.escalate(incident!.id, 'zh-CN').text;
    expect(zh).toContain('故障现象:\n故障（连接：就绪）；无法连接支付主机；打印机：缺纸；过热；打印机未就绪 (0xCC)\n');
    expect(core.services.incidents.escalate(incident!.id, 'en').text).toContain('Symptoms:\nFault (link: Ready); payment host unreachable; printer: No paper; overheating; Printer not ready (0xCC)\n');
    // A manually opened incident whose text happens to look alike is the manager's.
    const manual = core.services.incidents.open({ deviceId: device.id, symptoms: 'offline (link disconnected)' });
    expect(manual.autoSymptoms).toBeNull();
    const edited = core.services.incidents.update({ id: incident!.id, symptoms: 'Screen flickers, then offline (link disconnected)' });
    expect(edited.autoSymptoms).toBeNull();
    expect(core.services.incidents.escalate(incident!.id, 'zh-CN').text).toContain('故障现象:\nScreen flickers, then offline (link disconnected)\n');
  });
});
