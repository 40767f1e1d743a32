/**
 * The SMTP transport (nodemailer), made once per SMTP URL and closed at shutdown. E-mail is off
 * when SMTP_URL and MAIL_FROM are unset: `mailSettings()` is then undefined.
 */
import nodemailer from 'nodemailer';
import { config } from '../config.ts';
import { onShutdown } from '../lifecycle.ts';

type Transport = ReturnType<typeof nodemailer.createTransport>;
const TRANSPORT = Symbol.for('commons.mailTransport');
type Holder = { [TRANSPORT]?: { url: string; transport: Transport } };

export function mailSettings() {
	return config().mail;
}

/** The public origin links in e-mails start with. */
export function publicOrigin(): string {
	const cfg = config();
	return cfg.origin ?? `http://localhost:${cfg.port}`;
}

export function mailTransport(smtpUrl: string): Transport {
	const holder = globalThis as Holder;
	if (holder[TRANSPORT]?.url !== smtpUrl) {
		holder[TRANSPORT]?.transport.close();
		const transport = nodemailer.createTransport(smtpUrl);
		if (!holder[TRANSPORT])
			onShutdown('mail transport', () => (globalThis as Holder)[TRANSPORT]?.transport.close());
		holder[TRANSPORT] = { url: smtpUrl, transport };
	}
	return holder[TRANSPORT]!.transport;
}
