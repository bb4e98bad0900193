import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

/** Waits until the server's outbox holds a mail to `to` whose subject matches, and returns it parsed. */
export async function waitForMail(outboxDir: string, to: string, subject: RegExp, timeoutMs = 20_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const names = await readdir(outboxDir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const mail = await simpleParser(await readFile(path.join(outboxDir, name)));
      if (JSON.stringify(mail.to).includes(to) && subject.test(mail.subject ?? '')) return mail;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject} in ${outboxDir}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
