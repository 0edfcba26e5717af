/** Audit retention: records older than the retention period go, then the oldest beyond the row cap. */
export type AuditRetention = { days: number; maxRows: number };

export async function applyRetention(
  repo: { deleteOlderThan(before: Date): Promise<number>; trimToRows(maxRows: number): Promise<number> },
  r: AuditRetention,
  now = Date.now(),
): Promise<{ expired: number; trimmed: number }> {
  const expired = await repo.deleteOlderThan(new Date(now - r.days * 86_400_000));
  const trimmed = await repo.trimToRows(r.maxRows);
  return { expired, trimmed };
}
