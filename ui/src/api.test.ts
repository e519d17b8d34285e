import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as api from './api';
import * as commands from './generated/commands';

type Call = { cmd: string; args: unknown; options?: unknown };
let seen: Call[] = [];
let answer: (cmd: string) => Promise<unknown> = async () => null;

beforeEach(() => {
  seen = [];
  answer = async () => null;
  (globalThis as unknown as { window: unknown }).window = {
    __TAURI_INTERNALS__: {
      invoke: (cmd: string, args: unknown, options?: unknown) => {
        seen.push(options === undefined ? { cmd, args } : { cmd, args, options });
        return answer(cmd);
      },
    },
  };
});
afterEach(() => {
  delete (globalThis as unknown as { window?: unknown }).window;
});

describe('the command calls', () => {
  it('calls each command with its camelCase arguments', async () => {
    const draft = { nik: '1', email: 'e', phone: 'p' };
    await commands.appInfo();
    await commands.setLang('en');
    await commands.saveDraft(draft);
    await commands.checkRegistration('1', 'e', 'p');
    await commands.checkPin('123', '124');
    await commands.livenessStart('1', 'e', 'p');
    await commands.recoveryStart('1', 'e');
    await commands.livenessFinish();
    await commands.livenessCancel();
    await commands.recoveryConfirm('CODE');
    await commands.recoveryPoll();
    await commands.recoveryComplete('280419');
    await commands.deviceChangeNotice();
    await commands.deviceChangeCancel();
    await commands.registrationStatus();
    await commands.startOver();
    await commands.activate('CODE', '280419');
    await commands.unlock('280419');
    await commands.lock();
    await commands.refresh();
    await commands.card();
    await commands.profiles();
    await commands.present('basic');
    await commands.changePin('280419', '592817');
    await commands.releaseDevice('280419');
    await commands.family();
    await commands.activity();
    await commands.office();
    await commands.takeLink();
    expect(seen.map((c) => [c.cmd, c.args ?? {}])).toEqual([
      ['app_info', {}],
      ['set_lang', { lang: 'en' }],
      ['save_draft', { draft }],
      ['check_registration', { nik: '1', email: 'e', phone: 'p' }],
      ['check_pin', { pin: '123', confirm: '124' }],
      ['liveness_start', { nik: '1', email: 'e', phone: 'p' }],
      ['recovery_start', { nik: '1', email: 'e' }],
      ['liveness_finish', {}],
      ['liveness_cancel', {}],
      ['recovery_confirm', { code: 'CODE' }],
      ['recovery_poll', {}],
      ['recovery_complete', { pin: '280419' }],
      ['device_change_notice', {}],
      ['device_change_cancel', {}],
      ['registration_status', {}],
      ['start_over', {}],
      ['activate', { code: 'CODE', pin: '280419' }],
      ['unlock', { pin: '280419' }],
      ['lock', {}],
      ['refresh', {}],
      ['card', {}],
      ['profiles', {}],
      ['present', { profile: 'basic' }],
      ['change_pin', { old: '280419', new: '592817' }],
      ['release_device', { pin: '280419' }],
      ['family', {}],
      ['activity', {}],
      ['office', {}],
      ['take_link', {}],
    ]);
  });

  it('sends a frame as the raw body with its time in a header', async () => {
    const rgba = new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]);
    await api.sendFrame(rgba, 1234.6);
    await api.sendFrame(new Uint8Array(0), -3);
    expect(seen).toEqual([
      { cmd: 'liveness_frame', args: rgba, options: { headers: { 'x-ikd-frame-ms': '1235' } } },
      { cmd: 'liveness_frame', args: new Uint8Array(0), options: { headers: { 'x-ikd-frame-ms': '0' } } },
    ]);
    expect(seen[0].args).toBe(rgba);
  });

  it('passes a UiError through and wraps anything else', async () => {
    answer = async () => Promise.reject({ code: 'pin_locked', message: 'Dikunci.', retry_after_secs: 30 });
    await expect(commands.unlock('1')).rejects.toEqual({ code: 'pin_locked', message: 'Dikunci.', retry_after_secs: 30 });
    answer = async () => Promise.reject('command card not found');
    await expect(commands.card()).rejects.toEqual({ code: 'ipc', message: 'command card not found' });
    answer = async () => Promise.reject(new Error('boom'));
    await expect(commands.office()).rejects.toEqual({ code: 'ipc', message: 'boom' });
  });
});
