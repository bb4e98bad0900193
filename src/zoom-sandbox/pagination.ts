/** Zoom's next_page_token pagination (page_size default 30, at most 300). */
export function paginate<T>(items: T[], query: Record<string, string>) {
  const requested = Number.parseInt(query.page_size ?? '', 10);
  const pageSize = Number.isFinite(requested) ? Math.min(Math.max(requested, 1), 300) : 30;
  const offset = decodeToken(query.next_page_token);
  const page = items.slice(offset, offset + pageSize);
  const nextOffset = offset + page.length;
  return {
    page,
    page_count: Math.max(1, Math.ceil(items.length / pageSize)),
    page_number: Math.floor(offset / pageSize) + 1,
    page_size: pageSize,
    total_records: items.length,
    next_page_token: nextOffset < items.length ? Buffer.from(`o:${nextOffset}`).toString('base64url') : '',
  };
}

function decodeToken(token: string | undefined): number {
  if (!token) return 0;
  const match = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] ? Number(match[1]) : 0;
}
