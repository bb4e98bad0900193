/** MongoDB's E11000: a unique index refused the write (someone else inserted the same key first). */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
