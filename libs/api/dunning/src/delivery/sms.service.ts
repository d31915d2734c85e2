import { Injectable, Logger } from '@nestjs/common';
import type { DunningSettings } from '../settings/dunning-settings.entity.js';

export interface OutgoingSms {
  to: string;
  text: string;
}

export interface SentSms {
  id: string;
  provider: string;
}

/** An SMS gateway. Two are shipped: `log` (development: logged and archived, not sent) and `http`. */
export interface SmsProvider {
  readonly name: string;
  send(sms: OutgoingSms & { from: string | null }): Promise<SentSms>;
}

export type SmsSettings = Pick<DunningSettings, 'smsProvider' | 'smsHttpUrl' | 'smsHttpToken' | 'smsSender'>;

/** Development provider: the message is logged (and archived by the caller) but goes nowhere. */
export class LogSmsProvider implements SmsProvider {
  readonly name = 'log';
  private readonly logger = new Logger('Sms');
  private seq = 0;

  async send(sms: OutgoingSms & { from: string | null }): Promise<SentSms> {
    this.logger.log({ to: sms.to, from: sms.from, length: sms.text.length }, 'SMS (log provider, not sent)');
    return { id: `log-${Date.now()}-${++this.seq}`, provider: this.name };
  }
}

/**
 * A generic HTTP gateway: `POST <url>` with JSON `{ to, from, text }` and `Authorization: Bearer
 * <token>`; any 2xx is a success, the response's `id` (or `messageId`) is kept. Most SMS APIs can
 * be reached this way directly or through a small adapter.
 */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';
  constructor(
    private readonly url: string,
    private readonly token: string | null,
  ) {}

  async send(sms: OutgoingSms & { from: string | null }): Promise<SentSms> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ to: sms.to, from: sms.from, text: sms.text }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}: ${body.slice(0, 200)}`);
    let id = '';
    try {
      const json = JSON.parse(body) as { id?: unknown; messageId?: unknown };
      id = String(json.id ?? json.messageId ?? '');
    } catch {
      /* a gateway may answer plain text */
    }
    return { id: id || `http-${Date.now()}`, provider: this.name };
  }
}

@Injectable()
export class SmsService {
  private readonly log = new LogSmsProvider();

  provider(settings: SmsSettings): SmsProvider {
    if (settings.smsProvider === 'http') {
      if (!settings.smsHttpUrl) throw new Error('No SMS gateway URL: set smsHttpUrl in the dunning settings');
      return new HttpSmsProvider(settings.smsHttpUrl, settings.smsHttpToken);
    }
    return this.log;
  }

  async send(settings: SmsSettings, sms: OutgoingSms): Promise<SentSms> {
    return this.provider(settings).send({ ...sms, from: settings.smsSender });
  }
}
