const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A minimal, mail-client-safe HTML layout: paragraphs plus optional call-to-action links. */
export function renderHtml(
  title: string,
  paragraphs: string[],
  links: Array<{ label: string; href: string }> = [],
): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const buttons = links
    .map((l) => `<p><a href="${escapeHtml(l.href)}" style="font-weight:bold">${escapeHtml(l.label)}</a></p>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>\n<h2>${escapeHtml(title)}</h2>\n${body}\n${buttons}\n</body></html>`;
}

export function renderText(paragraphs: string[], links: Array<{ label: string; href: string }> = []): string {
  return [...paragraphs, ...links.map((l) => `${l.label}: ${l.href}`)].join('\n\n') + '\n';
}
