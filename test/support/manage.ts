import type { ParsedMail } from 'mailparser';

/** The manage-link token in a mail to the customer (`${FRONTEND_URL}/manage/<token>`). */
export function manageTokenIn(mail: ParsedMail | undefined, frontendUrl = 'http://frontend.test'): string {
  const escaped = frontendUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`${escaped}/manage/([\\w.-]+)`).exec(mail?.text ?? '');
  if (!match) throw new Error(`no manage link in mail: ${mail?.subject}`);
  return match[1]!;
}
